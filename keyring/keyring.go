// Package keyring stores atmos-auth's long-lived secrets (IAM user keys, SSO
// refresh tokens, client registrations) behind one small interface.
//
// Backends:
//   - "system": the operating system's store. On Linux the first reachable of
//     secret-service, kwallet, pass (an initialised password store); keyctl
//     only when asked for by name, because the kernel keyring is lost at
//     reboot. macOS: keychain. Windows: wincred. No reachable store is an
//     error, never a silent fallback.
//   - "file": entries encrypted with AES-256-GCM under a key derived with
//     argon2id from a password (see file.go).
//   - "memory": for tests and one-off sessions.
//
// Every backend call is bounded by a timeout: an unavailable or locked store
// fails within seconds with an error naming it and telling how to choose
// another, instead of hanging.
//
// Values are Envelopes that carry their kind and expiry. Secret values never
// appear in errors.
package keyring

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Type names accepted by Resolve and Options.Type.
const (
	TypeSystem = "system"
	TypeFile   = "file"
	TypeMemory = "memory"
)

// Defaults.
const (
	DefaultServiceName = "atmos-auth"
	DefaultPasswordEnv = "ATMOS_KEYRING_PASSWORD"
	DefaultTimeout     = 3 * time.Second
	// KeyPrefix starts every key made by Key; List(KeyPrefix) lists all
	// atmos-auth entries of a store.
	KeyPrefix = "atmos-auth:"
	// EnvType selects the keyring type over the configuration.
	EnvType = "ATMOS_KEYRING_TYPE"
	// maxKeyLen keeps keys within every backend's limits (file names are
	// at most 255 bytes after escaping; keyctl descriptions 4095).
	maxKeyLen = 160
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound      = errors.New("keyring entry not found")
	ErrUnavailable   = errors.New("unavailable")
	ErrCorrupt       = errors.New("keyring entry is corrupt")
	ErrWrongPassword = errors.New("wrong keyring password")
	ErrNoPassword    = errors.New("keyring password not available")
	ErrInvalidKey    = errors.New("invalid keyring key")
)

// Store is the credential store.
type Store interface {
	// Get returns the entry; errors.Is(err, ErrNotFound) when absent.
	Get(key string) (Envelope, error)
	// Set creates or replaces the entry.
	Set(key string, e Envelope) error
	// Remove deletes the entry; removing an absent key is not an error.
	Remove(key string) error
	// List returns the keys starting with prefix, sorted.
	List(prefix string) ([]string, error)
	// Backend names the backend: memory, file, keyctl, secret-service, pass,
	// keychain, wincred, kwallet.
	Backend() string
}

// Envelope is a stored value: its kind (e.g. "aws/sso-refresh-token",
// "aws/user-keys", "aws/sso-client"), its expiry (zero: none) and its fields.
type Envelope struct {
	Kind    string
	Expires time.Time
	Data    map[string]string
}

// Expired reports whether the envelope has an expiry at or before now.
func (e Envelope) Expired(now time.Time) bool {
	return !e.Expires.IsZero() && !now.Before(e.Expires)
}

// wire is the stored form of an Envelope.
type wire struct {
	V       int               `json:"v"`
	Kind    string            `json:"kind"`
	Expires *time.Time        `json:"expires,omitempty"`
	Data    map[string]string `json:"data"`
}

func encode(e Envelope) ([]byte, error) {
	if e.Kind == "" {
		return nil, errors.New("keyring envelope has no kind")
	}
	w := wire{V: 1, Kind: e.Kind, Data: e.Data}
	if w.Data == nil {
		w.Data = map[string]string{}
	}
	if !e.Expires.IsZero() {
		t := e.Expires.UTC()
		w.Expires = &t
	}
	return json.Marshal(w)
}

func decode(key string, b []byte) (Envelope, error) {
	var w wire
	if err := json.Unmarshal(b, &w); err != nil || w.V != 1 || w.Kind == "" {
		return Envelope{}, &CorruptError{Key: key}
	}
	e := Envelope{Kind: w.Kind, Data: w.Data}
	if e.Data == nil {
		e.Data = map[string]string{}
	}
	if w.Expires != nil {
		e.Expires = *w.Expires
	}
	return e, nil
}

// CorruptError reports an entry that cannot be read back; other entries are
// unaffected. errors.Is(err, ErrCorrupt) holds.
type CorruptError struct {
	Key    string
	Reason string
}

func (e *CorruptError) Error() string {
	msg := fmt.Sprintf("keyring entry %q is corrupt", e.Key)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg + "; remove it and sign in again"
}

func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// BackendError is a failure of a named backend; when unavailable it says how
// to choose another.
type BackendError struct {
	Backend string
	Op      string
	Err     error
}

func (e *BackendError) Error() string {
	msg := fmt.Sprintf("keyring backend %q", e.Backend)
	if e.Op != "" {
		msg += " " + e.Op
	}
	if errors.Is(e.Err, ErrUnavailable) && !strings.HasPrefix(e.Err.Error(), ErrUnavailable.Error()) {
		msg += " is unavailable"
	}
	msg += ": " + e.Err.Error()
	if errors.Is(e.Err, ErrUnavailable) {
		msg += "; choose another with " + EnvType + "=file (or auth.keyring.type: file in atmos.yaml)"
	}
	return msg
}

func (e *BackendError) Unwrap() error { return e.Err }

// Key builds a scoped key name: "atmos-auth:<kind>:<name>". Characters of
// name outside [A-Za-z0-9._@+=-] are percent-escaped, so the key is safe as a
// pass file path, a keyctl description and a file name.
func Key(kind, name string) string {
	return KeyPrefix + kind + ":" + escapeName(name)
}

func escapeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("._@+=-", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// validKey rejects keys some backend cannot hold: empty, too long, control
// characters, and path segments that would escape a directory.
func validKey(key string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrInvalidKey, key, why) }
	switch {
	case key == "":
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	case len(key) > maxKeyLen:
		return bad(fmt.Sprintf("longer than %d bytes", maxKeyLen))
	case !utf8.ValidString(key):
		return bad("not UTF-8")
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return bad("control character or backslash")
		}
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return bad("empty, . or .. path segment")
		}
	}
	return nil
}

// Resolve picks the keyring type: ATMOS_KEYRING_TYPE over the configured
// type over "system".
func Resolve(configType string, getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	if v := strings.TrimSpace(getenv(EnvType)); v != "" {
		return strings.ToLower(v)
	}
	if v := strings.TrimSpace(configType); v != "" {
		return strings.ToLower(v)
	}
	return TypeSystem
}

// Options configure Open.
type Options struct {
	// Type is system, file or memory ("" is system). Use Resolve.
	Type string
	// Backend narrows "system" to one store: secret-service, kwallet, keyctl,
	// pass, keychain, wincred.
	Backend string
	// ServiceName scopes entries where the backend has a namespace (keyctl
	// keyring name, keychain service, pass sub-directory, wincred prefix).
	// Default "atmos-auth".
	ServiceName string
	// FileDir is the file backend's directory. Default
	// $ATMOS_XDG_DATA_HOME, else $XDG_DATA_HOME, else ~/.local/share, then
	// /atmos/keyring.
	FileDir string
	// PasswordEnv names the variable holding the file backend's password.
	// Default ATMOS_KEYRING_PASSWORD.
	PasswordEnv string
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
	// Prompt asks for the file password interactively. Leave nil when there
	// is no TTY or in CI: a missing password is then a clear error.
	Prompt func(prompt string) (string, error)
	// Timeout bounds every backend call (DefaultTimeout when zero).
	Timeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Type == "" {
		o.Type = TypeSystem
	}
	o.Type = strings.ToLower(o.Type)
	o.Backend = strings.ToLower(strings.TrimSpace(o.Backend))
	if o.ServiceName == "" {
		o.ServiceName = DefaultServiceName
	}
	if o.PasswordEnv == "" {
		o.PasswordEnv = DefaultPasswordEnv
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// backend is what each store implements: raw bytes under validated keys.
type backend interface {
	name() string
	get(key string) ([]byte, error) // ErrNotFound when absent
	set(key string, data []byte) error
	remove(key string) error // nil when absent
	keys() ([]string, error)
	location() string
}

// Open opens the store the options select. It checks that the backend is
// reachable (within the timeout) but does not ask for a file password; that
// happens on the first Get or Set.
func Open(o Options) (Store, error) {
	o = o.withDefaults()
	switch o.Type {
	case TypeMemory:
		return &store{b: newMemory()}, nil
	case TypeFile:
		f, err := newFile(o)
		if err != nil {
			return nil, &BackendError{Backend: TypeFile, Op: "open", Err: err}
		}
		// Local files cannot hang like a D-Bus agent, and the password
		// prompt must not race a timer: no timeout (the lock wait is bounded).
		return &store{b: f}, nil
	case TypeSystem:
		return openSystem(o)
	default:
		return nil, fmt.Errorf("unknown keyring type %q: use system, file or memory (%s or auth.keyring.type)", o.Type, EnvType)
	}
}

// Location describes where a store keeps its entries (a directory, a
// keyring name), for diagnostics; it never holds secrets.
func Location(s Store) string {
	if w, ok := s.(*store); ok {
		return w.b.location()
	}
	return ""
}

// store adds key validation, envelope coding, prefix filtering and the
// timeout to a backend.
type store struct {
	b       backend
	timeout time.Duration

	mu     sync.Mutex
	broken error // set after a timeout: the backend may still be stuck
}

func wrap(b backend, o Options) *store { return &store{b: b, timeout: o.Timeout} }

func (s *store) Backend() string { return s.b.name() }

// call runs fn with the timeout (none when zero). After a timeout the store stays broken so
// that later calls fail at once instead of piling up stuck goroutines.
func (s *store) call(op string, fn func() error) error {
	s.mu.Lock()
	if s.broken != nil {
		err := s.broken
		s.mu.Unlock()
		return err
	}
	s.mu.Unlock()
	if s.timeout <= 0 {
		return fn()
	}
	err, timedOut := withTimeout(s.timeout, fn)
	if timedOut {
		err = &BackendError{Backend: s.b.name(), Op: op, Err: fmt.Errorf(
			"%w: no answer within %s (the store may be locked or its agent not running)", ErrUnavailable, s.timeout)}
		s.mu.Lock()
		s.broken = err
		s.mu.Unlock()
	}
	return err
}

func withTimeout(d time.Duration, fn func() error) (err error, timedOut bool) {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-done:
		return err, false
	case <-t.C:
		return nil, true
	}
}

func (s *store) Get(key string) (Envelope, error) {
	if err := validKey(key); err != nil {
		return Envelope{}, err
	}
	var raw []byte
	err := s.call("get", func() (err error) { raw, err = s.b.get(key); return err })
	if err != nil {
		return Envelope{}, err
	}
	return decode(key, raw)
}

func (s *store) Set(key string, e Envelope) error {
	if err := validKey(key); err != nil {
		return err
	}
	raw, err := encode(e)
	if err != nil {
		return err
	}
	return s.call("set", func() error { return s.b.set(key, raw) })
}

func (s *store) Remove(key string) error {
	if err := validKey(key); err != nil {
		return err
	}
	return s.call("remove", func() error { return s.b.remove(key) })
}

func (s *store) List(prefix string) ([]string, error) {
	var all []string
	err := s.call("list", func() (err error) { all, err = s.b.keys(); return err })
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, k := range all {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out, nil
}

// memory is the in-process backend.
type memory struct {
	mu sync.Mutex
	m  map[string][]byte
}

func newMemory() *memory { return &memory{m: map[string][]byte{}} }

func (m *memory) name() string     { return TypeMemory }
func (m *memory) location() string { return "process memory" }

func (m *memory) get(key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.m[key]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte(nil), b...), nil
}

func (m *memory) set(key string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[key] = append([]byte(nil), data...)
	return nil
}

func (m *memory) remove(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
	return nil
}

func (m *memory) keys() ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.m))
	for k := range m.m {
		out = append(out, k)
	}
	return out, nil
}

// Unlock checks, for a file store, that its password is available (from the
// variable, else the prompt) and, when the keyring already exists, that it
// is right; it derives the key once, so later calls do not ask again. Other
// stores need no password: nil. Nothing is written.
func Unlock(s Store) error {
	w, ok := s.(*store)
	if !ok {
		return nil
	}
	f, ok := w.b.(*fileBackend)
	if !ok {
		return nil
	}
	_, err := f.unlock(false)
	if errors.Is(err, ErrNotFound) { // no keyring yet: the password is still needed to create it
		_, err = f.password()
	}
	if err != nil {
		return &BackendError{Backend: TypeFile, Op: "unlock", Err: err}
	}
	return nil
}
