package auth

import (
	"context"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// The capabilities a kind's spec may implement besides those of the
// walker (StepKind, Uncached, Passthrough, OwnCache, Bound), of logout
// (LogsOut, Tidier), of the environment (EnvProducer), of provisioning
// (Provisioner) and of whoami (Verifier). The CLI asks for them; no code
// outside a cloud's package names a kind.

// Preparer is implemented by identities whose environment points programs
// at files the cloud needs written first (the managed AWS config, whose
// profiles call back `credential-process`). Prepare is cheap when the
// files are current. An error the configuration causes wraps
// config.ErrInvalid.
type Preparer interface {
	Prepare(c *EnvContext) error
}

// Prepare runs the identity's Preparer, if it has one.
func Prepare(c *EnvContext) error {
	if p, ok := c.Chain[0].Spec.(Preparer); ok {
		return p.Prepare(c)
	}
	return nil
}

// CredentialProcess is implemented by identities a cloud's SDK can ask for
// credentials by running `atmos-auth credential-process` (AWS's
// credential_process protocol): Output renders them for it.
type CredentialProcess interface {
	CredentialProcessOutput(c *Credentials) ([]byte, error)
}

// SecretEnv is implemented by identities whose credentials can be handed
// to a program as environment variables (env --export-credentials), for
// the places credential_process cannot reach: set holds the secrets,
// unset the variables of the identity's environment that would point the
// program elsewhere (a profile in a file it cannot see).
type SecretEnv interface {
	SecretEnv(c *Credentials) (set map[string]string, unset []string, err error)
}

// Regioned is implemented by kinds that name a region.
type Regioned interface{ RegionName() string }

// ChainRegion is the nearest region a chain names, from the identity
// towards its provider ("" for none).
func ChainRegion(chain []*config.Entry) string {
	for _, e := range chain {
		if r, ok := e.Spec.(Regioned); ok && r.RegionName() != "" {
			return r.RegionName()
		}
	}
	return ""
}

// SecretField is one value `user configure` reads for a KeyStore.
type SecretField struct {
	Name     string // key in the values map
	Prompt   string // "AWS access key id"
	Hidden   bool   // not echoed on a terminal
	Optional bool
}

// KeyStore is implemented by identities whose long-lived secrets the user
// stores in the keyring (`atmos-auth user configure`).
type KeyStore interface {
	SecretFields() []SecretField
	// StoredKeys is the keyring key and entry for the values read, bound
	// to this project and to where the keys will be sent.
	StoredKeys(s *Step, values map[string]string) (key string, e keyring.Envelope, err error)
	// KeyringKeys are every key the identity's secrets may be under: this
	// project's first, then those older versions wrote (never used).
	KeyringKeys(s *Step) []string
}

// StepOf is the step of an identity, identity first, for a capability's
// use outside a login.
func (a *Authenticator) StepOf(identity string) (*Step, error) {
	chain, err := a.Config.Chain(identity)
	if err != nil {
		return nil, err
	}
	return &Step{Auth: a, Chain: chain}, nil
}

// RenewsOnUse is implemented by identities whose programs read credentials
// atmos-auth wrote for them (a GCP token file) and cannot ask for fresh
// ones: env, exec, shell and the hook renew them, without any interaction,
// when the cache holds none valid.
type RenewsOnUse interface{ RenewOnUse() }

// TokenServer is implemented by identities whose credentials can be served
// to the programs of one command on a local endpoint, renewed on demand
// (`exec --server`): ServeTokens listens on 127.0.0.1, answers with what
// fresh returns, and gives the variables that point programs at it; stop
// ends it and removes what it wrote.
type TokenServer interface {
	ServeTokens(c *EnvContext, fresh func(context.Context) (*Credentials, error)) (vars map[string]string, stop func(), err error)
}
