package aws

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// iniValue is one property of a shared config/credentials file, with where
// it was read so that an error about it can name the file and line.
type iniValue struct {
	value string
	file  string
	line  int
}

func (v iniValue) at() string { return fmt.Sprintf("%s:%d", v.file, v.line) }

// iniSection is a section's properties, keys lower-cased as the SDK does.
type iniSection map[string]iniValue

// maxSharedFile bounds what a shared config or credentials file may hold.
const maxSharedFile = 1 << 20

// readIni reads an AWS shared file the way the SDK's ini reader does:
// full-line comments (# and ;) and " #"/" ;" trailing comments, "=" or
// ":" between key and value, surrounding quotes removed, keys
// case-insensitive, indented lines below an empty value (nested
// sub-sections such as "s3 =") kept out of the value, other lines ignored.
// A missing file is no file (nil, nil).
func readIni(path string) (map[string]iniSection, error) {
	data, err := fsutil.ReadRegular(path, maxSharedFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case errors.Is(err, fsutil.ErrTooLarge):
		return nil, fmt.Errorf("the AWS shared file %s is larger than %d bytes: is it the right file?", path, maxSharedFile)
	case err != nil:
		return nil, fmt.Errorf("read the AWS shared file %s: %w", path, err)
	}
	secs := map[string]iniSection{}
	var cur iniSection
	key, nested := "", false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxSharedFile)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		if name, ok := iniHeader(line); ok {
			cur, key, nested = secs[name], "", false
			if cur == nil {
				cur = iniSection{}
				secs[name] = cur
			}
			continue
		}
		if cur == nil {
			continue // a property before any section: the SDK ignores it
		}
		indented := line[0] == ' ' || line[0] == '\t'
		if indented && key != "" && (nested || cur[key].value == "") {
			nested = true // a nested sub-section's property: not a value
			continue
		}
		if indented && key != "" && !strings.ContainsAny(trimmed, "=:") {
			v := cur[key] // a continuation line
			v.value += "\n" + trimmed
			cur[key] = v
			continue
		}
		k, v, ok := iniProperty(trimmed)
		if !ok {
			continue
		}
		key, nested = k, false
		cur[k] = iniValue{value: v, file: path, line: n}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the AWS shared file %s: %w", path, err)
	}
	return secs, nil
}

// iniHeader reads "[ type name ] ; comment" as "type name" (one space).
func iniHeader(line string) (string, bool) {
	s, _, _ := strings.Cut(line, "#")
	s, _, _ = strings.Cut(s, ";")
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return "", false
	}
	f := strings.Fields(s[1 : len(s)-1])
	switch len(f) {
	case 1:
		return f[0], true
	case 2:
		return f[0] + " " + f[1], true
	}
	return "", true // not a section the SDK reads: its properties are dropped below
}

// iniProperty splits "key = value ; comment" ("key: value" too).
func iniProperty(s string) (key, value string, ok bool) {
	for _, c := range []string{" #", " ;", "\t#", "\t;"} {
		s, _, _ = strings.Cut(s, c)
	}
	sep := "="
	if e, c := strings.Index(s, "="), strings.Index(s, ":"); e < 0 || (c >= 0 && c < e) {
		sep = ":"
	}
	k, v, ok := strings.Cut(s, sep)
	if !ok {
		return "", "", false
	}
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	return strings.ToLower(strings.TrimSpace(k)), v, true
}
