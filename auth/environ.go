package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
)

// EnvContext is what computing an identity's environment needs. It holds no
// secrets: credentials reach programs through the managed AWS config's
// credential_process (see AWSFiles), never through the environment.
type EnvContext struct {
	Config *config.Config
	Dirs   config.Dirs
	// Chain is the identity's chain, identity first (see Config.Chain).
	Chain []*config.Entry
	// Expiration is when the identity's cached credentials expire (zero
	// when unknown); exported as AWS_CREDENTIAL_EXPIRATION for prompts.
	Expiration time.Time
	// Executable is the atmos-auth files written for programs run back
	// (a managed profile's credential_process).
	Executable string
	// Getenv reads the environment before the identity (the hook's base
	// environment; os.Getenv when nil): the user's own files it names
	// (AWS_CONFIG_FILE) are carried into the managed ones.
	Getenv func(string) string
}

// EnvProducer is implemented by identity kinds: it adds the kind's
// variables to env. Kinds without it produce only ATMOS_IDENTITY.
type EnvProducer interface {
	Environment(c *EnvContext, env *environ.Environment)
}

// IdentityEnvironment returns the environment an identity produces: the
// variables it sets and those it clears. It reads no network and no
// keyring, so the prompt hook and `env` can call it cheaply.
func IdentityEnvironment(c *EnvContext) (*environ.Environment, error) {
	if len(c.Chain) == 0 {
		return nil, fmt.Errorf("empty chain")
	}
	id := c.Chain[0]
	env := environ.New()
	if p, ok := id.Spec.(EnvProducer); ok {
		p.Environment(c, env)
	}
	integrationEnvironment(c, env)
	// The identity's own env: (Atmos's list of {key, value}) after the
	// kind's, so it may override what the kind sets (AWS_REGION);
	// validation refused the names that run code or are atmos-auth's own.
	// What the kind clears because it would carry other credentials
	// (AWS_ACCESS_KEY_ID, GOOGLE_APPLICATION_CREDENTIALS,
	// AZURE_CLIENT_SECRET, …) it may not set: a repository's keys would
	// replace the identity's own. What a kind clears for other reasons (a
	// region the chain does not name) env may set.
	for _, v := range id.Env {
		if slices.Contains(env.Unset, v.Key) && credentialVar(v.Key) {
			return nil, config.Invalid(fmt.Errorf("identity %q: env sets %s, which %s clears so that no credentials but the identity's own are in the environment: remove it from env", id.Name, v.Key, id.Kind))
		}
	}
	for _, v := range id.Env {
		env.SetVar(v.Key, v.Value)
	}
	env.SetVar("ATMOS_IDENTITY", id.Name)
	return env, nil
}

// ProjectKey is the scope of everything a login leaves behind: the cache
// directory (session credentials, SSO tokens, provisioned identities,
// locks) and every keyring entry (SSO sessions, IAM user keys), so one
// repository's configuration never reaches the secrets another project
// obtained. A project is one configuration (ConfigKey), unless a realm
// (auth.realm, ATMOS_AUTH_REALM) names a scope shared on purpose:
// "realm=<name>", which no ConfigKey can spell (they hold no "="). Within
// a realm every cached step is still bound to its chain's configuration
// and endpoints (Fingerprint, Bound): projects share what they would have
// obtained alike, never credentials for another endpoint.
func ProjectKey(c *config.Config) string {
	if r := c.RealmOf(); r.Name != "" {
		return RealmKeyPrefix + r.Name
	}
	return configKey(c)
}

// RealmKeyPrefix starts the ProjectKey of a realm.
const RealmKeyPrefix = "realm="

// ConfigKey names one configuration whatever its realm: the scope of the
// files written for it alone (the managed AWS config, whose profiles call
// back with that configuration's path).
func ConfigKey(c *config.Config) string { return configKey(c) }

// configKey names one configuration: "<directory name>-<hash>" of its
// absolute atmos.yaml path and active profiles. The 96-bit hash is long
// enough that a hostile repository cannot choose a path (or profile set)
// colliding with another project's key.
func configKey(c *config.Config) string {
	if c == nil || c.AbsPath == "" {
		return "default"
	}
	h := sha256.Sum256([]byte(c.AbsPath + "\x00" + strings.Join(c.Profiles, ",")))
	name := filepath.Base(filepath.Dir(c.AbsPath))
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, name)
	if len(clean) > 24 {
		clean = clean[:24]
	}
	return clean + "-" + hex.EncodeToString(h[:12])
}

// credentialVar tells a variable that carries credentials or points at
// them by its name (…KEY…, …SECRET…, …TOKEN…, …CREDENTIAL…, …PASSWORD…,
// …CERTIFICATE…, …ASSERTION…, …PROFILE, …CONFIG_FILE, …CONFIG_DIR).
func credentialVar(name string) bool {
	n := strings.ToUpper(name)
	for _, w := range []string{"KEY", "SECRET", "TOKEN", "CREDENTIAL", "PASSWORD", "CERTIFICATE", "ASSERTION"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return strings.HasSuffix(n, "PROFILE") || strings.HasSuffix(n, "CONFIG_FILE") || strings.HasSuffix(n, "CONFIG_DIR")
}
