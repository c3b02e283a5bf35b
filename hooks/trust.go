package hooks

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// Trust is the trust database under the XDG data dir:
//
//	<data>/atmos/trust/allow/<key>   allowed files
//	<data>/atmos/trust/deny/<key>    explicitly denied files
//
// The key binds a Subject: the identity file's path as found (a symlink is
// not followed: a link in a never-allowed directory to an allowed file is a
// new file), its exact content, and the atmos.yaml it is applied with. Any
// change to one of them (an edit, a move, a new atmos.yaml nearer to the
// file, another --config) revokes the approval; so do approvals made before
// the key bound all three (they were keyed by the resolved path): such files
// are pending until allowed again. Each entry records the path
// and configuration, for humans and for `deny` to find older entries.
// Directories are 0700, entries 0600, written atomically (temp file +
// rename). A prompt checks trust with a single stat; the shell hooks watch
// the allow/ directory's mtime to notice `allow` and `deny` without
// starting a process.
type Trust struct {
	Dir string // <data>/atmos/trust
}

// Subject is what one trust decision is about.
type Subject struct {
	Path    string // absolute and clean, as found: never resolved
	Content []byte
	Config  string // absolute path of the atmos.yaml it uses, "" when none
}

// TrustState is the trust of one file.
type TrustState int

const (
	Pending TrustState = iota // never allowed, or changed since
	Allowed
	Denied
)

func (s TrustState) String() string {
	switch s {
	case Allowed:
		return "allowed"
	case Denied:
		return "denied"
	}
	return "pending"
}

// NewTrust returns the trust database under data (config.Dirs.Data).
func NewTrust(data string) *Trust { return &Trust{Dir: filepath.Join(data, "trust")} }

// AllowDir is the directory whose mtime changes on every allow or deny.
func (t *Trust) AllowDir() string { return filepath.Join(t.Dir, "allow") }

func (t *Trust) denyDir() string { return filepath.Join(t.Dir, "deny") }

// EnsureAllowDir creates the (empty) allow directory when it is missing,
// so a shell always has something to compare its stamp with: zsh's -nt is
// false against a missing file, so a stamp of a missing database could
// never show the first `allow`.
func (t *Trust) EnsureAllowDir() error {
	if _, err := os.Stat(t.AllowDir()); err == nil {
		return nil
	}
	for _, d := range []string{t.Dir, t.AllowDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("trust database: %w", err)
		}
		_ = os.Chmod(d, 0o700)
	}
	return nil
}

// Key returns the database key of s.
func Key(s Subject) (string, error) {
	if !filepath.IsAbs(s.Path) || filepath.Clean(s.Path) != s.Path {
		return "", fmt.Errorf("%s: not a clean absolute path", s.Path)
	}
	c := sha256.Sum256(s.Content)
	// NUL cannot occur in a path: the fields cannot run into each other.
	k := sha256.Sum256([]byte("v2\x00" + s.Path + "\x00" + hex.EncodeToString(c[:]) + "\x00" + s.Config))
	return hex.EncodeToString(k[:]), nil
}

// State returns the trust of s.
func (t *Trust) State(s Subject) (TrustState, error) {
	allow, deny, err := t.Entries(s)
	if err != nil {
		return Pending, err
	}
	if exists(allow) {
		return Allowed, nil
	}
	if exists(deny) {
		return Denied, nil
	}
	return Pending, nil
}

// Entries returns the allow and deny entries of s: whether they exist
// decides its State, so a shell can watch them with builtins.
func (t *Trust) Entries(s Subject) (allow, deny string, err error) {
	key, err := Key(s)
	if err != nil {
		return "", "", err
	}
	return filepath.Join(t.AllowDir(), key), filepath.Join(t.denyDir(), key), nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// Allow trusts s, dropping older entries for the same path and any deny
// entry.
func (t *Trust) Allow(s Subject) error { return t.set(s, true) }

// Deny revokes trust of s.Path (whatever its content or configuration) and
// records the denial of s, so the hook stays quiet about it.
func (t *Trust) Deny(s Subject) error { return t.set(s, false) }

// entry is what an entry file holds: the path and the configuration,
// separated by a NUL (which no path holds), bytes as they are (a directory
// name need not be UTF-8). Entries of the first format hold "path\n".
func entry(s Subject) []byte { return []byte(s.Path + "\x00" + s.Config) }

func entryPath(b []byte) string {
	if p, _, ok := strings.Cut(string(b), "\x00"); ok {
		return p
	}
	return strings.TrimSuffix(string(b), "\n")
}

func (t *Trust) set(s Subject, allow bool) error {
	key, err := Key(s)
	if err != nil {
		return err
	}
	dst, other := t.AllowDir(), t.denyDir()
	if !allow {
		dst, other = other, dst
	}
	for _, d := range []string{t.Dir, dst, other} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("trust database: %w", err)
		}
		_ = os.Chmod(d, 0o700)
	}
	if err := t.dropPath(dst, s.Path); err != nil {
		return err
	}
	if err := t.dropPath(other, s.Path); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dst, key), entry(s)); err != nil {
		return fmt.Errorf("trust database: %w", err)
	}
	// Touch the allow dir so watching shells notice a deny too.
	return touchDir(t.AllowDir())
}

// dropPath removes every entry of dir recorded for path.
func (t *Trust) dropPath(dir, path string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("trust database: %w", err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(p)
		if err == nil && entryPath(b) == path {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("trust database: %w", err)
			}
		}
	}
	return nil
}

func touchDir(dir string) error {
	f, err := os.CreateTemp(dir, ".touch-*")
	if err != nil {
		return fmt.Errorf("trust database: %w", err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// writeAtomic writes data to path with mode 0600 via a temp file + rename.
func writeAtomic(path string, data []byte) error { return fsutil.WriteFileAtomic(path, data) }
