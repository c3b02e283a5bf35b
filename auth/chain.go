package auth

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
	// OpenLogger, when Logger is nil, opens the logger on first use (a
	// log file is opened only by a command that logs).
	OpenLogger func() *slog.Logger
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

	logOnce sync.Once
	ksOnce  sync.Once
	ks      keyring.Store
	ksErr   error
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

// Step is one chain element being authenticated.
type Step struct {
	Auth  *Authenticator
	Chain []*config.Entry // from this step to the root
}

func (s *Step) Entry() *config.Entry { return s.Chain[0] }
func (s *Step) Name() string         { return s.Chain[0].Name }

func (a *Authenticator) Now() time.Time {
	if a.Clock != nil {
		return a.Clock()
	}
	return time.Now()
}

// Pause pauses for d or until ctx ends.
func (a *Authenticator) Pause(ctx context.Context, d time.Duration) error {
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

func (a *Authenticator) RenewMargin() time.Duration {
	if a.Margin > 0 {
		return a.Margin
	}
	return DefaultMargin
}

func (a *Authenticator) Env(k string) string {
	if a.Getenv != nil {
		return a.Getenv(k)
	}
	return ""
}

func (a *Authenticator) Prompter() UI {
	if a.UI != nil {
		return a.UI
	}
	return nopUI{}
}

func (a *Authenticator) Log() *slog.Logger {
	a.logOnce.Do(func() {
		switch {
		case a.Logger != nil:
		case a.OpenLogger != nil:
			a.Logger = a.OpenLogger()
		default:
			a.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		}
	})
	return a.Logger
}

func (a *Authenticator) Keyring() (keyring.Store, error) {
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
func (a *Authenticator) cachedStep(s *Step) (*Credentials, bool) {
	if a.Force {
		return nil, false
	}
	k := s.Entry().Spec
	if _, ok := k.(Uncached); ok {
		return nil, false
	}
	if cc, ok := k.(OwnCache); ok {
		return cc.CachedStep(s)
	}
	c, ok := ReadStep(a.Cache(), s.Chain, a.stepBinding(s.Chain))
	if !ok || !c.ValidFor(a.Now(), a.RenewMargin()) {
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
	s := &Step{Auth: a, Chain: chain}
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
	c, ok := ReadStep(a.Cache(), chain, a.stepBinding(chain))
	if !ok {
		return nil, false, ErrNotLoggedIn
	}
	return c, c.ValidFor(a.Now(), a.RenewMargin()), nil
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
			if c, ok := a.cachedStep(&Step{Auth: a, Chain: chain[i:]}); ok {
				base, start, baseIdx = c, i-1, i
				a.Log().Debug("reusing cached step", "step", chain[i].Name, "kind", chain[i].Kind, "credentials", c)
				break
			}
		}
		res.Reused, res.Renewed = nil, nil
		for i := baseIdx; i >= 0 && i < n; i++ {
			res.Reused = append(res.Reused, chain[i].Name)
		}
		retry := false
		for i := start; i >= 0; i-- {
			a.Log().Debug("authenticating step", "step", chain[i].Name, "kind", chain[i].Kind, "chain", config.ChainString(chain[i:]))
			c, err := a.runStep(ctx, &Step{Auth: a, Chain: chain[i:]}, base)
			if err != nil {
				a.Log().Debug("step failed", "step", chain[i].Name, "error", ErrSummary(err))
				if attempt < n && i == start && baseIdx >= 0 && errors.Is(err, ErrCredentialsRefused) {
					// The cached base was refused: drop it and renew it
					// from its own base. Each retry starts further up
					// the chain (the dropped step is gone), so a chain
					// whose every cached step was revoked renews them
					// all, and the loop ends within n attempts.
					a.Log().Info("cached credentials refused; renewing", "step", chain[baseIdx].Name)
					a.Invalidate(&Step{Auth: a, Chain: chain[baseIdx:]})
					for j := baseIdx; j < n; j++ {
						skip[j] = j == baseIdx
					}
					retry = true
					break
				}
				return nil, &StepError{Chain: chain[i:], Err: err}
			}
			res.Renewed = append(res.Renewed, chain[i].Name)
			a.Log().Info("authenticated step", "step", chain[i].Name, "kind", chain[i].Kind, "credentials", c)
			base = c
		}
		if retry {
			continue
		}
		res.Credentials = base
		return res, nil
	}
}

// Invalidate drops a step's cache.
func (a *Authenticator) Invalidate(s *Step) {
	if cc, ok := s.Entry().Spec.(interface{ DropCache(s *Step) }); ok {
		cc.DropCache(s)
		return
	}
	_, _ = RemoveFile(StepPath(a.Cache(), s.Name()))
}

// runStep authenticates one step under its cross-process lock, re-checking
// the cache once the lock is held (another process may just have done it).
func (a *Authenticator) runStep(ctx context.Context, s *Step, base *Credentials) (*Credentials, error) {
	k, ok := s.Entry().Spec.(StepKind)
	if !ok {
		return nil, fmt.Errorf("%s is not supported yet", s.Entry().Kind)
	}
	_, noCache := s.Entry().Spec.(Uncached)
	if noCache {
		return k.Authenticate(ctx, s, base)
	}
	lock := "step-" + s.Name()
	if cc, ok := s.Entry().Spec.(OwnCache); ok {
		lock = cc.LockName(s)
	}
	unlock, err := Lock(ctx, a.Cache(), lock, a.Env)
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
	if _, custom := s.Entry().Spec.(OwnCache); !custom {
		if err := WriteStep(a.Cache(), s.Chain, a.stepBinding(s.Chain), c, a.Now()); err != nil {
			return nil, fmt.Errorf("write credentials cache: %w", err)
		}
	}
	return c, nil
}

// Verifier is implemented by kinds whose credentials their cloud can be
// asked about (whoami --verify): Verify returns who the cloud says they
// are (an ARN, an email) and the account, project or tenant.
type Verifier interface {
	Verify(ctx context.Context, s *Step, c *Credentials) (principal, account string, err error)
}

// Verify asks the identity's cloud who credentials c are.
func (a *Authenticator) Verify(ctx context.Context, identity string, c *Credentials) (principal, account string, err error) {
	chain, err := a.Config.Chain(identity)
	if err != nil {
		return "", "", err
	}
	v, ok := chain[0].Spec.(Verifier)
	if !ok {
		return "", "", fmt.Errorf("identity %q (%s) cannot be verified with its cloud", identity, chain[0].Kind)
	}
	return v.Verify(ctx, &Step{Auth: a, Chain: chain}, c)
}
