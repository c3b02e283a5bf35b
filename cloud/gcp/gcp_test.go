package gcp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/localcloud"
	"golang.org/x/oauth2/google"
)

// testAuth loads yaml ({{URL}} replaced) with env as the environment.
func testAuth(t *testing.T, yaml, url string, env map[string]string) *auth.Authenticator {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "atmos.yaml")
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(yaml, "{{URL}}", url)), 0o644); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string { return env[k] }
	cfg, err := config.Load(config.LoadOptions{Kinds: config.NewRegistry(Cloud()), ConfigPath: p, Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return &auth.Authenticator{Config: cfg, Getenv: getenv,
		Dirs:         config.Dirs{Config: t.TempDir(), Data: t.TempDir(), Cache: t.TempDir()},
		RetryBackoff: time.Millisecond}
}

const wifYAML = `
auth:
  providers:
    wif:
      kind: gcp/workload-identity-federation
      project_number: "123456789012"
      workload_identity_pool_id: ci-pool
      workload_identity_provider_id: ci-provider
      endpoints: {sts: "{{URL}}/gcp/sts/", iamcredentials: "{{URL}}/gcp/iamcredentials/"}
      token_source: {type: environment, environment_variable: OIDC_TOKEN}
  identities:
    sa:
      kind: gcp/service-account
      via: {provider: wif}
      principal: {service_account_email: sa@my-project.iam.gserviceaccount.com}
`

// wifSpecYAML is wifYAML with the provider's fields under spec:.
const wifSpecYAML = `
auth:
  providers:
    wif:
      kind: gcp/workload-identity-federation
      spec:
        project_number: "123456789012"
        workload_identity_pool_id: ci-pool
        workload_identity_provider_id: ci-provider
        endpoints: {sts: "{{URL}}/gcp/sts/", iamcredentials: "{{URL}}/gcp/iamcredentials/"}
        token_source: {type: environment, environment_variable: OIDC_TOKEN}
  identities:
    sa:
      kind: gcp/service-account
      via: {provider: wif}
      principal: {service_account_email: sa@my-project.iam.gserviceaccount.com}
`

func oidcEnv(extra ...string) map[string]string {
	m := map[string]string{"OIDC_TOKEN": localcloud.TestJWT("ci-job", time.Now().Add(time.Hour))}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// A WIF → service account chain against the local cloud; the spec: form
// of the provider gives the same result as the top-level one.
func TestWIFChain(t *testing.T) {
	srv := localcloud.StartTest(t)
	for _, yaml := range []string{wifYAML, wifSpecYAML} {
		a := testAuth(t, yaml, srv.URL(), oidcEnv())
		res, err := a.Login(context.Background(), "sa")
		if err != nil {
			t.Fatal(err)
		}
		c := res.Credentials
		if who, ok := srv.GCPTokenPrincipal(c.Secret(PayloadAccessToken)); !ok || who != "sa@my-project.iam.gserviceaccount.com" {
			t.Fatalf("token of %q (live %v)", who, ok)
		}
		if c.Account != "my-project" || c.Principal != "sa@my-project.iam.gserviceaccount.com" {
			t.Fatalf("credentials %v", c)
		}
	}
	if n := srv.Calls("ExchangeToken"); n != 2 {
		t.Fatalf("ExchangeToken %d times, want 2", n)
	}
}

// A cached base token the IAM Credentials API refuses (revoked or expired
// on Google's side) is dropped and renewed: the walker sees
// ErrCredentialsRefused.
func TestRefusedBaseIsRenewed(t *testing.T) {
	srv := localcloud.StartTest(t)
	a := testAuth(t, wifYAML, srv.URL(), oidcEnv())
	if _, err := a.LoginProvider(context.Background(), "wif"); err != nil {
		t.Fatal(err)
	}
	srv.ExpireGCPTokens()
	if _, err := a.Login(context.Background(), "sa"); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("ExchangeToken"); n != 2 {
		t.Fatalf("ExchangeToken %d times, want 2 (the refused base renewed)", n)
	}
	if n := srv.Calls("GenerateAccessToken"); n != 2 {
		t.Fatalf("GenerateAccessToken %d times, want 2", n)
	}
}

// An answer larger than the cap is refused, not read whole.
func TestHugeAnswerRefused(t *testing.T) {
	big := strings.Repeat("x", 3<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"access_token":"` + big + `"}`))
	}))
	defer srv.Close()
	a := testAuth(t, wifYAML, srv.URL, oidcEnv())
	_, err := a.Login(context.Background(), "sa")
	if err == nil || !strings.Contains(err.Error(), "larger than 1048576 bytes: refused") {
		t.Fatalf("err = %v", err)
	}
}

// A token source URL outside allowed_hosts is never requested, and a
// redirect from an allowed host to another host is not followed (the
// job's request token would go with it).
func TestTokenSourceHosts(t *testing.T) {
	var evil atomic.Int32
	evilSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evil.Add(1)
		_, _ = w.Write([]byte(localcloud.TestJWT("x", time.Now().Add(time.Hour))))
	}))
	defer evilSrv.Close()
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(evilSrv.URL, "127.0.0.1", "localhost", 1)+"/steal", http.StatusFound)
	}))
	defer good.Close()
	yaml := strings.Replace(wifYAML, "{type: environment, environment_variable: OIDC_TOKEN}",
		`{type: url, url: "`+good.URL+`/token", allowed_hosts: [127.0.0.1]}`, 1)
	a := testAuth(t, yaml, "http://127.0.0.1:9", map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL": good.URL + "/token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "job-secret"})
	_, err := a.Login(context.Background(), "sa")
	if err == nil || !strings.Contains(err.Error(), "which is not an allowed host: refused") {
		t.Fatalf("err = %v", err)
	}
	if evil.Load() != 0 {
		t.Fatal("the redirect to a host not allowed was followed")
	}
}

// A blackholed STS fails within the bound as a timeout naming the
// endpoint and what configures it.
func TestBlackholedEndpointIsBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accepted, never answered
		}
	}()
	env := oidcEnv(auth.EnvHTTPTimeout, "200ms")
	a := testAuth(t, wifYAML, "http://"+ln.Addr().String(), env)
	_, err = a.Login(context.Background(), "sa")
	var ne *auth.NetworkError
	if !errors.As(err, &ne) || !ne.Timeout || !strings.Contains(err.Error(), "endpoints.sts") {
		t.Fatalf("err = %v", err)
	}
}

// The isolated environment: the identity's own gcloud directory and
// credentials file; the user's overriding variables unset; no token.
func TestEnvironmentIsolated(t *testing.T) {
	srv := localcloud.StartTest(t)
	a := testAuth(t, wifYAML, srv.URL(), oidcEnv())
	if _, err := a.Login(context.Background(), "sa"); err != nil {
		t.Fatal(err)
	}
	chain, _ := a.Config.Chain("sa")
	ec := &auth.EnvContext{Config: a.Config, Dirs: a.Dirs, Chain: chain, Getenv: a.Env}
	if err := auth.Prepare(ec); err != nil {
		t.Fatal(err)
	}
	env, err := auth.IdentityEnvironment(ec)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Join(env.Apply([]string{"CLOUDSDK_AUTH_ACCESS_TOKEN=user", "CLOUDSDK_CONFIG=/home/u/.config/gcloud", "GOOGLE_CLOUD_PROJECT=user-project"}), "\n")
	dir := GcloudDir(a.Config, a.Dirs, "sa")
	for _, want := range []string{"CLOUDSDK_CONFIG=" + dir, "GOOGLE_APPLICATION_CREDENTIALS=" + filepath.Join(dir, adcFileName),
		"GOOGLE_CLOUD_PROJECT=my-project", "CLOUDSDK_ACTIVE_CONFIG_NAME=atmos-auth"} {
		if !strings.Contains(out, want) {
			t.Errorf("environment lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ya29") || strings.Contains(out, "CLOUDSDK_AUTH_ACCESS_TOKEN") || strings.Contains(out, "/home/u/") {
		t.Errorf("environment keeps a token or the user's gcloud:\n%s", out)
	}
	for _, f := range []string{tokenFileName, adcFileName, "configurations/config_atmos-auth"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, err, st)
		}
	}
}

// Server errors and throttling are retried a bounded number of times; the
// last answer is the error, with Google's status.
func TestRetries(t *testing.T) {
	srv := localcloud.StartTest(t)
	a := testAuth(t, wifYAML, srv.URL(), oidcEnv())
	srv.FailServer("ExchangeToken", 1, 503)
	srv.Throttle("ExchangeToken", 1)
	if _, err := a.Login(context.Background(), "sa"); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("ExchangeToken"); n != 3 {
		t.Fatalf("ExchangeToken %d times, want 3", n)
	}
	srv.FailServer("GenerateAccessToken", maxAttempts, 500)
	a.Force = true
	_, err := a.Login(context.Background(), "sa")
	if err == nil || !strings.Contains(err.Error(), "sa ← wif: IAM Credentials generateAccessToken INTERNAL: injected server error") {
		t.Fatalf("err = %v", err)
	}
}

// A token source naming another secret (a GitHub token in an environment
// variable) never sends it to STS: only a JWT is a subject token.
func TestSubjectMustBeJWT(t *testing.T) {
	srv := localcloud.StartTest(t)
	a := testAuth(t, wifYAML, srv.URL(), map[string]string{"OIDC_TOKEN": "ghp_0123456789abcdef0123456789abcdef0123"})
	_, err := a.Login(context.Background(), "sa")
	if err == nil || !strings.Contains(err.Error(), "token_source.environment_variable OIDC_TOKEN: the subject token is not a JWT") {
		t.Fatalf("err = %v", err)
	}
	if n := srv.Calls("ExchangeToken"); n != 0 {
		t.Fatalf("ExchangeToken %d times, want 0", n)
	}
}

// exec --server: Google's Go client reads the external_account file the
// token server writes and gets the identity's token, renewed when the
// identity's is; a client without the subject secret gets nothing; stop
// removes the files.
func TestTokenServer(t *testing.T) {
	srv := localcloud.StartTest(t)
	a := testAuth(t, wifYAML, srv.URL(), oidcEnv())
	chain, _ := a.Config.Chain("sa")
	var calls atomic.Int32
	fresh := func(ctx context.Context) (*auth.Credentials, error) {
		calls.Add(1)
		res, err := a.Login(ctx, "sa")
		if err != nil {
			return nil, err
		}
		return res.Credentials, nil
	}
	vars, stop, err := gcloudEnvironment{}.ServeTokens(&auth.EnvContext{Config: a.Config, Dirs: a.Dirs, Chain: chain}, fresh)
	if err != nil {
		t.Fatal(err)
	}
	file := vars["GOOGLE_APPLICATION_CREDENTIALS"]
	js, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := google.CredentialsFromJSON(context.Background(), js, "https://www.googleapis.com/auth/cloud-platform")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := creds.TokenSource.Token()
	if err != nil {
		t.Fatal(err)
	}
	if who, ok := srv.GCPTokenPrincipal(tok.AccessToken); !ok || who != "sa@my-project.iam.gserviceaccount.com" {
		t.Fatalf("token of %q (live %v)", who, ok)
	}
	// Another local user's client (no subject secret) is refused.
	var ea struct {
		TokenURL string `json:"token_url"`
	}
	_ = json.Unmarshal(js, &ea)
	resp, err := http.PostForm(ea.TokenURL, map[string][]string{"subject_token": {"guess"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("a wrong subject token got HTTP %d", resp.StatusCode)
	}
	stop()
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the credentials file is left after stop: %v", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("fresh called %d times", calls.Load())
	}
}

// The environment completes the project from what the login learnt (the
// ADC file's quota project) when the chain names none, with the endpoint
// binding read from the process environment when the context gives none.
func TestEnvironmentProjectFromLogin(t *testing.T) {
	srv := localcloud.StartTest(t)
	home := t.TempDir()
	adc := filepath.Join(home, "adc.json")
	if err := os.WriteFile(adc, []byte(`{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"`+localcloud.GCPRefreshToken+`","quota_project_id":"quota-project"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": adc, "CLOUDSDK_AUTH_TOKEN_HOST": srv.URL() + "/gcp/oauth2/token",
		"CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS": srv.URL() + "/gcp/iamcredentials/", "HOME": home}
	for k, v := range env {
		t.Setenv(k, v) // the process environment the binding is read from
	}
	a := testAuth(t, "auth:\n  providers:\n    adc: {kind: gcp/adc}\n  identities:\n    p:\n      kind: gcp/project\n      via: {provider: adc}\n      principal: {project_id: my-project-123}\n    sa:\n      kind: gcp/service-account\n      via: {provider: adc}\n      principal: {service_account_email: 123-compute@developer.gserviceaccount.com}\n", "", env)
	res, err := a.LoginProvider(context.Background(), "adc")
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials.Account != "quota-project" || res.Credentials.Principal == "" {
		t.Fatalf("ADC credentials %v", res.Credentials)
	}
	for id, want := range map[string]string{"p": "my-project-123", "sa": "quota-project"} {
		if _, err := a.Login(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		chain, _ := a.Config.Chain(id)
		e, err := auth.IdentityEnvironment(&auth.EnvContext{Config: a.Config, Dirs: a.Dirs, Chain: chain})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(e.Apply(nil), "\n"); !strings.Contains(got, "GOOGLE_CLOUD_PROJECT="+want+"\n") {
			t.Fatalf("%s: environment:\n%s", id, got)
		}
	}
	chain, _ := a.Config.Chain("p")
	if c := cached(&auth.EnvContext{Config: a.Config, Dirs: a.Dirs, Chain: chain}); c == nil {
		t.Fatal("the cache is not found without a Getenv in the context")
	}
}

// A service account key as ADC: an RS256 JWT bearer assertion at the OAuth
// token endpoint; the principal is the key's client_email.
func TestADCServiceAccountKey(t *testing.T) {
	srv := localcloud.StartTest(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	js, _ := json.Marshal(map[string]string{"type": "service_account", "client_email": "key-sa@key-project.iam.gserviceaccount.com",
		"private_key": pemKey, "private_key_id": "k1", "project_id": "key-project"})
	adc := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(adc, js, 0o600); err != nil {
		t.Fatal(err)
	}
	a := testAuth(t, "auth:\n  providers:\n    adc: {kind: gcp/adc}\n", "",
		map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": adc, "CLOUDSDK_AUTH_TOKEN_HOST": srv.URL() + "/gcp/oauth2/token"})
	res, err := a.LoginProvider(context.Background(), "adc")
	if err != nil {
		t.Fatal(err)
	}
	c := res.Credentials
	if who, ok := srv.GCPTokenPrincipal(c.Secret(PayloadAccessToken)); !ok || who != "key-sa@key-project.iam.gserviceaccount.com" {
		t.Fatalf("token of %q (live %v)", who, ok)
	}
	if c.Account != "key-project" || c.Principal != "key-sa@key-project.iam.gserviceaccount.com" {
		t.Fatalf("credentials %v", c)
	}
}
