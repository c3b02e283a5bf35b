package keyring

// The file backend. The keyring library's own file backend encrypts each
// entry with JOSE PBES2-HS256+A128KW at 8192 PBKDF2-SHA256 iterations (about
// a millisecond per guess: weak for a stolen laptop's disk), writes in place
// and takes no lock. This one instead:
//
//   - derives one 256-bit key per keyring with argon2id (t=3, m=64 MiB,
//     p=4; RFC 9106's second recommended setting), salt and parameters kept
//     in keyring.json next to a check value that detects a wrong password
//     before anything is written;
//   - seals each entry with AES-256-GCM, the key name as associated data (an
//     entry renamed to another key fails to open);
//   - writes 0600 files in a 0700 directory atomically (temp + rename) under
//     a cross-process lock (flock on .lock).

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
	"golang.org/x/crypto/argon2"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

const (
	headerName  = "keyring.json"
	lockName    = ".lock"
	entrySuffix = ".entry"
	checkText   = "atmos-auth keyring check v1"
	lockWait    = 10 * time.Second
)

// KDFParams are the argon2id parameters of a file keyring.
type KDFParams struct {
	Time    uint32 `json:"t"`
	Memory  uint32 `json:"m"` // KiB
	Threads uint8  `json:"p"`
}

// DefaultKDF is used for new file keyrings: argon2id, 3 passes over 64 MiB
// with 4 lanes. Existing keyrings keep the parameters they were made with.
var DefaultKDF = KDFParams{Time: 3, Memory: 64 * 1024, Threads: 4}

// DeriveKey derives the 32-byte file-keyring key (exported for benchmarks).
func DeriveKey(password string, salt []byte, p KDFParams) []byte {
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
}

type fileHeader struct {
	V     int       `json:"v"`
	KDF   string    `json:"kdf"`
	Param KDFParams `json:"params"`
	Salt  []byte    `json:"salt"`
	Check []byte    `json:"check"` // nonce || AES-GCM(checkText)
}

type fileEntry struct {
	V     int    `json:"v"`
	Nonce []byte `json:"nonce"`
	CT    []byte `json:"ct"`
}

type fileBackend struct {
	dir       string
	pwEnv     string
	getenv    func(string) string
	prompt    func(string) (string, error)
	mu        sync.Mutex
	aead      cipher.AEAD // nil until unlocked
	unlockErr error
}

// FileDir returns the default file keyring directory.
func FileDir(getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	base := getenv("ATMOS_XDG_DATA_HOME")
	if base == "" {
		base = getenv("XDG_DATA_HOME")
	}
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil || home == "" {
			home = "."
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "atmos", "keyring")
}

func newFile(o Options) (*fileBackend, error) {
	dir := o.FileDir
	if dir == "" {
		dir = FileDir(o.Getenv)
	}
	if strings.HasPrefix(dir, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, dir[2:])
		}
	}
	if !ValidEnvName(o.PasswordEnv) {
		return nil, fmt.Errorf("%w: the password variable %q is not a variable name (check auth.keyring.spec.password_env and %s)", ErrUnavailable, o.PasswordEnv, EnvPasswordEnv)
	}
	_, statErr := os.Stat(dir)
	existed := statErr == nil
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a directory", ErrUnavailable, dir)
	}
	// A directory with other files and no keyring is never
	// re-permissioned: a repository's auth.keyring.spec.path must not
	// chmod the user's directories. It must already be private.
	if _, herr := os.Stat(filepath.Join(dir, headerName)); existed && herr != nil && st.Mode().Perm()&0o077 != 0 && !onlyKeyringFiles(dir) {
		return nil, fmt.Errorf("%w: %s holds other files and is readable by others: choose a new directory for the keyring, or make this one private (chmod 700)", ErrUnavailable, dir)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("%w: %s is readable by others and cannot be made private: %v", ErrUnavailable, dir, err)
		}
	}
	return &fileBackend{dir: dir, pwEnv: o.PasswordEnv, getenv: o.Getenv, prompt: o.Prompt}, nil
}

// onlyKeyringFiles reports whether dir holds nothing but what a keyring
// writes (its header, lock, entries and atomic-write temp files .NAME.*.tmp): another
// process creating the same keyring at the same moment is not "other
// files". At most 256 names are read.
func onlyKeyringFiles(dir string) bool {
	d, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer d.Close()
	names, err := d.Readdirnames(257)
	if len(names) > 256 || (err != nil && err != io.EOF) {
		return false
	}
	for _, n := range names {
		if n != headerName && n != lockName && !strings.HasSuffix(n, entrySuffix) && !(strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".tmp")) {
			return false
		}
	}
	return true
}

func (f *fileBackend) name() string     { return TypeFile }
func (f *fileBackend) location() string { return f.dir }

// entryPath maps a key to a file name: bytes outside [A-Za-z0-9._@+=-] are
// %XX-escaped (so "/" and ":" never reach the file system).
func (f *fileBackend) entryPath(key string) string {
	return filepath.Join(f.dir, escapeName(key)+entrySuffix)
}

func unescape(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		c, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(c))
		i += 2
	}
	return b.String(), true
}

func (f *fileBackend) lock() (*flock.Flock, error) {
	l := flock.New(filepath.Join(f.dir, lockName))
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	ok, err := l.TryLockContext(ctx, 20*time.Millisecond)
	if err == nil && !ok {
		err = errors.New("lock not acquired")
	}
	if err != nil {
		return nil, fmt.Errorf("locking %s (another atmos-auth may hold %s for more than %s): %w", f.dir, lockName, lockWait, err)
	}
	return l, nil
}

func (f *fileBackend) password() (string, error) {
	if pw := f.getenv(f.pwEnv); pw != "" {
		return pw, nil
	}
	if f.prompt != nil {
		pw, err := f.prompt(fmt.Sprintf("Password for the atmos-auth keyring in %s: ", f.dir))
		if err != nil {
			return "", fmt.Errorf("%w: reading it: %v", ErrNoPassword, err)
		}
		if pw != "" {
			return pw, nil
		}
	}
	return "", fmt.Errorf("%w: the file keyring in %s is encrypted with a password; set %s (or auth.keyring.spec.password_env to name another variable), or run in a terminal to be asked",
		ErrNoPassword, f.dir, f.pwEnv)
}

// unlock loads (or, when create is set, creates) the header and derives
// the key, checking the password.
func (f *fileBackend) unlock(create bool) (cipher.AEAD, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.aead != nil {
		return f.aead, nil
	}
	if f.unlockErr != nil {
		return nil, f.unlockErr
	}
	hdrPath := filepath.Join(f.dir, headerName)
	raw, err := fsutil.ReadRegular(hdrPath, fsutil.MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, ErrNotFound
		}
		l, lerr := f.lock()
		if lerr != nil {
			return nil, lerr
		}
		defer func() { _ = l.Unlock() }()
		// Another process may have created it while we waited.
		raw, err = fsutil.ReadRegular(hdrPath, fsutil.MaxConfigSize)
		if errors.Is(err, fs.ErrNotExist) {
			return f.createHeader(hdrPath)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", hdrPath, err)
	}
	var h fileHeader
	if err := json.Unmarshal(raw, &h); err != nil || h.V != 1 || h.KDF != "argon2id" || len(h.Salt) < 16 || len(h.Check) < 12 {
		return nil, fmt.Errorf("%s is damaged or from a newer atmos-auth; move the directory aside to start a new keyring", hdrPath)
	}
	pw, err := f.password()
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(DeriveKey(pw, h.Salt, h.Param))
	if err != nil {
		return nil, err
	}
	nonce, ct := h.Check[:aead.NonceSize()], h.Check[aead.NonceSize():]
	pt, err := aead.Open(nil, nonce, ct, []byte(headerName))
	if err != nil || subtle.ConstantTimeCompare(pt, []byte(checkText)) != 1 {
		f.unlockErr = fmt.Errorf("%w for the file keyring in %s (from %s or the prompt); nothing was changed", ErrWrongPassword, f.dir, f.pwEnv)
		return nil, f.unlockErr
	}
	f.aead = aead
	return aead, nil
}

func (f *fileBackend) createHeader(path string) (cipher.AEAD, error) {
	pw, err := f.password()
	if err != nil {
		return nil, err
	}
	h := fileHeader{V: 1, KDF: "argon2id", Param: DefaultKDF, Salt: make([]byte, 16)}
	if _, err := rand.Read(h.Salt); err != nil {
		return nil, err
	}
	aead, err := newAEAD(DeriveKey(pw, h.Salt, h.Param))
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	h.Check = aead.Seal(nonce, nonce, []byte(checkText), []byte(headerName))
	raw, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(path, raw); err != nil {
		return nil, err
	}
	f.aead = aead
	return aead, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// writeAtomic writes data to a 0600 temp file in the same directory, syncs
// it and renames it over path.
func writeAtomic(path string, data []byte) error { return fsutil.WriteFileAtomic(path, data) }

func (f *fileBackend) get(key string) ([]byte, error) {
	raw, err := fsutil.ReadRegular(f.entryPath(key), fsutil.MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading keyring entry %q: %w", key, err)
	}
	aead, err := f.unlock(false)
	if errors.Is(err, ErrNotFound) {
		return nil, &CorruptError{Key: key, Reason: "the keyring header " + headerName + " is missing"}
	}
	if err != nil {
		return nil, err
	}
	var e fileEntry
	if err := json.Unmarshal(raw, &e); err != nil || e.V != 1 || len(e.Nonce) != aead.NonceSize() {
		return nil, &CorruptError{Key: key, Reason: "unreadable file"}
	}
	pt, err := aead.Open(nil, e.Nonce, e.CT, []byte(key))
	if err != nil {
		return nil, &CorruptError{Key: key, Reason: "authentication failed"}
	}
	return pt, nil
}

func (f *fileBackend) set(key string, data []byte) error {
	// Unlock (and check the password) before touching any file.
	aead, err := f.unlock(true)
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	raw, err := json.Marshal(fileEntry{V: 1, Nonce: nonce, CT: aead.Seal(nil, nonce, data, []byte(key))})
	if err != nil {
		return err
	}
	l, err := f.lock()
	if err != nil {
		return err
	}
	defer func() { _ = l.Unlock() }()
	if err := writeAtomic(f.entryPath(key), raw); err != nil {
		return fmt.Errorf("writing keyring entry %q: %w", key, err)
	}
	return nil
}

func (f *fileBackend) remove(key string) error {
	l, err := f.lock()
	if err != nil {
		return err
	}
	defer func() { _ = l.Unlock() }()
	err = os.Remove(f.entryPath(key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing keyring entry %q: %w", key, err)
	}
	return nil
}

// keys lists entries from file names; it needs no password.
func (f *fileBackend) keys() ([]string, error) {
	des, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", f.dir, err)
	}
	var out []string
	for _, de := range des {
		n := de.Name()
		if !de.Type().IsRegular() || !strings.HasSuffix(n, entrySuffix) {
			continue
		}
		if k, ok := unescape(strings.TrimSuffix(n, entrySuffix)); ok {
			out = append(out, k)
		}
	}
	return out, nil
}
