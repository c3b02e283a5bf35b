package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// Everything a login leaves behind is scoped to the project (ProjectKey):
//
//	cache:   <cache>/projects/<project>/aws/...   (see cred_cache.go)
//	keyring: atmos-auth:<kind>:<project>:<name>
//
// and every secret is also bound to the exact endpoints it was obtained from
// and is sent to (see stepBinding and ssoBinding): a record whose binding
// differs from what the configuration resolves to now is a cache miss — a
// fresh authentication against the configured endpoint — never a send.

// ProjectDirs scopes the cache directory to the project.
func ProjectDirs(d config.Dirs, c *config.Config) config.Dirs {
	d.Cache = filepath.Join(d.Cache, "projects", ProjectKey(c))
	return d
}

// Cache is the Authenticator's project-scoped Cache directory.
func (a *Authenticator) Cache() config.Dirs { return ProjectDirs(a.Dirs, a.Config) }

// ProjectKeyringKey names a keyring entry of the project.
func ProjectKeyringKey(c *config.Config, kind, name string) string {
	return keyring.Key(kind+":"+ProjectKey(c), name)
}

// Bound is implemented by kinds whose credentials are bound to more than
// their configuration: Binding names what else decides where they were
// obtained and are sent (the endpoints every step of the chain resolves to
// now, including those environment variables name). A cached step whose
// binding differs is a cache miss, never a send.
type Bound interface {
	Binding(chain []*config.Entry, getenv config.Env) string
}

// stepBinding is the binding of a chain step (see Bound), "" for kinds
// bound by their configuration alone.
func (a *Authenticator) stepBinding(chain []*config.Entry) string {
	if b, ok := chain[0].Spec.(Bound); ok {
		return b.Binding(chain, a.Env)
	}
	return ""
}

// boundFingerprint is a step's configuration fingerprint bound to its
// endpoints.
func boundFingerprint(chain []*config.Entry, bind string) string {
	h := sha256.Sum256([]byte(Fingerprint(chain) + "\x00" + bind))
	return hex.EncodeToString(h[:16])
}
