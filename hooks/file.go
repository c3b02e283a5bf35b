// Package hooks is the shell-agnostic per-prompt logic: finding the
// per-directory identity file, the trust database, the state carried
// between prompts and the diff that applies or restores an identity.
package hooks

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
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
	Path     string   // as found (logical path under $PWD), never resolved
	Identity string   // may be empty: the configuration's default
	Profiles []string // may be empty
	Content  []byte   // raw bytes (hashed for trust)
	// Config is the absolute path of the atmos.yaml the file is applied
	// with ("" when none was found): see ConfigLocator.
	Config string
}

// Subject is what a trust decision is about.
func (f *IdentityFile) Subject() Subject {
	return Subject{Path: f.Path, Content: f.Content, Config: f.Config}
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

// ReadContent is the one read of an identity file: bounded, never blocking
// on a FIFO, refusing devices, directories and /proc or /sys files. Its
// errors name the path, never the content.
func ReadContent(path string) ([]byte, error) {
	b, err := fsutil.ReadRegular(path, maxFileSize)
	if errors.Is(err, fsutil.ErrTooLarge) {
		return nil, fmt.Errorf("%s: larger than %d bytes; an identity file holds two short lines", path, maxFileSize)
	}
	return b, err
}

// Parse parses identity file content; path is used in errors only. Parse
// only a file the user allowed or is allowing (a file that is not allowed
// is never parsed). Errors never quote the content (the file may be a link
// to a secret): they name line:col and, when it is a plain identifier, the
// key.
func Parse(path string, content []byte) (*IdentityFile, error) {
	out := &IdentityFile{Path: path, Content: content}
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 0, 4096), maxFileSize+1)
	line := 0
	for sc.Scan() {
		line++
		raw := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			raw = strings.TrimPrefix(raw, "\ufeff")
		}
		text := strings.TrimSpace(raw)
		col := len(raw) - len(strings.TrimLeft(raw, " \t\v\f")) + 1
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		errf := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d:%d: %s", path, line, col, fmt.Sprintf(format, args...))
		}
		key, val, ok := strings.Cut(text, ":")
		if !ok {
			return nil, errf("expected \"key: value\" (identity: NAME or profile: NAME)")
		}
		key = strings.TrimSpace(key)
		val = strings.TrimSpace(val)
		if i := strings.Index(val, " #"); i >= 0 {
			val = strings.TrimSpace(val[:i])
		}
		val = unquote(val)
		switch key {
		case "identity", "profile", "profiles":
		default:
			if plainKey(key) {
				return nil, errf("unknown key %q (allowed: identity, profile)", key)
			}
			return nil, errf("unknown key (allowed: identity, profile)")
		}
		canon := strings.TrimSuffix(key, "s")
		if prev, dup := seen[canon]; dup {
			return nil, errf("%s is already set on line %d", canon, prev)
		}
		seen[canon] = line
		if canon == "identity" {
			if val == "" || strings.ContainsAny(val, "\x00\n") {
				return nil, errf("identity: a name is required")
			}
			out.Identity = val
			continue
		}
		for _, p := range strings.Split(val, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				return nil, errf("profile: empty profile name")
			}
			out.Profiles = append(out.Profiles, p)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if out.Identity == "" && len(out.Profiles) == 0 {
		return nil, fmt.Errorf("%s:1:1: empty identity file: set identity: NAME and/or profile: NAME", path)
	}
	return out, nil
}

// plainKey reports whether an unknown key may be named in an error: a short
// identifier, nothing a terminal or a reader could take for anything else.
func plainKey(k string) bool {
	if k == "" || len(k) > 32 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || i > 0 && ('0' <= c && c <= '9' || c == '-')) {
			return false
		}
	}
	return true
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
