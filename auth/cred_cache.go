package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// Cache layout under Dirs.Cache, which the Authenticator scopes to the
// project (<cache>/projects/<ProjectKey>, see project_scope.go; every
// directory 0700, every file 0600):
//
//	credentials/<identity>.json      a StepRecord: the credential envelope
//	                                  (Credentials: type, descriptive
//	                                  fields, secrets in payload) of one
//	                                  chain step, of any cloud, with a
//	                                  fingerprint of the chain's config and
//	                                  endpoints
//	locks/<name>.lock                flock files (one per step / session)
//	<cloud>/…                        what a cloud keeps for itself (aws/sso/
//	                                  <session>.json: an SSO access token;
//	                                  aws/provisioned/<provider>.json:
//	                                  auto-provisioned identities)
//
// Entries older versions wrote under aws/credentials are never read, nor
// are credentials/ records of another StepRecord version.
//
// Long-lived secrets (SSO refresh token and client registration, IAM user
// keys) live in the keyring, never here.

// CacheDir is a directory of the (project-scoped) cache d: CacheDir(d,
// "aws", "sso") is where the AWS cloud keeps its SSO tokens.
func CacheDir(d config.Dirs, sub ...string) string {
	return filepath.Join(append([]string{d.Cache}, sub...)...)
}

// FileName maps a name (identity names may hold / . and spaces) to one safe
// file name.
func FileName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			(strings.IndexByte("_@+=-", c) >= 0) || (c == '.' && i > 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func StepPath(d config.Dirs, identity string) string {
	return filepath.Join(CacheDir(d, "credentials"), FileName(identity)+".json")
}

// EnsureDir creates dir (and parents) with mode 0700 and tightens it if it
// exists with a looser mode.
func EnsureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if st.Mode().Perm() != 0o700 {
		return os.Chmod(dir, 0o700)
	}
	return nil
}

// WriteFileAtomic writes a 0600 file in a 0700 directory atomically.
func WriteFileAtomic(path string, data []byte) error {
	if err := EnsureDir(filepath.Dir(path)); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(path, data)
}

func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, append(b, '\n'))
}

// ReadJSON reads a JSON file; a missing or unreadable (corrupt, not a
// regular file, too large) file is reported as fs.ErrNotExist so callers
// simply treat it as absent.
func ReadJSON(path string, v any) error {
	b, err := fsutil.ReadRegular(path, fsutil.MaxConfigSize)
	if err != nil {
		return fs.ErrNotExist
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fs.ErrNotExist
	}
	return nil
}

// EnvLockTimeout bounds every wait for a lock another atmos-auth holds (a
// Go duration such as 30s or 10m).
const EnvLockTimeout = "ATMOS_AUTH_LOCK_TIMEOUT"

// DefaultLockWait bounds a lock wait when nothing else says: long enough
// for another login's browser or device approval.
const DefaultLockWait = 10 * time.Minute

type lockWaitKey struct{}

// WithLockWait bounds every lock wait under ctx (credential-process, which
// SDKs run and wait for, uses a short bound).
func WithLockWait(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, lockWaitKey{}, d)
}

// LockWait is the bound EnvLockTimeout sets, else def.
func LockWait(getenv config.Env, def time.Duration) time.Duration {
	if getenv != nil {
		if d, err := time.ParseDuration(strings.TrimSpace(getenv(EnvLockTimeout))); err == nil && d > 0 {
			return d
		}
	}
	return def
}

func lockWaitOf(ctx context.Context, getenv config.Env) time.Duration {
	if d, ok := ctx.Value(lockWaitKey{}).(time.Duration); ok && d > 0 {
		return d
	}
	return LockWait(getenv, DefaultLockWait)
}

// LockTimeoutError: another process held a lock for longer than the bound.
type LockTimeoutError struct {
	Lock    string // lock name: step-<identity> or sso-<session>
	Path    string
	Waited  time.Duration
	PID     int  // holder, 0 when unknown
	Stopped bool // the holder is stopped (SIGSTOP, Ctrl-Z)
}

func (e *LockTimeoutError) Error() string {
	what := "lock " + strconv.Quote(e.Lock)
	switch {
	case strings.HasPrefix(e.Lock, "step-"):
		what = "the lock of step " + strconv.Quote(strings.TrimPrefix(e.Lock, "step-"))
	case strings.HasPrefix(e.Lock, "sso-"):
		what = "the IAM Identity Center sign-in lock"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "waited %s for %s (%s)", e.Waited, what, e.Path)
	switch {
	case e.PID > 0 && e.Stopped:
		fmt.Fprintf(&b, ", held by process %d, which is stopped: resume it (`kill -CONT %d`, or `fg` in its terminal) or end it, then retry", e.PID, e.PID)
	case e.PID > 0:
		fmt.Fprintf(&b, ", held by process %d: another atmos-auth is authenticating this step (perhaps waiting for a sign-in approval); finish or cancel it, then retry", e.PID)
	default:
		b.WriteString(": another atmos-auth is authenticating this step (perhaps waiting for a sign-in approval); finish or cancel it, then retry")
	}
	fmt.Fprintf(&b, " (%s=%s sets how long to wait)", EnvLockTimeout, "DURATION")
	return b.String()
}

// Lock takes an exclusive cross-process lock (flock: the kernel releases
// it when the process dies), waiting at most the bound of ctx (WithLockWait,
// else EnvLockTimeout in getenv, else DefaultLockWait): a holder waiting for an
// approval, or stopped, never makes a caller wait forever. The holder's PID
// is written into the lock file for the message of those who wait.
func Lock(ctx context.Context, d config.Dirs, name string, getenv config.Env) (unlock func(), err error) {
	dir := CacheDir(d, "locks")
	if err := EnsureDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, FileName(name)+".lock")
	l := flock.New(path, flock.SetPermissions(0o600))
	wait := lockWaitOf(ctx, getenv)
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	ok, err := l.TryLockContext(wctx, 20*time.Millisecond)
	if ok {
		if fh, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0); err == nil {
			_, _ = fh.WriteString(strconv.Itoa(os.Getpid()) + "\n")
			_ = fh.Close()
		}
		return func() { _ = l.Unlock() }, nil
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("lock %s: %w", name, ctx.Err())
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	pid := lockHolder(path)
	return nil, &LockTimeoutError{Lock: name, Path: path, Waited: wait, PID: pid, Stopped: pid > 0 && processStopped(pid)}
}

// lockHolder returns the PID holding path's flock: from the kernel where it
// says (Linux /proc/locks), else the PID its holder wrote; 0 when unknown.
func lockHolder(path string) int {
	if pid := kernelLockHolder(path); pid > 0 {
		return pid
	}
	b, err := fsutil.ReadRegular(path, 64)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// stepVersion is the StepRecord layout ReadStep reads: 2 since Credentials
// became a typed envelope (secrets in Payload). A record of another version
// (1 held AWS-shaped fields) is a cache miss, never an error: the step is
// simply authenticated again and the record rewritten.
const stepVersion = 2

// StepRecord is one cached chain step.
type StepRecord struct {
	V           int         `json:"v"`
	Identity    string      `json:"identity"`
	Kind        string      `json:"kind"`
	Fingerprint string      `json:"fingerprint"`
	Written     time.Time   `json:"written"`
	Credentials Credentials `json:"credentials"`
}

// Fingerprint hashes the configuration of a chain (from a step to its root):
// a cached credential is only reused while the config that produced it is
// unchanged.
func Fingerprint(chain []*config.Entry) string {
	h := sha256.New()
	for _, e := range chain {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00", e.Name, e.Kind, e.Via.Provider, e.Via.Identity, specFingerprint(e.Spec))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// ReadStep and writeCreds take the project-scoped Dirs and the step's
// endpoint binding (see project_scope.go).
func ReadStep(d config.Dirs, chain []*config.Entry, bind string) (*Credentials, bool) {
	var r StepRecord
	if err := ReadJSON(StepPath(d, chain[0].Name), &r); err != nil {
		return nil, false
	}
	if r.V != stepVersion || r.Identity != chain[0].Name || r.Fingerprint != boundFingerprint(chain, bind) {
		return nil, false
	}
	return &r.Credentials, true
}

func WriteStep(d config.Dirs, chain []*config.Entry, bind string, c *Credentials, now time.Time) error {
	return WriteJSON(StepPath(d, chain[0].Name), StepRecord{V: stepVersion, Identity: chain[0].Name, Kind: chain[0].Kind,
		Fingerprint: boundFingerprint(chain, bind), Written: now.UTC(), Credentials: *c})
}

func RemoveFile(path string) (bool, error) {
	err := os.Remove(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}
