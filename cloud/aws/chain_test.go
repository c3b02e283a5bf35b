package aws

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/keyring"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// wait is an Authenticator.Wait: the time passes at once.
func (c *testClock) wait(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

type testUI struct {
	mu      sync.Mutex
	devices int
	mfa     string
	msgs    []string
}

func (u *testUI) DeviceAuthorization(p, uri, complete, code string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.devices++
}
func (u *testUI) Progress(m string) { u.mu.Lock(); u.msgs = append(u.msgs, m); u.mu.Unlock() }
func (u *testUI) MFACode(id, serial string) (string, error) {
	if u.mfa == "" {
		return "", errors.New("no MFA code")
	}
	return u.mfa, nil
}

// chainYAML is the 3-step chain of the demo, plus more identities.
const chainYAML = `auth:
  providers:
    company-sso:
      kind: aws/iam-identity-center
      region: us-east-1
      start_url: https://company.awsapps.com/start
      spec:
        endpoint_url: {{URL}}
  identities:
    base-admin:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal:
        name: AdminAccess
        account: {name: core-identity}
    prod-admin:
      kind: aws/assume-role
      via: {identity: base-admin}
      principal: {assume_role: "arn:aws:iam::999999999999:role/ProductionAdmin"}
      spec: {endpoint_url: {{URL}}}
    prod-readonly:
      kind: aws/assume-role
      via: {identity: prod-admin}
      principal: {assume_role: "arn:aws:iam::999999999999:role/ReadOnlyAccess", region: eu-west-1}
      spec: {endpoint_url: {{URL}}}
    prod-denied:
      kind: aws/assume-role
      via: {identity: prod-admin}
      principal: {assume_role: "arn:aws:iam::999999999999:role/DeniedRole"}
      spec: {endpoint_url: {{URL}}}
    root-audit:
      kind: aws/assume-root
      via: {identity: base-admin}
      principal:
        target_principal: "999999999999"
        task_policy_arn: arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials
      spec: {endpoint_url: {{URL}}}
    prod-by-name:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal:
        name: ReadOnlyAccess
        account: {name: production}
`

func loadTestConfig(t testing.TB, yaml, url string) *config.Config {
	t.Helper()
	return configAt(t, t.TempDir(), yaml, url)
}

type fixture struct {
	srv   *localcloud.Server
	clock *testClock
	ui    *testUI
	ks    keyring.Store
	a     *auth.Authenticator
}

func newFixture(t testing.TB, yaml string, opts ...localcloud.Option) *fixture {
	t.Helper()
	clock := &testClock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	opts = append([]localcloud.Option{localcloud.WithClock(clock.Now), localcloud.WithAutoApprove(0), localcloud.WithPollInterval(0)}, opts...)
	srv := localcloud.StartTest(t, opts...)
	cfg := loadTestConfig(t, yaml, srv.URL())
	ks, _ := keyring.Open(keyring.Options{Type: keyring.TypeMemory})
	f := &fixture{srv: srv, clock: clock, ui: &testUI{mfa: localcloud.DefaultMFACode}, ks: ks}
	f.a = f.newAuth(cfg, config.ResolveDirs(func(k string) string {
		if k == "HOME" {
			return "/nonexistent"
		}
		return ""
	}))
	f.a.Dirs = config.Dirs{Config: t.TempDir(), Data: t.TempDir(), Cache: t.TempDir()}
	return f
}

// newAuth: the authenticator and the local cloud share f.clock, and the
// device flow's waits advance it instead of sleeping, so every expiry and
// every SlowDown is decided on that clock alone.
func (f *fixture) newAuth(cfg *config.Config, d config.Dirs) *auth.Authenticator {
	return &auth.Authenticator{Config: cfg, Dirs: d, Clock: f.clock.Now, Wait: f.clock.wait, UI: f.ui, AllowDeviceFlow: true,
		OpenKeyring: func() (keyring.Store, error) { return f.ks, nil }, PollInterval: 5 * time.Millisecond,
		RetryBackoff: 5 * time.Millisecond, Getenv: func(string) string { return "" }}
}

func (f *fixture) calls(ops ...string) map[string]int {
	m := map[string]int{}
	for _, op := range ops {
		m[op] = f.srv.Calls(op)
	}
	return m
}

func wantCalls(t *testing.T, f *fixture, want map[string]int) {
	t.Helper()
	for op, n := range want {
		if got := f.srv.Calls(op); got != n {
			t.Errorf("%s calls = %d, want %d (stats %v)", op, got, n, f.srv.Stats().Calls)
		}
	}
}

func TestChainDeviceFlowCacheRefreshRevoke(t *testing.T) {
	f := newFixture(t, chainYAML)
	ctx := context.Background()
	res, err := f.a.Login(ctx, "prod-readonly")
	if err != nil {
		t.Fatal(err)
	}
	c := res.Credentials
	if c.Account != "999999999999" || !strings.Contains(c.Principal, ":assumed-role/ReadOnlyAccess/atmos-auth-prod-readonly") || c.Region != "eu-west-1" {
		t.Fatalf("credentials: %v region %s", c, c.Region)
	}
	wantCalls(t, f, map[string]int{"RegisterClient": 1, "StartDeviceAuthorization": 1, "CreateToken": 1, "ListAccounts": 1, "GetRoleCredentials": 1, "AssumeRole": 2})
	if f.ui.devices != 1 {
		t.Fatalf("device prompts = %d", f.ui.devices)
	}
	// Everything cached: no call at all.
	f.srv.ResetStats()
	res, err = f.a.Login(ctx, "prod-readonly")
	if err != nil {
		t.Fatal(err)
	}
	if f.srv.Stats().Total != 0 || len(res.Renewed) != 0 {
		t.Fatalf("cached login made calls: %v renewed %v", f.srv.Stats().Calls, res.Renewed)
	}
	// A sibling identity reuses base-admin and the session.
	if _, err := f.a.Login(ctx, "root-audit"); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, map[string]int{"AssumeRoot": 1, "GetRoleCredentials": 0, "StartDeviceAuthorization": 0})
	// 56 minutes later the 1h role credentials are within the 5m margin;
	// the 8h SSO token is not: only the AWS steps re-run.
	f.srv.ResetStats()
	f.clock.Advance(56 * time.Minute)
	res, err = f.a.Login(ctx, "prod-readonly")
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, map[string]int{"CreateToken": 0, "StartDeviceAuthorization": 0, "GetRoleCredentials": 1, "AssumeRole": 2})
	if strings.Join(res.Reused, ",") != "company-sso" {
		t.Fatalf("reused %v", res.Reused)
	}
	// 9 hours later the token expired: silent renewal with the refresh token.
	f.srv.ResetStats()
	f.clock.Advance(9 * time.Hour)
	if _, err := f.a.Login(ctx, "prod-readonly"); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, map[string]int{"CreateToken": 1, "StartDeviceAuthorization": 0, "RegisterClient": 0})
	// Revoked refresh token: back to the device flow (same client).
	f.srv.ResetStats()
	f.srv.RevokeRefreshTokens()
	f.clock.Advance(9 * time.Hour)
	if _, err := f.a.Login(ctx, "prod-readonly"); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, map[string]int{"CreateToken": 2, "StartDeviceAuthorization": 1, "RegisterClient": 0})
	// Without a device flow allowed, a needed one fails fast.
	f.srv.RevokeRefreshTokens()
	f.clock.Advance(9 * time.Hour)
	f.a.AllowDeviceFlow = false
	_, err = f.a.Login(ctx, "prod-admin")
	if !errors.Is(err, auth.ErrDeviceFlowNeeded) || !strings.Contains(err.Error(), "company-sso: provider company-sso needs a browser sign-in") {
		t.Fatalf("err = %v", err)
	}
}

func TestPermissionSetByNamePaginated(t *testing.T) {
	f := newFixture(t, chainYAML, localcloud.WithGeneratedOrg(150, 1))
	res, err := f.a.Login(context.Background(), "prod-by-name")
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials.Account != "999999999999" {
		t.Fatalf("account %s", res.Credentials.Account)
	}
	wantCalls(t, f, map[string]int{"ListAccounts": 2})
}

func TestAccessDeniedNamesStepAndIsNotRetried(t *testing.T) {
	f := newFixture(t, chainYAML)
	_, err := f.a.Login(context.Background(), "prod-denied")
	if err == nil || !strings.HasPrefix(err.Error(), "prod-denied ← prod-admin ← base-admin ← company-sso: AssumeRole AccessDenied: ") {
		t.Fatalf("err = %v", err)
	}
	if n := f.srv.Stats().Errors["AssumeRole/AccessDenied"]; n != 1 {
		t.Fatalf("AccessDenied calls = %d (retried?)", n)
	}
	for _, s := range []string{"ASIA", "secret"} {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("error leaks %q: %v", s, err)
		}
	}
}

func TestThrottlingRetried(t *testing.T) {
	f := newFixture(t, chainYAML)
	f.srv.Throttle("AssumeRole", 2)
	f.srv.Throttle("GetRoleCredentials", 1)
	if _, err := f.a.Login(context.Background(), "prod-admin"); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, map[string]int{"AssumeRole": 3, "GetRoleCredentials": 2})
}

func TestRevokedSessionRenewsBase(t *testing.T) {
	f := newFixture(t, chainYAML)
	ctx := context.Background()
	if _, err := f.a.Login(ctx, "base-admin"); err != nil {
		t.Fatal(err)
	}
	// The session is revoked server-side while its token is still cached.
	f.srv.ExpireTokens()
	if _, err := f.a.Login(ctx, "prod-by-name"); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, map[string]int{"StartDeviceAuthorization": 1, "CreateToken": 2})
}

func TestAssumeRootCapped(t *testing.T) {
	f := newFixture(t, chainYAML)
	res, err := f.a.Login(context.Background(), "root-audit")
	if err != nil {
		t.Fatal(err)
	}
	if d := res.Credentials.Expiration.Sub(f.clock.Now()); d > 15*time.Minute || d < 14*time.Minute {
		t.Fatalf("root session lasts %v", d)
	}
	if res.Credentials.Principal != "arn:aws:iam::999999999999:root" {
		t.Fatalf("arn %s", res.Credentials.Principal)
	}
}

const userYAML = `auth:
  identities:
    breakglass:
      kind: aws/user
      credentials:
        access_key_id: AKIAEXAMPLEEXAMPLE01
        secret_access_key: verysecretkeyvalue
        region: us-west-2
        mfa_arn: arn:aws:iam::111111111111:mfa/localcloud-user
      spec: {endpoint_url: {{URL}}}
    stored:
      kind: aws/user
      spec: {endpoint_url: {{URL}}}
    from-user:
      kind: aws/assume-role
      via: {identity: stored}
      principal: {assume_role: "arn:aws:iam::999999999999:role/ProductionAdmin"}
      spec: {endpoint_url: {{URL}}}
`

func TestUserMFAAndKeyring(t *testing.T) {
	f := newFixture(t, userYAML)
	ctx := context.Background()
	f.ui.mfa = "000000"
	_, err := f.a.Login(ctx, "breakglass")
	if err == nil || !strings.Contains(err.Error(), "breakglass: GetSessionToken AccessDenied: MultiFactorAuthentication failed") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "verysecretkeyvalue") {
		t.Fatal("secret in error")
	}
	f.ui.mfa = localcloud.DefaultMFACode
	res, err := f.a.Login(ctx, "breakglass")
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials.Account != "111111111111" || res.Credentials.Region != "us-west-2" || res.Credentials.Secret(keyAccessKeyID) == "AKIAEXAMPLEEXAMPLE01" {
		t.Fatalf("creds %v", res.Credentials)
	}
	// Keys from the keyring, then chained into assume-role.
	if _, err := f.a.Login(ctx, "from-user"); err == nil || !strings.Contains(err.Error(), "user configure -i stored") {
		t.Fatalf("err = %v", err)
	}
	keys, err := NewUserKeys(f.a.Config, "stored", f.a.Env, "AKIAEXAMPLEEXAMPLE02", "s3cr3t", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ks.Set(UserKeysKey(f.a.Config, "stored"), keys); err != nil {
		t.Fatal(err)
	}
	res, err = f.a.Login(ctx, "from-user")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Credentials.Principal, "ProductionAdmin") {
		t.Fatalf("arn %s", res.Credentials.Principal)
	}
}

const ambientYAML = `auth:
  identities:
    pod:
      kind: aws/ambient
      principal: {region: us-east-2}
    cross:
      kind: aws/assume-role
      via: {identity: pod}
      principal: {assume_role: "arn:aws:iam::999999999999:role/ProductionAdmin"}
      spec: {endpoint_url: {{URL}}}
    plain:
      kind: ambient
`

func TestAmbientIntoAssumeRole(t *testing.T) {
	f := newFixture(t, ambientYAML)
	// The default chain reads the step's environment, not the process's.
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAAMBIENTAMBIENT01", "AWS_SECRET_ACCESS_KEY": "ambientsecret",
		"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"}
	f.a.Getenv = func(k string) string { return env[k] }
	res, err := f.a.Login(context.Background(), "cross")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Credentials.Principal, "ProductionAdmin/atmos-auth-cross") {
		t.Fatalf("arn %s", res.Credentials.Principal)
	}
	// The ambient step itself is never written to disk.
	if _, err := os.Stat(auth.StepPath(f.a.Cache(), "pod")); err == nil {
		t.Fatal("ambient credentials were cached")
	}
	res, err = f.a.Login(context.Background(), "plain")
	if err != nil || res.Credentials.Type != config.CredAmbient {
		t.Fatalf("plain: %v %v", res, err)
	}
}

func TestCacheFilesModes(t *testing.T) {
	f := newFixture(t, chainYAML)
	if _, err := f.a.Login(context.Background(), "prod-admin"); err != nil {
		t.Fatal(err)
	}
	err := filepath.Walk(f.a.Dirs.Cache, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if p == f.a.Dirs.Cache {
			return nil
		}
		want := os.FileMode(0o600)
		if info.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", p, info.Mode().Perm(), want)
		}
		if strings.HasSuffix(p, ".tmp") {
			t.Errorf("leftover temp file %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The refresh token is in the keyring, not in the cache.
	keys, _ := f.ks.List(keyring.KeyPrefix)
	if len(keys) != 1 || !strings.Contains(keys[0], "aws/sso-session") {
		t.Fatalf("keyring keys %v", keys)
	}
	b, err := os.ReadFile(ssoTokenFileOf(f.a, "company-sso"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "refresh") {
		t.Fatalf("refresh token in the cache file: %s", b)
	}
}

// TestDeviceFlowHonoursSlowDown: a client polling faster than the server
// allows gets SlowDown and must widen its interval (RFC 8628), not hammer.
// Both sides run on the fixture's clock, which only the client's waits
// advance: the polls are at 0, 10 ms (SlowDown: the server wants 100 ms),
// then every 160 ms until the approval at 600 ms: 170, 330, 490, 650.
func TestDeviceFlowHonoursSlowDown(t *testing.T) {
	f := newFixture(t, chainYAML,
		localcloud.WithPollInterval(100*time.Millisecond), localcloud.WithAutoApprove(600*time.Millisecond))
	f.a.PollInterval = 10 * time.Millisecond
	f.a.SlowDownStep = 150 * time.Millisecond
	start := f.clock.Now()
	if _, err := f.a.Login(context.Background(), "base-admin"); err != nil {
		t.Fatal(err)
	}
	st := f.srv.Stats()
	if st.Errors["CreateToken/SlowDownException"] < 1 {
		t.Fatalf("never slowed down: %v", st.Errors)
	}
	// Ignoring SlowDown at 10 ms would poll about 60 times in 600 ms; after
	// one SlowDown the interval is 160 ms, then 310 ms…
	if n := f.srv.Calls("CreateToken"); n > 8 {
		t.Fatalf("CreateToken polled %d times: SlowDown not honoured (%v)", n, st.Errors)
	}
	if n, slow := f.srv.Calls("CreateToken"), st.Errors["CreateToken/SlowDownException"]; n != 6 || slow != 1 {
		t.Fatalf("CreateToken polled %d times with %d SlowDown, want 6 with 1 (%v)", n, slow, st.Errors)
	}
	if waited := f.clock.Now().Sub(start); waited != 650*time.Millisecond {
		t.Fatalf("the login waited %v, want 650ms", waited)
	}
}

// TestDeviceFlowGivesUpAtTheCodesExpiry: nobody approves (within the
// code's life); the client stops polling once its next poll would come
// after the device code's expiry as its injected clock tells, instead of
// polling on until the server answers ExpiredToken.
func TestDeviceFlowGivesUpAtTheCodesExpiry(t *testing.T) {
	f := newFixture(t, chainYAML, localcloud.WithDeviceCodeExpiry(time.Minute), localcloud.WithAutoApprove(time.Hour))
	f.a.PollInterval = 7 * time.Second
	start := f.clock.Now()
	_, err := f.a.Login(context.Background(), "base-admin")
	if err == nil || !strings.Contains(err.Error(), "the device authorization expired before it was approved") {
		t.Fatalf("err = %v", err)
	}
	// Polls at 0, 7…56 s; the next (63 s) would come after the expiry.
	if n := f.srv.Calls("CreateToken"); n != 9 {
		t.Fatalf("CreateToken polled %d times, want 9 (%v)", n, f.srv.Stats().Errors)
	}
	if waited := f.clock.Now().Sub(start); waited != 56*time.Second {
		t.Fatalf("the login waited %v, want 56s", waited)
	}
	if n := f.srv.Stats().Errors["CreateToken/ExpiredTokenException"]; n != 0 {
		t.Fatalf("the client polled past the code's expiry (%d ExpiredToken)", n)
	}
}
