package engine

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
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// Cache layout under Dirs.Cache (every directory 0700, every file 0600):
//
//	aws/credentials/<identity>.json  session credentials of one chain step
//	                                  (with a fingerprint of the chain's config)
//	aws/sso/<session>.json           SSO access token of one session (start
//	                                  URL + region), plus non-secret metadata
//	aws/provisioned/<provider>.json  auto-provisioned identities (no secrets)
//	aws/locks/<name>.lock            flock files (one per step / SSO session)
//
// Long-lived secrets (SSO refresh token and client registration, IAM user
// keys) live in the keyring, never here.

func (d Dirs) awsCache(sub string) string { return filepath.Join(d.Cache, "aws", sub) }

// fileName maps a name (identity names may hold / . and spaces) to one safe
// file name.
func fileName(name string) string {
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

func credsPath(d Dirs, identity string) string {
	return filepath.Join(d.awsCache("credentials"), fileName(identity)+".json")
}

// ensureDir creates dir (and parents) with mode 0700 and tightens it if it
// exists with a looser mode.
func ensureDir(dir string) error {
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

// writeFileAtomic writes a 0600 file in a 0700 directory atomically.
func writeFileAtomic(path string, data []byte) error {
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(path, data)
}

func writeJSONAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'))
}

// readJSON reads a JSON file; a missing or unreadable (corrupt, not a
// regular file, too large) file is reported as fs.ErrNotExist so callers
// simply treat it as absent.
func readJSON(path string, v any) error {
	b, err := fsutil.ReadRegular(path, fsutil.MaxConfigSize)
	if err != nil {
		return fs.ErrNotExist
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fs.ErrNotExist
	}
	return nil
}

// lockFile takes an exclusive cross-process lock (flock: the kernel releases
// it when the process dies). It waits until ctx ends.
func lockFile(ctx context.Context, d Dirs, name string) (unlock func(), err error) {
	dir := d.awsCache("locks")
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	l := flock.New(filepath.Join(dir, fileName(name)+".lock"), flock.SetPermissions(0o600))
	ok, err := l.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok {
		return nil, fmt.Errorf("lock %s: %w", name, ctx.Err())
	}
	return func() { _ = l.Unlock() }, nil
}

// credsRecord is one cached chain step.
type credsRecord struct {
	V           int         `json:"v"`
	Identity    string      `json:"identity"`
	Kind        string      `json:"kind"`
	Fingerprint string      `json:"fingerprint"`
	Written     time.Time   `json:"written"`
	Credentials Credentials `json:"credentials"`
}

// fingerprint hashes the configuration of a chain (from a step to its root):
// a cached credential is only reused while the config that produced it is
// unchanged.
func fingerprint(chain []*Entry) string {
	h := sha256.New()
	for _, e := range chain {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00", e.Name, e.Kind, e.Via.Provider, e.Via.Identity, specFingerprint(e.Spec))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// specFingerprint is the spec as JSON without what does not change the
// credentials a step produces (default: true only picks the identity).
func specFingerprint(spec any) []byte {
	b, _ := json.Marshal(spec)
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	delete(m, "Default")
	b, _ = json.Marshal(m)
	return b
}

func readCreds(d Dirs, chain []*Entry) (*Credentials, bool) {
	var r credsRecord
	if err := readJSON(credsPath(d, chain[0].Name), &r); err != nil {
		return nil, false
	}
	if r.V != 1 || r.Identity != chain[0].Name || r.Fingerprint != fingerprint(chain) {
		return nil, false
	}
	return &r.Credentials, true
}

func writeCreds(d Dirs, chain []*Entry, c *Credentials, now time.Time) error {
	return writeJSONAtomic(credsPath(d, chain[0].Name), credsRecord{V: 1, Identity: chain[0].Name, Kind: chain[0].Kind,
		Fingerprint: fingerprint(chain), Written: now.UTC(), Credentials: *c})
}

func removeFile(path string) (bool, error) {
	err := os.Remove(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}
