package localcloud

import (
	"log/slog"
	"time"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	clock              func() time.Time
	logger             *slog.Logger
	publicURL          string
	autoApprove        bool
	autoApproveDelay   time.Duration
	deviceExpiry       time.Duration
	pollInterval       time.Duration
	accessTokenTTL     time.Duration
	refreshTokenTTL    time.Duration
	clientSecretTTL    time.Duration
	credentialLifetime time.Duration // 0: as requested
	latency            time.Duration
	mfaCode            string
	ecrPassword        string
	ecrProxyEndpoint   string
	userName           string
	accounts           []Account
	roles              []Role
	generate           [2]int // accounts, roles per account
	samlAutoSignIn     bool   // the ADFS page signs alice in by itself (saml_adfs.go)
}

func defaultOptions() options {
	return options{
		clock:           time.Now,
		logger:          discardLogger(),
		deviceExpiry:    10 * time.Minute,
		pollInterval:    time.Second,
		accessTokenTTL:  8 * time.Hour,
		refreshTokenTTL: 90 * 24 * time.Hour,
		clientSecretTTL: 90 * 24 * time.Hour,
		mfaCode:         DefaultMFACode,
		ecrPassword:     DefaultECRPassword,
		userName:        DefaultUserName,
	}
}

// WithClock injects the time source used for every expiry decision.
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// WithLogger sets the logger (default: discard). Only operation names, status
// codes, error codes and ids are logged, never secrets.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithPublicURL overrides the base URL used in verification links.
func WithPublicURL(u string) Option { return func(o *options) { o.publicURL = u } }

// WithAutoApprove approves every device authorization once delay has passed
// since it started (0: at once).
func WithAutoApprove(delay time.Duration) Option {
	return func(o *options) { o.autoApprove, o.autoApproveDelay = true, delay }
}

// WithPollInterval sets the device-flow polling interval: polling faster gets
// SlowDownException. The interval advertised on the wire is in whole seconds
// (at least 1); a shorter value here only relaxes the enforcement, which
// speeds up tests. 0 disables SlowDown.
func WithPollInterval(d time.Duration) Option { return func(o *options) { o.pollInterval = d } }

// WithDeviceCodeExpiry sets how long a device authorization stays valid.
func WithDeviceCodeExpiry(d time.Duration) Option { return func(o *options) { o.deviceExpiry = d } }

// WithAccessTokenTTL sets the lifetime of SSO access tokens (default 8h).
func WithAccessTokenTTL(d time.Duration) Option { return func(o *options) { o.accessTokenTTL = d } }

// WithRefreshTokenTTL sets the lifetime of refresh tokens (default 90 days).
func WithRefreshTokenTTL(d time.Duration) Option {
	return func(o *options) { o.refreshTokenTTL = d }
}

// WithCredentialLifetime caps the lifetime of every AWS credential issued
// (portal and STS), for expiry tests. 0 means as requested.
func WithCredentialLifetime(d time.Duration) Option {
	return func(o *options) { o.credentialLifetime = d }
}

// WithLatency adds a delay to every request (for benchmarks).
func WithLatency(d time.Duration) Option { return func(o *options) { o.latency = d } }

// WithMFACode sets the one MFA code GetSessionToken accepts (default 123456).
func WithMFACode(code string) Option { return func(o *options) { o.mfaCode = code } }

// WithECR sets the ECR registry password and proxy endpoint (default
// https://<account>.dkr.ecr.<region>.amazonaws.com of the caller).
func WithECR(password, proxyEndpoint string) Option {
	return func(o *options) { o.ecrPassword, o.ecrProxyEndpoint = password, proxyEndpoint }
}

// WithUserName sets the SSO user name used in assumed-role session names.
func WithUserName(name string) Option { return func(o *options) { o.userName = name } }

// WithAccounts replaces the seed accounts (each with its permission sets).
func WithAccounts(a ...Account) Option {
	return func(o *options) { o.accounts = append([]Account{}, a...) }
}

// WithRoles replaces the seed IAM roles.
func WithRoles(r ...Role) Option { return func(o *options) { o.roles = append([]Role{}, r...) } }

// WithGeneratedOrg adds n generated accounts with m permission sets each (and
// an IAM role of the same name per permission set), for benchmarks.
func WithGeneratedOrg(accounts, rolesPerAccount int) Option {
	return func(o *options) { o.generate = [2]int{accounts, rolesPerAccount} }
}
