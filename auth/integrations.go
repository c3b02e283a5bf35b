package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
)

// Integrations make a tool use an identity after its login: a docker login
// to a registry, a kubeconfig entry for a cluster. An integration kind's
// spec implements Integrator; the core runs it and never names the kind.

// Integrator is implemented by integration kinds.
type Integrator interface {
	// AutoProvision reports whether a login of the identity runs it.
	AutoProvision() bool
	// Current reports, without network or keyring, whether what the last
	// run left is still good (a registry token valid for longer than the
	// margin, a kubeconfig entry as configured). A login runs only
	// integrations that are not current; their own command runs them all.
	Current(c *IntegrationContext) bool
	// Integrate does the work with the identity's credentials.
	Integrate(ctx context.Context, c *IntegrationContext) (*IntegrationResult, error)
	// RetryCommand is the command that runs it again, for the warning a
	// failed run prints ("atmos-auth ecr-login 'dev/ecr'").
	RetryCommand(name string) string
}

// IntegrationEnv is implemented by integrations that add variables to the
// environment of the identity they are via (DOCKER_CONFIG, KUBECONFIG).
// Like EnvProducer it reads no network and no keyring.
type IntegrationEnv interface {
	IntegrationEnvironment(c *EnvContext, self *config.Entry, env *environ.Environment)
}

// IntegrationContext is what one integration run gets.
type IntegrationContext struct {
	Auth        *Authenticator
	Integration *config.Entry
	// Identity is the step of the identity the integration is via.
	Identity    *Step
	Credentials *Credentials
	// Executable is the atmos-auth files written for programs run back
	// (a kubeconfig's exec plugin).
	Executable string
}

// Now is the authenticator's clock.
func (c *IntegrationContext) Now() time.Time { return c.Auth.Now() }

// StatePath is where an integration keeps what its last run left (the
// project-scoped cache; StateOf/WriteState read and write it).
func (c *IntegrationContext) StatePath() string {
	return filepath.Join(CacheDir(c.Auth.Cache(), "integrations"), FileName(c.Integration.Name)+".json")
}

// IntegrationResult says what a run did, secret-free.
type IntegrationResult struct {
	// Summary is one line: "docker login 123.dkr.ecr.us-east-1.amazonaws.com".
	Summary    string
	Expiration time.Time
}

// IntegrationOutcome is one integration of a RunIntegrations call.
type IntegrationOutcome struct {
	Name    string
	Result  *IntegrationResult // nil when skipped or failed
	Current bool               // skipped: still current
	Err     error
	Retry   string // the command to run it again
}

// IntegrationsOf lists the integrations via identity, in configuration
// order.
func IntegrationsOf(cfg *config.Config, identity string) []*config.Entry {
	var out []*config.Entry
	for _, name := range cfg.IntegrationOrder {
		if e := cfg.Integrations[name]; e != nil && e.Via.Identity == identity {
			out = append(out, e)
		}
	}
	return out
}

// ErrNoIntegration is returned for a name no integration has.
var ErrNoIntegration = errors.New("no such integration")

// RunIntegrations runs integrations with the identity's credentials c
// (from a login). With auto, only those with auto_provision that are not
// current run (a login); otherwise every one named runs (their command).
// A failure is an outcome, never an error of the login.
func (a *Authenticator) RunIntegrations(ctx context.Context, entries []*config.Entry, c *Credentials, exe string, auto bool) []IntegrationOutcome {
	var out []IntegrationOutcome
	for _, e := range entries {
		k, ok := e.Spec.(Integrator)
		if !ok {
			continue
		}
		o := IntegrationOutcome{Name: e.Name, Retry: k.RetryCommand(e.Name)}
		if auto && !k.AutoProvision() {
			continue
		}
		chain, err := a.Config.Chain(e.Via.Identity)
		if err != nil {
			o.Err = err
			out = append(out, o)
			continue
		}
		ic := &IntegrationContext{Auth: a, Integration: e, Identity: &Step{Auth: a, Chain: chain}, Credentials: c, Executable: exe}
		if auto && !a.Force && k.Current(ic) {
			o.Current = true
			out = append(out, o)
			continue
		}
		unlock, err := Lock(ctx, a.Cache(), "integration-"+e.Name, a.Env)
		if err != nil {
			o.Err = err
			out = append(out, o)
			continue
		}
		o.Result, o.Err = k.Integrate(ctx, ic)
		unlock()
		if o.Err != nil {
			a.Log().Info("integration failed", "integration", e.Name, "kind", e.Kind, "error", ErrSummary(o.Err))
		} else {
			a.Log().Info("integration done", "integration", e.Name, "kind", e.Kind)
		}
		out = append(out, o)
	}
	return out
}

// integrationEnvironment adds the variables of the identity's
// integrations.
func integrationEnvironment(c *EnvContext, env *environ.Environment) {
	if c.Config == nil || len(c.Config.IntegrationOrder) == 0 {
		return
	}
	for _, e := range IntegrationsOf(c.Config, c.Chain[0].Name) {
		if p, ok := e.Spec.(IntegrationEnv); ok {
			p.IntegrationEnvironment(c, e, env)
		}
	}
}

// IntegrationError wraps a failed integration with its name.
type IntegrationError struct {
	Name string
	Err  error
}

func (e *IntegrationError) Error() string {
	return fmt.Sprintf("integration %q: %s", e.Name, ErrSummary(e.Err))
}
func (e *IntegrationError) Unwrap() error { return e.Err }

// ShellWord quotes s as one POSIX shell word for a command a message
// suggests (names from a hostile configuration are pasted back safely).
func ShellWord(s string) string {
	safe := s != ""
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_@%+=:,./-", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// PathLockName names a lock on one file path (shared by every project
// that writes it).
func PathLockName(prefix, path string) string {
	h := sha256.Sum256([]byte(filepath.Clean(path)))
	return prefix + "-" + hex.EncodeToString(h[:8])
}

// RegistryIntegration is implemented by integrations that log a container
// client in to a registry (`ecr-login` runs them).
type RegistryIntegration interface {
	Integrator
	RegistryHost() string
}

// PendingIntegrations are those of entries a login runs: auto_provision
// and not current (all of those with auto_provision under Force). It
// reads no network.
func (a *Authenticator) PendingIntegrations(entries []*config.Entry, exe string) []*config.Entry {
	var out []*config.Entry
	for _, e := range entries {
		k, ok := e.Spec.(Integrator)
		if !ok || !k.AutoProvision() {
			continue
		}
		chain, err := a.Config.Chain(e.Via.Identity)
		if err != nil {
			continue
		}
		if !a.Force && k.Current(&IntegrationContext{Auth: a, Integration: e, Identity: &Step{Auth: a, Chain: chain}, Executable: exe}) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// ClusterCredential is implemented by integrations whose cluster's
// clients get credentials from an exec plugin (`eks token`): a bearer
// token and its expiry.
type ClusterCredential interface {
	Integrator
	ClusterName() string
	ClusterRegion() string
	ClusterToken(ctx context.Context, c *IntegrationContext) (token string, exp time.Time, err error)
}

// NewIntegrationContext is the context for one integration with the
// identity's credentials.
func (a *Authenticator) NewIntegrationContext(e *config.Entry, c *Credentials, exe string) (*IntegrationContext, error) {
	chain, err := a.Config.Chain(e.Via.Identity)
	if err != nil {
		return nil, err
	}
	return &IntegrationContext{Auth: a, Integration: e, Identity: &Step{Auth: a, Chain: chain}, Credentials: c, Executable: exe}, nil
}
