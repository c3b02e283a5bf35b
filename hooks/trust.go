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
// key = hex(sha256(realpath + "\n" + hex(sha256(content)))), so a file is
// trusted only at one path with one exact content: any change to its content
// (or a move) revokes the approval. Each entry holds the real path, for
// humans and for `deny` to find older entries. Directories are 0700, entries
// 0600, written atomically (temp file + rename). A prompt checks trust with a
// single stat; the shell hooks watch the allow/ directory's mtime to notice
// `allow` and `deny` without starting a process.
type Trust struct {
	Dir string // <data>/atmos/trust
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

// NewTrust returns the trust database under data (engine.Dirs.Data).
func NewTrust(data string) *Trust { return &Trust{Dir: filepath.Join(data, "trust")} }

// AllowDir is the directory whose mtime changes on every allow or deny.
func (t *Trust) AllowDir() string { return filepath.Join(t.Dir, "allow") }

func (t *Trust) denyDir() string { return filepath.Join(t.Dir, "deny") }

// Key returns the database key of a file's path and content.
func Key(path string, content []byte) (key, real string, err error) {
	real, err = filepath.EvalSymlinks(path)
	if err != nil {
		return "", "", err
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return "", "", err
	}
	c := sha256.Sum256(content)
	k := sha256.Sum256([]byte(real + "\n" + hex.EncodeToString(c[:])))
	return hex.EncodeToString(k[:]), real, nil
}

// State returns the trust of path with content.
func (t *Trust) State(path string, content []byte) (TrustState, error) {
	allow, deny, err := t.Entries(path, content)
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

// Entries returns the allow and deny entries of path with content: whether
// they exist decides its State, so a shell can watch them with builtins.
func (t *Trust) Entries(path string, content []byte) (allow, deny string, err error) {
	key, _, err := Key(path, content)
	if err != nil {
		return "", "", err
	}
	return filepath.Join(t.AllowDir(), key), filepath.Join(t.denyDir(), key), nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// Allow trusts path with its current content, dropping older entries for
// the same path and any deny entry.
func (t *Trust) Allow(path string, content []byte) error { return t.set(path, content, true) }

// Deny revokes trust of path (whatever its content) and records the denial
// of its current content, so the hook stays quiet about it.
func (t *Trust) Deny(path string, content []byte) error { return t.set(path, content, false) }

func (t *Trust) set(path string, content []byte, allow bool) error {
	key, real, err := Key(path, content)
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
	if err := t.dropPath(dst, real); err != nil {
		return err
	}
	if err := t.dropPath(other, real); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dst, key), []byte(real+"\n")); err != nil {
		return fmt.Errorf("trust database: %w", err)
	}
	// Touch the allow dir so watching shells notice a deny too.
	return touchDir(t.AllowDir())
}

// dropPath removes every entry of dir recorded for real.
func (t *Trust) dropPath(dir, real string) error {
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
		if err == nil && strings.TrimSuffix(string(b), "\n") == real {
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
