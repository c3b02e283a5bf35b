// Package hooks is the shell-agnostic per-prompt logic: finding the
// per-directory identity file, the trust database, the state carried
// between prompts and the diff that applies or restores an identity.
package hooks

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// FileName is the per-directory identity file. Its format is one
// "key: value" per line; blank lines and lines starting with # are ignored:
//
//	# .atmos-identity
//	identity: prod-admin
//	profile: ci
//
// identity names an identity of atmos.yaml (when absent, the configuration's
// default identity is used); profile is a comma-separated list of profiles
// merged over the base configuration, in order (and exported as
// ATMOS_PROFILE). At least one of them is required.
const FileName = ".atmos-identity"

// maxFileSize bounds what is read from an identity file.
const maxFileSize = 64 << 10

// IdentityFile is a parsed identity file.
type IdentityFile struct {
	Path     string   // as found (logical path under $PWD)
	Identity string   // may be empty: the configuration's default
	Profiles []string // may be empty
	Content  []byte   // raw bytes (hashed for trust)
}

// Find returns the nearest identity file walking up from dir (a clean
// absolute logical path such as $PWD), or "" when there is none. The walk is
// the same string walk the shell hooks do with builtins, so both agree on
// the path.
func Find(dir string) string {
	d := strings.TrimRight(dir, "/")
	for {
		p := d + "/" + FileName
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
		if d == "" {
			return ""
		}
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			return ""
		}
		d = d[:i]
	}
}

// ReadFile reads and parses an identity file. Errors carry file:line.
func ReadFile(path string) (*IdentityFile, error) {
	content, err := readRaw(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, content)
}

// readRaw reads an identity file's bytes, refusing files over maxFileSize.
func readRaw(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(&limitReader{f, maxFileSize + 1}); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if buf.Len() > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes; an identity file holds two short lines", path, maxFileSize)
	}
	return buf.Bytes(), nil
}

type limitReader struct {
	f *os.File
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("too large")
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.f.Read(p)
	l.n -= int64(n)
	return n, err
}

// Parse parses identity file content; path is used in errors only.
func Parse(path string, content []byte) (*IdentityFile, error) {
	out := &IdentityFile{Path: path, Content: content}
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 0, 4096), maxFileSize+1)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimSuffix(sc.Text(), "\r"))
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		key, val, ok := strings.Cut(text, ":")
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected \"key: value\" (identity: NAME or profile: NAME)", path, line)
		}
		key = strings.TrimSpace(key)
		val = strings.TrimSpace(val)
		if i := strings.Index(val, " #"); i >= 0 {
			val = strings.TrimSpace(val[:i])
		}
		val = unquote(val)
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("%s:%d: %s is already set on line %d", path, line, key, prev)
		}
		seen[key] = line
		switch key {
		case "identity":
			if val == "" || strings.ContainsAny(val, "\x00\n") {
				return nil, fmt.Errorf("%s:%d: identity: a name is required", path, line)
			}
			out.Identity = val
		case "profile", "profiles":
			for _, p := range strings.Split(val, ",") {
				p = strings.TrimSpace(p)
				if p == "" {
					return nil, fmt.Errorf("%s:%d: profile: empty profile name", path, line)
				}
				out.Profiles = append(out.Profiles, p)
			}
		default:
			return nil, fmt.Errorf("%s:%d: unknown key %q (allowed: identity, profile)", path, line, key)
		}
	}
	if out.Identity == "" && len(out.Profiles) == 0 {
		return nil, fmt.Errorf("%s:1: empty identity file: set identity: NAME and/or profile: NAME", path)
	}
	return out, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// LogicalPWD returns $PWD when it names the current directory, else the
// physical working directory.
func LogicalPWD(getenv func(string) string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if p := getenv("PWD"); filepath.IsAbs(p) && filepath.Clean(p) == p {
		a, e1 := os.Stat(p)
		b, e2 := os.Stat(wd)
		if e1 == nil && e2 == nil && os.SameFile(a, b) {
			return p, nil
		}
	}
	return wd, nil
}
