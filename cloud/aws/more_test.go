package aws

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

const provisionYAML = `auth:
  providers:
    company-sso:
      kind: aws/iam-identity-center
      region: us-east-1
      start_url: https://company.awsapps.com/start
      auto_provision_identities: true
      spec: {endpoint_url: {{URL}}}
  identities:
    production/AdminAccess:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal: {name: ReadOnlyAccess, account: {id: "999999999999"}}
`

func TestAutoProvision(t *testing.T) {
	f := newFixture(t, provisionYAML, localcloud.WithGeneratedOrg(120, 3))
	if _, err := f.a.LoginProvider(context.Background(), "company-sso"); err != nil {
		t.Fatal(err)
	}
	// The same project, loaded again (provisioned identities are per project).
	cfg, err := config.Load(config.LoadOptions{Kinds: Kinds, ConfigPath: f.a.Config.AbsPath, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	auth.MergeProvisioned(cfg, f.a.Dirs)
	if n := len(cfg.Identities); n != 4*3-1+120*3 { // seed (production has 2) + generated; the configured one overrides one of them
		t.Fatalf("%d identities", n)
	}
	// The user's own definition wins.
	if ps := cfg.Identities["production/AdminAccess"].Spec.(*AWSPermissionSet); ps.Principal.Name != "ReadOnlyAccess" {
		t.Fatalf("config did not override: %+v", ps.Principal)
	}
	f.a.Config = cfg
	res, err := f.a.Login(context.Background(), "account-007/ReadOnlyAccess")
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials.Account != "500000000007" {
		t.Fatalf("account %s", res.Credentials.Account)
	}
	wantCalls(t, f, map[string]int{"ListAccounts": 2, "ListAccountRoles": 124})
}

func BenchmarkAutoProvision100x3Latency50ms(b *testing.B) {
	f := newFixture(b, provisionYAML, localcloud.WithGeneratedOrg(100, 3), localcloud.WithLatency(50*time.Millisecond))
	s := &auth.Step{Auth: f.a, Chain: []*config.Entry{f.a.Config.Providers["company-sso"]}}
	tok, err := f.a.LoginProvider(context.Background(), "company-sso")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ids, err := provision(f.a, context.Background(), s, tok.Credentials)
		if err != nil {
			b.Fatal(err)
		}
		if len(ids) != 100*3+11 {
			b.Fatalf("%d identities", len(ids))
		}
	}
}

const githubYAML = `auth:
  providers:
    gha:
      kind: github/oidc
      region: us-east-1
  identities:
    ci-deploy:
      kind: aws/assume-role
      via: {provider: gha}
      principal: {assume_role: "arn:aws:iam::222222222222:role/CIDeploy"}
      spec: {endpoint_url: {{URL}}}
`

func fakeJWT(aud string, exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(fmt.Sprintf(`{"iss":"https://token.actions.githubusercontent.com","sub":"repo:org/repo:ref:refs/heads/main","aud":%q,"exp":%d}`, aud, exp.Unix()))) + ".c2ln"
}

func TestGitHubOIDCIntoAssumeRole(t *testing.T) {
	f := newFixture(t, githubYAML)
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer gh-request-token" {
			w.WriteHeader(401)
			return
		}
		fmt.Fprintf(w, `{"value":%q}`, fakeJWT(r.URL.Query().Get("audience"), time.Now().Add(5*time.Minute)))
	}))
	defer gh.Close()
	env := map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": gh.URL + "/token?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh-request-token"}
	f.a.Getenv = func(k string) string { return env[k] }
	f.a.Clock = time.Now
	res, err := f.a.Login(context.Background(), "ci-deploy")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Credentials.Principal, "assumed-role/CIDeploy/") {
		t.Fatalf("arn %s", res.Credentials.Principal)
	}
	wantCalls(t, f, map[string]int{"AssumeRoleWithWebIdentity": 1})
}

// STS paths against moto_server: AssumeRole chains and GetSessionToken.
func TestSTSAgainstMoto(t *testing.T) {
	url := testenv.StartMoto(t)
	yaml := `auth:
  identities:
    user:
      kind: aws/user
      credentials: {access_key_id: AKIAMOTOMOTOMOTO0001, secret_access_key: motosecret, region: us-east-1}
    admin:
      kind: aws/assume-role
      via: {identity: user}
      principal: {assume_role: "arn:aws:iam::123456789012:role/Admin", external_id: ext-id-1, duration: 1h}
    readonly:
      kind: aws/assume-role
      via: {identity: admin}
      principal: {assume_role: "arn:aws:iam::123456789012:role/ReadOnly", session_name: ro-session}
`
	cfg := loadTestConfig(t, yaml, "")
	a := &auth.Authenticator{Config: cfg, Dirs: config.Dirs{Cache: t.TempDir()}, Getenv: func(k string) string {
		if k == "AWS_ENDPOINT_URL_STS" {
			return url
		}
		return ""
	}}
	res, err := a.Login(context.Background(), "readonly")
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials.Principal != "arn:aws:sts::123456789012:assumed-role/ReadOnly/ro-session" {
		t.Fatalf("arn %s", res.Credentials.Principal)
	}
	arn, acct, err := a.Verify(context.Background(), "readonly", res.Credentials)
	if err != nil || acct != "123456789012" || !strings.Contains(arn, "ReadOnly") {
		t.Fatalf("caller %s %s %v", arn, acct, err)
	}
}
