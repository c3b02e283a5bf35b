package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// Session is one command's use case, built once: the configuration loaded,
// validated and merged with the identities the last login provisioned;
// the directories; one Authenticator (its keyring opened lazily once, the
// command's one logger, the context Ctrl-C and SIGTERM cancel). Chains are
// resolved once (config.Config memoises them). A command is flags →
// session → render.
type Session struct {
	g      *Globals
	Config *config.Config
	Dirs   config.Dirs
	Auth   *auth.Authenticator
}

// session returns the command's session, loading it on first use; o says
// how its authenticator may interact (device flows, browser, MFA prompts)
// and is the first caller's.
func (g *Globals) session(o authOpts) (*Session, error) {
	if g.sess != nil {
		return g.sess, nil
	}
	cfg, err := g.LoadValidConfig()
	if err != nil {
		return nil, err
	}
	dirs := config.ResolveDirs(g.Getenv)
	g.sess = &Session{g: g, Config: cfg, Dirs: dirs, Auth: g.authenticator(cfg, dirs, o)}
	return g.sess, nil
}

// Ctx is the command's context.
func (s *Session) Ctx() context.Context { return s.g.Context() }

// Identity picks the identity (see ResolveIdentity) and returns its chain,
// identity first.
func (s *Session) Identity() ([]*config.Entry, error) {
	name, err := s.g.ResolveIdentity(s.Config)
	if err != nil {
		return nil, err
	}
	chain, err := s.Config.Chain(name)
	if err != nil {
		return nil, ConfigErr(err)
	}
	return chain, nil
}

// EnsureLogin authenticates the identity unless valid credentials are
// cached.
func (s *Session) EnsureLogin(name string) error {
	if _, valid, err := s.Auth.Cached(name); err == nil && valid {
		s.autoIntegrate(name, nil)
		return nil
	}
	res, err := s.Auth.Login(s.Ctx(), name)
	if err != nil {
		return authErr(err)
	}
	s.autoIntegrate(name, res.Credentials)
	return nil
}

// Prepare writes what the identity's environment points programs at (the
// managed AWS files; cheap when they are current, see auth.Preparer).
func (s *Session) Prepare(chain []*config.Entry) error {
	return configErr(auth.Prepare(&auth.EnvContext{Config: s.Config, Dirs: s.Dirs, Chain: chain, Executable: s.g.managedExecutable(), Getenv: s.g.Getenv}))
}

// Environment is the environment the identity produces. With login it
// first authenticates when nothing valid is cached (may prompt, open a
// browser); without, it reads no network and no keyring. It prepares what
// the environment points at (the managed AWS profile).
//
// This is the one seam between the credential side (login, caches) and
// the shell side (env, exec, shell, hook).
func (s *Session) Environment(name string, login bool) (*environ.Environment, error) {
	chain, err := s.Config.Chain(name)
	if err != nil {
		return nil, ConfigErr(err)
	}
	if login {
		if err := s.EnsureLogin(name); err != nil {
			return nil, err
		}
		s.LoginRequired(name)
	}
	if err := s.Prepare(chain); err != nil {
		return nil, err
	}
	exp, _ := s.Expiry(name)
	env, err := auth.IdentityEnvironment(&auth.EnvContext{Config: s.Config, Dirs: s.Dirs, Chain: chain, Expiration: exp, Getenv: s.g.Getenv})
	return env, configErr(err)
}

// Expiry is when the identity's cached credentials expire, read from the
// one cache file of its step (no keyring, no network): zero when nothing
// is cached (not logged in, or no expiry); ok is false when the cache
// cannot tell (an identity the configuration does not name).
func (s *Session) Expiry(name string) (t time.Time, ok bool) {
	c, _, err := s.Auth.Cached(name)
	if errors.Is(err, auth.ErrNotLoggedIn) {
		return time.Time{}, true
	}
	if err != nil || c == nil {
		return time.Time{}, false
	}
	return c.Expiration, true
}

// ActiveEnvironment is the environment of the identity the flags, the
// environment or the default pick; nil without error when atmos-auth is
// disabled.
func (g *Globals) ActiveEnvironment(login bool) (*environ.Environment, error) {
	s, err := g.session(authOpts{})
	if err != nil {
		return nil, err
	}
	name, err := g.ResolveIdentity(s.Config)
	if errors.Is(err, ErrDisabled) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !login {
		s.renewOnUse(name)
	}
	return s.Environment(name, login)
}

// renewOnUse renews, without interaction, an identity whose programs read
// the credentials atmos-auth wrote (auth.RenewsOnUse: the GCP token file)
// when it was logged in and its cached credentials are no longer valid, so
// that `env`, `exec` and `shell` hand programs a current token. A failure
// is one line on stderr: the environment is still given.
func (s *Session) renewOnUse(name string) {
	chain, err := s.Config.Chain(name)
	if err != nil {
		return
	}
	if _, ok := chain[0].Spec.(auth.RenewsOnUse); !ok {
		return
	}
	if c, valid, err := s.Auth.Cached(name); err != nil || valid || c == nil {
		return
	}
	if _, err := s.Auth.Login(s.Ctx(), name); err != nil {
		fmt.Fprintf(s.g.Stderr, "atmos-auth: could not renew the credentials of %s: %s; run `atmos-auth login -i %s`\n",
			termsafe.String(name), termsafe.String(auth.ErrSummary(err)), termsafe.String(name))
	}
}

// configErr makes an error the configuration caused exit 2.
func configErr(err error) error {
	if err != nil && errors.Is(err, config.ErrInvalid) {
		return ConfigErr(err)
	}
	return err
}

// LoginRequired authenticates every identity marked required: true but
// primary (the one that runs), so that a program using several of them
// (Terraform provider aliases with profile = "<identity>") finds them all
// signed in. A failure is a warning: the identity that runs is not held
// up by another.
func (s *Session) LoginRequired(primary string) {
	for _, n := range s.Config.Required() {
		if n == primary {
			continue
		}
		if err := s.EnsureLogin(n); err != nil {
			fmt.Fprintf(s.g.Stderr, "atmos-auth: warning: required identity %s: %s\n", n, termsafe.String(FirstLine(err.Error())))
		}
	}
}

// identityWith is the command's session, the chain of its identity and
// the identity's capability T; errNoCapability when
// the identity's kind has none, so that each command says what it needs.
func identityWith[T any](g *Globals) (*Session, []*config.Entry, T, error) {
	var zero T
	s, err := g.session(authOpts{})
	if err != nil {
		return nil, nil, zero, err
	}
	chain, err := s.Identity()
	if err != nil {
		return nil, nil, zero, err
	}
	c, ok := chain[0].Spec.(T)
	if !ok {
		return s, chain, zero, errNoCapability
	}
	return s, chain, c, nil
}

// errNoCapability: the identity's kind lacks what the command needs.
var errNoCapability = errors.New("the identity's kind lacks this capability")
