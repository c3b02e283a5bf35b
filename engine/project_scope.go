package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strconv"
	"strings"

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

// projectDirs scopes the cache directory to the project.
func (d Dirs) projectDirs(c *Config) Dirs {
	d.Cache = filepath.Join(d.Cache, "projects", ProjectKey(c))
	return d
}

// cache is the Authenticator's project-scoped cache directory.
func (a *Authenticator) cache() Dirs { return a.Dirs.projectDirs(a.Config) }

// projectKeyringKey names a keyring entry of the project.
func projectKeyringKey(c *Config, kind, name string) string {
	return keyring.Key(kind+":"+ProjectKey(c), name)
}

// stepBinding is what a cached chain step is bound to besides its
// configuration (the fingerprint): the endpoints every step of its chain
// resolves to now, including those that come from AWS_ENDPOINT_URL*
// variables and not from the configuration. Credentials obtained from one
// endpoint are never served for a chain that now resolves to another.
func (a *Authenticator) stepBinding(chain []*Entry) string {
	var b strings.Builder
	for i := range chain {
		for _, svc := range []string{svcSTS, svcSSO, svcSSOOIDC} {
			b.WriteString(awsEndpoint(chain[i:], svc, a.getenv))
			b.WriteByte(0)
		}
	}
	return b.String()
}

// boundFingerprint is a step's configuration fingerprint bound to its
// endpoints.
func boundFingerprint(chain []*Entry, bind string) string {
	h := sha256.Sum256([]byte(fingerprint(chain) + "\x00" + bind))
	return hex.EncodeToString(h[:16])
}

// orAWS renders an endpoint for a message ("" is AWS's own).
func orAWS(endpoint string) string {
	if endpoint == "" {
		return "the AWS endpoint"
	}
	return strconv.Quote(endpoint)
}
