package aws

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// ssoBindingOf and ssoTokenFileOf locate a provider's session as the
// Authenticator resolves it now.
func ssoBindingOf(a *auth.Authenticator, provider string) ssoBinding {
	pe := a.Config.Providers[provider]
	return pe.Spec.(*AWSSSOProvider).binding(&auth.Step{Auth: a, Chain: []*config.Entry{pe}})
}

func ssoTokenFileOf(a *auth.Authenticator, provider string) string {
	return ssoTokenPath(a.Cache(), ssoBindingOf(a, provider).id())
}

func newRecorder(t testing.TB) *testenv.Recorder {
	r := testenv.NewRecorder()
	t.Cleanup(r.Close)
	return r
}

// assertNoSecret fails if any request the recorder got holds one of secrets
// (what the local cloud had issued at some point, see Server.Secrets).
func assertNoSecret(t *testing.T, r *testenv.Recorder, secrets []string) {
	t.Helper()
	if len(secrets) == 0 {
		t.Fatal("the local cloud issued no secret: the test proves nothing")
	}
	if req, found := r.FindSecret(secrets); found {
		t.Fatalf("the recorder received a secret of the other endpoint:\n%s", req)
	}
}

// configAt writes yaml as <dir>/atmos.yaml and loads it.
func configAt(t testing.TB, dir, yaml, url string) *config.Config {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "atmos.yaml")
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(yaml, "{{URL}}", url)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Kinds: Kinds, ConfigPath: p, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestHostileProjectNeverGetsTheSession: the user signed in in their
// project; a cloned repository names the same start URL, region and
// identity names, but its own endpoints — on the provider, on one step, or
// a second chain built on the user's step names. No access token, refresh
// token, client id or secret, device code or session credential of the
// user's session reaches the hostile endpoint, whatever the margin (a
// renewal would send the refresh token).
func TestHostileProjectNeverGetsTheSession(t *testing.T) {
	hostile := map[string]string{
		"provider endpoint":       strings.Replace(chainYAML, "endpoint_url: {{URL}}", "endpoint_url: {{EVIL}}", 1),
		"permission-set endpoint": strings.Replace(chainYAML, "        account: {name: core-identity}\n", "        account: {name: core-identity}\n      spec: {endpoint_url: {{EVIL}}}\n", 1),
		"role built on base-admin": chainYAML + `    evil-role:
      kind: aws/assume-role
      via: {identity: base-admin}
      principal: {assume_role: "arn:aws:iam::999999999999:role/ProductionAdmin"}
      spec: {endpoint_url: {{EVIL}}}
`,
		"region and endpoint": strings.Replace(strings.Replace(chainYAML, "endpoint_url: {{URL}}", "endpoint_url: {{EVIL}}", 1), "region: us-east-1", "region: eu-west-1", 1),
	}
	for name, yaml := range hostile {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, chainYAML)
			ctx := context.Background()
			root := t.TempDir()
			f.a.Config = configAt(t, filepath.Join(root, "infra"), chainYAML, f.srv.URL())
			if _, err := f.a.Login(ctx, "prod-readonly"); err != nil {
				t.Fatal(err)
			}
			secrets := f.srv.Secrets()
			rec := newRecorder(t)
			evil := configAt(t, filepath.Join(root, "evil"), strings.ReplaceAll(yaml, "{{EVIL}}", rec.URL), f.srv.URL())
			for _, margin := range []time.Duration{0, 9 * time.Hour} {
				a := f.newAuth(evil, f.a.Dirs)
				a.AllowDeviceFlow = false
				a.Margin = margin
				for _, id := range evil.IdentityOrder {
					// Every chain of the hostile project needs a
					// sign-in of its own, which is not allowed here.
					if _, err := a.Login(ctx, id); !errors.Is(err, auth.ErrDeviceFlowNeeded) {
						t.Errorf("margin %v: %s: err = %v, want a new sign-in", margin, id, err)
					}
					if c, _, err := a.Cached(id); err == nil {
						t.Errorf("%s is served the user's cached credentials", id)
						_, _, _ = a.Verify(ctx, id, c)
					}
				}
				if _, err := a.LoginProvider(ctx, "company-sso"); !errors.Is(err, auth.ErrDeviceFlowNeeded) {
					t.Errorf("provider: err = %v", err)
				}
			}
			assertNoSecret(t, rec, secrets)
		})
	}
}

// TestEndpointChangeIsACacheMiss: within one project, a configuration that
// resolves to other endpoints than the session's (here through the
// environment, which the config fingerprint does not see) misses the cache
// of every step instead of sending its secrets there.
func TestEndpointChangeIsACacheMiss(t *testing.T) {
	yaml := strings.ReplaceAll(strings.ReplaceAll(chainYAML, "      spec:\n        endpoint_url: {{URL}}\n", ""), "      spec: {endpoint_url: {{URL}}}\n", "")
	f := newFixture(t, yaml)
	env := map[string]string{"AWS_ENDPOINT_URL": f.srv.URL()}
	f.a.Getenv = func(k string) string { return env[k] }
	ctx := context.Background()
	// base-admin and the session are cached; nothing else is.
	if _, err := f.a.Login(ctx, "base-admin"); err != nil {
		t.Fatal(err)
	}
	secrets := f.srv.Secrets()
	rec := newRecorder(t)
	f.a.AllowDeviceFlow = false
	for _, v := range []string{"AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_STS"} {
		env[v] = rec.URL
		for _, margin := range []time.Duration{0, 9 * time.Hour} {
			f.a.Margin = margin
			for _, id := range []string{"prod-by-name", "prod-readonly"} {
				_, err := f.a.Login(ctx, id)
				if v != "AWS_ENDPOINT_URL_STS" && !errors.Is(err, auth.ErrDeviceFlowNeeded) {
					t.Errorf("%s=recorder, margin %v, %s: err = %v, want a new sign-in", v, margin, id, err)
				}
			}
		}
		delete(env, v)
	}
	// With the STS endpoint changed, base-admin was renewed from the
	// portal and only those new credentials met the new STS endpoint.
	assertNoSecret(t, rec, secrets)
}

// TestUserKeysScopedToProject: keys stored for an aws/user in one project
// are not used by another project's identity of the same name, nor are
// unscoped keys of an older version — which the error names.
func TestUserKeysScopedToProject(t *testing.T) {
	f := newFixture(t, userYAML)
	ctx := context.Background()
	root := t.TempDir()
	p1 := configAt(t, filepath.Join(root, "p1"), userYAML, f.srv.URL())
	p2 := configAt(t, filepath.Join(root, "p2"), userYAML, f.srv.URL())
	keys, err := NewUserKeys(p1, "stored", f.a.Env, "AKIAEXAMPLEP1KEY0001", "p1-secret", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ks.Set(UserKeysKey(p1, "stored"), keys); err != nil {
		t.Fatal(err)
	}
	if _, err := f.newAuth(p1, f.a.Dirs).Login(ctx, "stored"); err != nil {
		t.Fatalf("p1: %v", err)
	}
	wantCalls(t, f, map[string]int{"GetSessionToken": 1})
	_, err = f.newAuth(p2, f.a.Dirs).Login(ctx, "stored")
	if err == nil || !strings.Contains(err.Error(), "no keys stored: run `atmos-auth user configure -i stored`") {
		t.Fatalf("p2: err = %v", err)
	}
	// An unscoped entry of an older version is not used either.
	if err := f.ks.Set(LegacyUserKeysKey("stored"), keys); err != nil {
		t.Fatal(err)
	}
	_, err = f.newAuth(p2, f.a.Dirs).Login(ctx, "stored")
	if err == nil || !strings.Contains(err.Error(), "stored by an older atmos-auth") || !strings.Contains(err.Error(), "user configure -i stored") {
		t.Fatalf("p2 with a legacy entry: err = %v", err)
	}
	if strings.Contains(err.Error(), "p1-secret") {
		t.Fatal("secret in error")
	}
	wantCalls(t, f, map[string]int{"GetSessionToken": 1})
}

// TestProvisionedScopedToProject: one project's discovered accounts do not
// appear in another project with a provider of the same name.
func TestProvisionedScopedToProject(t *testing.T) {
	f := newFixture(t, provisionYAML)
	root := t.TempDir()
	p1 := configAt(t, filepath.Join(root, "p1"), provisionYAML, f.srv.URL())
	f.a.Config = p1
	if _, err := f.a.LoginProvider(context.Background(), "company-sso"); err != nil {
		t.Fatal(err)
	}
	again := configAt(t, filepath.Join(root, "p1"), provisionYAML, f.srv.URL())
	auth.MergeProvisioned(again, f.a.Dirs)
	if _, ok := again.Identities["core-identity/AdminAccess"]; !ok {
		t.Fatalf("p1 lost its own provisioned identities: %v", again.IdentityOrder)
	}
	p2 := configAt(t, filepath.Join(root, "p2"), provisionYAML, f.srv.URL())
	auth.MergeProvisioned(p2, f.a.Dirs)
	if len(p2.IdentityOrder) != 1 {
		t.Fatalf("p2 sees p1's accounts: %v", p2.IdentityOrder)
	}
}

// TestRevokedCredentialsDropped: credentials revoked on the server while
// cached are dropped by whoami --verify (that step only) and renewed by the
// next login, however many cached steps of the chain were revoked.
func TestRevokedCredentialsDropped(t *testing.T) {
	for _, fault := range []string{"revoke", "expire"} {
		t.Run(fault, func(t *testing.T) {
			f := newFixture(t, chainYAML)
			ctx := context.Background()
			res, err := f.a.Login(ctx, "prod-readonly")
			if err != nil {
				t.Fatal(err)
			}
			old := res.Credentials.Secret(keyAccessKeyID)
			if fault == "revoke" {
				f.srv.RevokeCredentials()
			} else {
				f.srv.ExpireCredentials()
			}
			c, valid, err := f.a.Cached("prod-readonly")
			if err != nil || !valid {
				t.Fatalf("cached: %v %v", valid, err)
			}
			_, _, err = f.a.Verify(ctx, "prod-readonly", c)
			var refused *RefusedError
			if !errors.As(err, &refused) || !strings.Contains(err.Error(), "run `atmos-auth login -i prod-readonly`") {
				t.Fatalf("verify: %v", err)
			}
			if _, _, err := f.a.Cached("prod-readonly"); !errors.Is(err, auth.ErrNotLoggedIn) {
				t.Fatalf("the refused credentials are still cached: %v", err)
			}
			if _, ok, _ := f.a.Cached("prod-admin"); !ok {
				t.Fatal("verify dropped another step's cache")
			}
			f.srv.ResetStats()
			res, err = f.a.Login(ctx, "prod-readonly")
			if err != nil {
				t.Fatal(err)
			}
			if res.Credentials.Secret(keyAccessKeyID) == old {
				t.Fatal("served the revoked credentials")
			}
			// prod-admin and base-admin were refused in turn, then renewed
			// from the still valid SSO session: no new sign-in.
			wantCalls(t, f, map[string]int{"StartDeviceAuthorization": 0, "CreateToken": 0, "GetRoleCredentials": 1, "AssumeRole": 4})
			if c, _, _ := f.a.Cached("prod-readonly"); c == nil {
				t.Fatal("nothing cached")
			} else if _, _, err := f.a.Verify(ctx, "prod-readonly", c); err != nil {
				t.Fatalf("renewed credentials refused: %v", err)
			}
		})
	}
}

// TestForceReauthenticates: Force runs every step again, the SSO session
// through its refresh token.
func TestForceReauthenticates(t *testing.T) {
	f := newFixture(t, chainYAML)
	ctx := context.Background()
	if _, err := f.a.Login(ctx, "prod-readonly"); err != nil {
		t.Fatal(err)
	}
	f.srv.ResetStats()
	f.a.Force = true
	res, err := f.a.Login(ctx, "prod-readonly")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reused) != 0 || strings.Join(res.Renewed, ",") != "company-sso,base-admin,prod-admin,prod-readonly" {
		t.Fatalf("reused %v renewed %v", res.Reused, res.Renewed)
	}
	wantCalls(t, f, map[string]int{"CreateToken": 1, "StartDeviceAuthorization": 0, "GetRoleCredentials": 1, "AssumeRole": 2})
}

// TestLogoutAllStaysInItsProject: logout --all ends this project's session
// and removes the unscoped entries of older versions, but leaves another
// project's session (same start URL) alone.
func TestLogoutAllStaysInItsProject(t *testing.T) {
	f := newFixture(t, chainYAML)
	ctx := context.Background()
	root := t.TempDir()
	p1 := configAt(t, filepath.Join(root, "p1"), chainYAML, f.srv.URL())
	p2 := configAt(t, filepath.Join(root, "p2"), chainYAML, f.srv.URL())
	a1, a2 := f.newAuth(p1, f.a.Dirs), f.newAuth(p2, f.a.Dirs)
	for _, a := range []*auth.Authenticator{a1, a2} {
		if _, err := a.Login(ctx, "prod-admin"); err != nil {
			t.Fatal(err)
		}
	}
	legacy := keyring.Key(keyringSSOKind, "0123456789abcdef0123")
	if err := f.ks.Set(legacy, keyring.Envelope{Kind: keyringSSOKind, Data: map[string]string{"refresh_token": "old"}}); err != nil {
		t.Fatal(err)
	}
	done, err := a1.LogoutAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(done, "\n"), "removed 1 unscoped SSO session(s)") {
		t.Fatalf("done: %v", done)
	}
	if _, err := f.ks.Get(legacy); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("legacy entry: %v", err)
	}
	if _, _, err := a1.Cached("prod-admin"); !errors.Is(err, auth.ErrNotLoggedIn) {
		t.Fatalf("p1 still logged in: %v", err)
	}
	if _, ok, _ := a2.Cached("prod-admin"); !ok {
		t.Fatal("p1's logout removed p2's credentials")
	}
	if _, err := f.ks.Get(ssoKeyringKey(&auth.Step{Auth: a2}, ssoBindingOf(a2, "company-sso").id())); err != nil {
		t.Fatalf("p1's logout removed p2's session: %v", err)
	}
	f.srv.ResetStats()
	if _, err := a2.Login(ctx, "prod-admin"); err != nil {
		t.Fatal(err)
	}
	if f.srv.Stats().Total != 0 {
		t.Fatalf("p2 had to renew: %v", f.srv.Stats().Calls)
	}
}

// TestPermissionSetEndpointMustBeItsProviders: within one project too, the
// session's access token only goes to its provider's portal endpoint; a
// permission set resolving to another is refused before any request.
func TestPermissionSetEndpointMustBeItsProviders(t *testing.T) {
	rec := newRecorder(t)
	yaml := chainYAML + `    elsewhere:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal: {name: ReadOnlyAccess, account: {id: "999999999999"}}
      spec: {endpoint_url: ` + rec.URL + `}
`
	f := newFixture(t, yaml)
	ctx := context.Background()
	if _, err := f.a.Login(ctx, "base-admin"); err != nil {
		t.Fatal(err)
	}
	_, err := f.a.Login(ctx, "elsewhere")
	if err == nil || !strings.Contains(err.Error(), "is not the portal endpoint of its provider company-sso") {
		t.Fatalf("err = %v", err)
	}
	assertNoSecret(t, rec, f.srv.Secrets())
	if len(rec.Requests()) != 0 {
		t.Fatalf("the recorder got %d request(s)", len(rec.Requests()))
	}
}

// TestRefusedUserKeysSayHowToReplace: keys AWS no longer knows are not
// "renewed" by retrying; the error says to store valid ones, and neither
// the stored keys nor any cache entry of another step is touched.
func TestRefusedUserKeysSayHowToReplace(t *testing.T) {
	f := newFixture(t, userYAML)
	keys, err := NewUserKeys(f.a.Config, "stored", f.a.Env, "ASIAREVOKEDKEY000001", "revoked-secret", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ks.Set(UserKeysKey(f.a.Config, "stored"), keys); err != nil {
		t.Fatal(err)
	}
	_, err = f.a.Login(context.Background(), "from-user")
	if err == nil || !strings.Contains(err.Error(), "the access keys were refused") || !strings.Contains(err.Error(), "atmos-auth user configure -i stored") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "revoked-secret") {
		t.Fatal("secret in error")
	}
	if _, err := f.ks.Get(UserKeysKey(f.a.Config, "stored")); err != nil {
		t.Fatalf("stored keys removed: %v", err)
	}
}

// TestUserKeysBoundToEndpoint: stored keys go only to the STS endpoint the
// identity resolved to when they were stored; a configuration (or
// environment) pointing it elsewhere later gets an error, not the keys.
func TestUserKeysBoundToEndpoint(t *testing.T) {
	f := newFixture(t, userYAML)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "infra")
	cfg := configAt(t, dir, userYAML, f.srv.URL())
	keys, err := NewUserKeys(cfg, "stored", f.a.Env, "AKIAEXAMPLEBOUND0001", "bound-secret", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ks.Set(UserKeysKey(cfg, "stored"), keys); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(t)
	// The same project, its endpoint changed (a pulled commit, an edit).
	moved := configAt(t, dir, userYAML, rec.URL)
	_, err = f.newAuth(moved, f.a.Dirs).Login(ctx, "from-user")
	if err == nil || !strings.Contains(err.Error(), "were stored for") || !strings.Contains(err.Error(), "user configure -i stored") {
		t.Fatalf("err = %v", err)
	}
	assertNoSecret(t, rec, []string{"AKIAEXAMPLEBOUND0001", "bound-secret"})
	if n := len(rec.Requests()); n != 0 {
		t.Fatalf("the recorder got %d request(s)", n)
	}
	// Where they were stored for, they work.
	if _, err := f.newAuth(cfg, f.a.Dirs).Login(ctx, "from-user"); err != nil {
		t.Fatal(err)
	}
}

// TestProvisionedBoundToOrganization: within one project, a provider whose
// start URL changed does not keep the accounts of the previous one.
func TestProvisionedBoundToOrganization(t *testing.T) {
	f := newFixture(t, provisionYAML)
	dir := filepath.Join(t.TempDir(), "p1")
	f.a.Config = configAt(t, dir, provisionYAML, f.srv.URL())
	if _, err := f.a.LoginProvider(context.Background(), "company-sso"); err != nil {
		t.Fatal(err)
	}
	other := configAt(t, dir, strings.Replace(provisionYAML, "https://company.awsapps.com/start", "https://other.awsapps.com/start", 1), f.srv.URL())
	auth.MergeProvisioned(other, f.a.Dirs)
	if len(other.IdentityOrder) != 1 {
		t.Fatalf("another organization's accounts: %v", other.IdentityOrder)
	}
}
