package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// Authenticator walks identity chains: it reuses every cached step still
// valid for longer than Margin and re-authenticates from the first invalid
// one. Zero fields take defaults; Config and Dirs are required.
type Authenticator struct {
	Config *config.Config
	Dirs   config.Dirs
	// Getenv reads the environment (endpoint variables, GitHub OIDC).
	Getenv func(string) string
	// Clock decides every expiry (time.Now by default).
	Clock Clock
	// Wait pauses ctx-bounded between device-flow polls (a timer by
	// default). A test with a Clock of its own gives one that advances it,
	// so the device code's expiry is decided on the same clock.
	Wait func(ctx context.Context, d time.Duration) error
	// Margin: cached credentials expiring sooner are renewed (DefaultMargin).
	Margin time.Duration
	// OpenKeyring opens the credential store; called lazily, only when a
	// long-lived secret is needed (SSO refresh, IAM user keys), never on
	// the cached path.
	OpenKeyring func() (keyring.Store, error)
	// UI shows device codes and progress and asks for MFA codes.
	UI UI
	// AllowDeviceFlow permits starting a device authorization. When false,
	// a needed device flow fails fast with ErrDeviceFlowNeeded and
	// NoDeviceFlowHint.
	AllowDeviceFlow  bool
	NoDeviceFlowHint string
	// HTTPClient for every SDK call (a default with a 30s timeout).
	HTTPClient *http.Client
	// Logger (discard by default). Never given a secret.
	Logger *slog.Logger
	// PollInterval overrides the device flow's polling interval (tests).
	PollInterval time.Duration
	// SlowDownStep is what a SlowDown answer adds to the polling interval
	// (RFC 8628 says 5 seconds; tests shorten it).
	SlowDownStep time.Duration
	// RetryBackoff caps the SDK retry back-off (0: SDK default, 20s).
	RetryBackoff time.Duration
	// ProvisionConcurrency bounds concurrent ListAccountRoles calls (16).
	ProvisionConcurrency int
	// Force re-authenticates every step of a chain instead of reusing its
	// cache (login --force). An IAM Identity Center session is renewed
	// with its refresh token when it still has a valid one (a new access
	// token from sso-oidc); otherwise a device authorization starts.
	Force bool

	ksOnce sync.Once
	ks     keyring.Store
	ksErr  error
}

// Result is the outcome of a login.
type Result struct {
	Identity    string
	Chain       []*config.Entry
	Credentials *Credentials
	// Reused names the steps served from the cache; Renewed those that ran.
	Reused  []string
	Renewed []string
}

// step is one chain element being authenticated.
type step struct {
	a     *Authenticator
	chain []*config.Entry // from this step to the root
}

func (s *step) entry() *config.Entry { return s.chain[0] }
func (s *step) name() string         { return s.chain[0].Name }

// region is the AWS region for this step: the nearest one along the chain.
func (s *step) region() string {
	if r := AWSRegion(s.chain); r != "" {
		return r
	}
	return DefaultAWSRegion
}

func (s *step) endpoint(service string) string { return awsEndpoint(s.chain, service, s.a.getenv) }

func (a *Authenticator) now() time.Time {
	if a.Clock != nil {
		return a.Clock()
	}
	return time.Now()
}

// wait pauses for d or until ctx ends.
func (a *Authenticator) wait(ctx context.Context, d time.Duration) error {
	if a.Wait != nil {
		return a.Wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (a *Authenticator) margin() time.Duration {
	if a.Margin > 0 {
		return a.Margin
	}
	return DefaultMargin
}

func (a *Authenticator) getenv(k string) string {
	if a.Getenv != nil {
		return a.Getenv(k)
	}
	return ""
}

func (a *Authenticator) ui() UI {
	if a.UI != nil {
		return a.UI
	}
	return nopUI{}
}

func (a *Authenticator) log() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func (a *Authenticator) keyring() (keyring.Store, error) {
	a.ksOnce.Do(func() {
		if a.OpenKeyring == nil {
			a.ksErr = fmt.Errorf("no keyring configured")
			return
		}
		a.ks, a.ksErr = a.OpenKeyring()
	})
	return a.ks, a.ksErr
}

// cachedStep returns the step's cached output if valid for longer than the
// margin. It reads one small file: no network, no keyring.
func (a *Authenticator) cachedStep(s *step) (*Credentials, bool) {
	if a.Force {
		return nil, false
	}
	k := s.entry().Spec
	if _, ok := k.(Uncached); ok {
		return nil, false
	}
	if cc, ok := k.(OwnCache); ok {
		return cc.CachedStep(s)
	}
	c, ok := readCreds(a.cache(), s.chain, a.stepBinding(s.chain))
	if !ok || !c.ValidFor(a.now(), a.margin()) {
		return nil, false
	}
	return c, true
}

// Cached returns the identity's cached credentials and whether they are
// still valid for longer than the margin. It never touches network or
// keyring; it returns the record even when expired (valid false) so callers
// can show it. ErrNotLoggedIn when nothing is cached.
func (a *Authenticator) Cached(identity string) (*Credentials, bool, error) {
	chain, err := a.Config.Chain(identity)
	if err != nil {
		return nil, false, err
	}
	s := &step{a: a, chain: chain}
	if p, ok := chain[0].Spec.(Passthrough); ok {
		return p.Passthrough(), true, nil
	}
	if _, ok := chain[0].Spec.(Uncached); ok {
		return nil, false, ErrNotLoggedIn
	}
	if cc, ok := chain[0].Spec.(OwnCache); ok {
		c, ok := cc.CachedStep(s)
		if !ok {
			return nil, false, ErrNotLoggedIn
		}
		return c, true, nil
	}
	c, ok := readCreds(a.cache(), chain, a.stepBinding(chain))
	if !ok {
		return nil, false, ErrNotLoggedIn
	}
	return c, c.ValidFor(a.now(), a.margin()), nil
}

// Login returns valid credentials for identity, reusing the cache.
func (a *Authenticator) Login(ctx context.Context, identity string) (*Result, error) {
	chain, err := a.Config.Chain(identity)
	if err != nil {
		return nil, err
	}
	return a.walk(ctx, chain)
}

// LoginProvider authenticates a provider alone (its session).
func (a *Authenticator) LoginProvider(ctx context.Context, provider string) (*Result, error) {
	p, ok := a.Config.Providers[provider]
	if !ok {
		return nil, fmt.Errorf("provider %q does not exist (%s)", provider, a.Config.NameHint(provider, a.Config.ProviderOrder, "providers"))
	}
	return a.walk(ctx, []*config.Entry{p})
}

func (a *Authenticator) walk(ctx context.Context, chain []*config.Entry) (*Result, error) {
	res := &Result{Identity: chain[0].Name, Chain: chain}
	skip := map[int]bool{} // cached steps found bad
	for attempt := 0; ; attempt++ {
		n := len(chain)
		start := n - 1
		var base *Credentials
		baseIdx := -1
		for i := 0; i < n; i++ {
			if skip[i] {
				continue
			}
			if c, ok := a.cachedStep(&step{a: a, chain: chain[i:]}); ok {
				base, start, baseIdx = c, i-1, i
				a.log().Debug("reusing cached step", "step", chain[i].Name, "kind", chain[i].Kind, "credentials", c)
				break
			}
		}
		res.Reused, res.Renewed = nil, nil
		for i := baseIdx; i >= 0 && i < n; i++ {
			res.Reused = append(res.Reused, chain[i].Name)
		}
		retry := false
		for i := start; i >= 0; i-- {
			a.log().Debug("authenticating step", "step", chain[i].Name, "kind", chain[i].Kind, "chain", config.ChainString(chain[i:]))
			c, err := a.runStep(ctx, &step{a: a, chain: chain[i:]}, base)
			if err != nil {
				a.log().Debug("step failed", "step", chain[i].Name, "error", ErrSummary(err))
				if attempt < n && i == start && baseIdx >= 0 && errors.Is(err, ErrCredentialsRefused) {
					// The cached base was refused: drop it and renew it
					// from its own base. Each retry starts further up
					// the chain (the dropped step is gone), so a chain
					// whose every cached step was revoked renews them
					// all, and the loop ends within n attempts.
					a.log().Info("cached credentials refused; renewing", "step", chain[baseIdx].Name)
					a.invalidate(&step{a: a, chain: chain[baseIdx:]})
					for j := baseIdx; j < n; j++ {
						skip[j] = j == baseIdx
					}
					retry = true
					break
				}
				return nil, &StepError{Chain: chain[i:], Err: err}
			}
			res.Renewed = append(res.Renewed, chain[i].Name)
			a.log().Info("authenticated step", "step", chain[i].Name, "kind", chain[i].Kind, "credentials", c)
			base = c
		}
		if retry {
			continue
		}
		res.Credentials = base
		return res, nil
	}
}

// invalidate drops a step's cache.
func (a *Authenticator) invalidate(s *step) {
	if cc, ok := s.entry().Spec.(interface{ DropCache(s *step) }); ok {
		cc.DropCache(s)
		return
	}
	_, _ = removeFile(credsPath(a.cache(), s.name()))
}

// runStep authenticates one step under its cross-process lock, re-checking
// the cache once the lock is held (another process may just have done it).
func (a *Authenticator) runStep(ctx context.Context, s *step, base *Credentials) (*Credentials, error) {
	k, ok := s.entry().Spec.(StepKind)
	if !ok {
		return nil, fmt.Errorf("%s is not supported yet", s.entry().Kind)
	}
	_, noCache := s.entry().Spec.(Uncached)
	if noCache {
		return k.Authenticate(ctx, s, base)
	}
	lock := "step-" + s.name()
	if cc, ok := s.entry().Spec.(OwnCache); ok {
		lock = cc.LockName(s)
	}
	unlock, err := lockFile(ctx, a.cache(), lock, a.getenv)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Another process may have renewed this step while we waited; its
	// fingerprint covers the whole chain, so its result is as good as ours.
	if c, ok := a.cachedStep(s); ok {
		return c, nil
	}
	c, err := k.Authenticate(ctx, s, base)
	if err != nil {
		return nil, err
	}
	if _, custom := s.entry().Spec.(OwnCache); !custom {
		if err := writeCreds(a.cache(), s.chain, a.stepBinding(s.chain), c, a.now()); err != nil {
			return nil, fmt.Errorf("write credentials cache: %w", err)
		}
	}
	return c, nil
}

// regionAfter is the region a step's output carries: the chain's region,
// else the region the step ran in.
func (s *step) regionAfter(ran string) string {
	if r := AWSRegion(s.chain); r != "" {
		return r
	}
	if ran != "" {
		return ran
	}
	return DefaultAWSRegion
}
