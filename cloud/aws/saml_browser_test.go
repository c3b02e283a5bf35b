package aws

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// The Browser driver end to end: Debian's chromium, headless, opens the
// sign-in of an IdP we did not write (npm samlp behind a form), the page's
// script types the test user's password and submits the form as a person
// would, samlp's signed response is posted by the browser to the AWS SAML
// endpoint stand-in, which is a loopback URL where nothing listens: the post
// is taken inside the browser. Then AssumeRoleWithSAML at the local cloud.

// samlTestACS is where the test IdP posts: nothing listens there.
const samlTestACSURL = "http://127.0.0.1:9/saml"

const samlTestRole = "arn:aws:iam::222222222222:role/SAMLAdmin"
const samlIdPRole = samlTestRole + ",arn:aws:iam::222222222222:saml-provider/test-idp"

const samlYAML = `auth:
  providers:
    company-saml:
      kind: aws/saml
      region: us-east-1
      url: {{IDP}}/sso
      driver: Browser
      spec: {endpoint_url: {{URL}}}
  identities:
    saml-admin:
      kind: aws/assume-role
      via: {provider: company-saml}
      principal: {assume_role: "` + samlTestRole + `", duration: 2h}
    saml-other:
      kind: aws/assume-role
      via: {provider: company-saml}
      principal: {assume_role: "arn:aws:iam::222222222222:role/NotOffered"}
`

type samlSetup struct {
	idp *testenv.SAMLIdP
	srv *localcloud.Server
	a   *auth.Authenticator
	ui  *testUI
	env map[string]string
	log *bytes.Buffer
}

func newSAMLSetup(t *testing.T, yaml string, idpArgs ...string) *samlSetup {
	t.Helper()
	idp := testenv.StartSAMLIdP(t, "../..", append([]string{"--acs", samlTestACSURL, "--role", samlIdPRole}, idpArgs...)...)
	srv := localcloud.StartTest(t)
	cfg := configAt(t, t.TempDir(), strings.ReplaceAll(yaml, "{{IDP}}", idp.URL), srv.URL())
	s := &samlSetup{idp: idp, srv: srv, ui: &testUI{}, log: &bytes.Buffer{}, env: map[string]string{
		EnvSAMLTestACS: samlTestACSURL, EnvSAMLBrowserHeadless: "1", EnvSAMLTimeout: "40s", "PATH": os.Getenv("PATH"),
	}}
	s.a = &auth.Authenticator{Config: cfg, Dirs: config.Dirs{Config: t.TempDir(), Data: t.TempDir(), Cache: t.TempDir()},
		UI: s.ui, Getenv: func(k string) string { return s.env[k] }, RetryBackoff: 5 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(s.log, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	return s
}

func (s *samlSetup) stats(t *testing.T) map[string]int {
	t.Helper()
	m, err := s.idp.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func requireChromium(t *testing.T) {
	t.Helper()
	testenv.RequireTool(t, "chromium")
}

func TestSAMLBrowserSamlpChromium(t *testing.T) {
	requireChromium(t)
	s := newSAMLSetup(t, samlYAML, "--autofill", "--duration", "3600")
	ctx := context.Background()

	res, err := s.a.Login(ctx, "saml-admin")
	if err != nil {
		t.Fatalf("login: %v\nIdP: %s", err, s.idp.Logs)
	}
	c := res.Credentials
	if c.Principal != "arn:aws:sts::222222222222:assumed-role/SAMLAdmin/alice" || c.Account != "222222222222" {
		t.Fatalf("credentials %v", c)
	}
	// The session asked 2h; the assertion's SessionDuration is 1h.
	if d := time.Until(c.Expiration); d > time.Hour+time.Minute || d < 50*time.Minute {
		t.Fatalf("session lasts %s, want the assertion's 1h", d)
	}
	if st := s.stats(t); st["logins"] != 1 || st["assertions"] != 1 {
		t.Fatalf("IdP stats %v", st)
	}
	// samlp's signature verified with the certificate it embeds.
	if !strings.Contains(s.log.String(), "signature_checked=true") {
		t.Fatalf("the samlp signature was not checked:\n%s", s.log)
	}
	if s.srv.Calls("AssumeRoleWithSAML") != 1 {
		t.Fatalf("AssumeRoleWithSAML calls %d", s.srv.Calls("AssumeRoleWithSAML"))
	}

	// Cached: no browser, no IdP, no STS.
	if _, err := s.a.Login(ctx, "saml-admin"); err != nil {
		t.Fatal(err)
	}
	if st := s.stats(t); st["assertions"] != 1 || s.srv.Calls("AssumeRoleWithSAML") != 1 {
		t.Fatalf("a cached login reached the IdP or STS: %v", st)
	}

	// Forced: the browser opens again with the provider's profile, whose
	// IdP session cookie spares the sign-in form.
	s.a.Force = true
	if _, err := s.a.Login(ctx, "saml-admin"); err != nil {
		t.Fatal(err)
	}
	if st := s.stats(t); st["logins"] != 1 || st["assertions"] != 2 {
		t.Fatalf("the second sign-in did not reuse the IdP session of the profile: %v", st)
	}
	s.a.Force = false

	// A role the assertion does not offer: an error naming the ones it does.
	_, err = s.a.Login(ctx, "saml-other")
	if err == nil || !strings.Contains(err.Error(), "does not offer the role arn:aws:iam::222222222222:role/NotOffered") || !strings.Contains(err.Error(), samlTestRole) {
		t.Fatalf("role not offered: %v", err)
	}
	// The assertion is never on disk.
	filepath.WalkDir(s.a.Dirs.Cache, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			if strings.Contains(string(b), "saml_response") || strings.Contains(string(b), "PHNhbWxw") {
				t.Errorf("%s holds the assertion", p)
			}
		}
		return nil
	})
}

func TestSAMLBrowserWrongPasswordTimesOut(t *testing.T) {
	requireChromium(t)
	s := newSAMLSetup(t, samlYAML, "--autofill", "--autofill-password", "wrong")
	s.env[EnvSAMLTimeout] = "25s"
	_, err := s.a.Login(context.Background(), "saml-admin")
	if err == nil || !strings.Contains(err.Error(), "company-saml") || !strings.Contains(err.Error(), "no SAML response within 25s") {
		t.Fatalf("wrong password: %v", err)
	}
	if st := s.stats(t); st["failures"] != 1 || st["assertions"] != 0 {
		t.Fatalf("IdP stats %v", st)
	}
}

func TestSAMLBrowserNotFound(t *testing.T) {
	s := &samlSetup{env: map[string]string{"PATH": t.TempDir()}}
	cfg := configAt(t, t.TempDir(), strings.ReplaceAll(samlYAML, "{{IDP}}", "https://idp.example.com"), "http://127.0.0.1:9")
	a := &auth.Authenticator{Config: cfg, Dirs: config.Dirs{Data: t.TempDir(), Cache: t.TempDir()}, Getenv: func(k string) string { return s.env[k] }}
	// Not interactive: fails fast, before looking for a browser.
	if _, err := a.Login(context.Background(), "saml-admin"); !errors.Is(err, auth.ErrDeviceFlowNeeded) || !strings.Contains(err.Error(), "company-saml needs a browser sign-in") {
		t.Fatalf("non-interactive: %v", err)
	}
	a.AllowDeviceFlow = true
	_, err := a.Login(context.Background(), "saml-admin")
	if err == nil || !strings.Contains(err.Error(), "no browser found") || !strings.Contains(err.Error(), "browser_executable_path") || !strings.Contains(err.Error(), "chromium") {
		t.Fatalf("no browser: %v", err)
	}
}

// The Browser driver against the local cloud's IdP, whose page posts to
// AWS's real SAML endpoint: the post is taken inside the browser and never
// leaves it (this machine cannot reach AWS).
func TestSAMLBrowserLocalcloudIdP(t *testing.T) {
	requireChromium(t)
	srv := localcloud.StartTest(t, localcloud.WithSAMLAutoSignIn())
	cfg := configAt(t, t.TempDir(), `auth:
  providers:
    lc-saml:
      kind: aws/saml
      region: us-east-1
      url: {{URL}}/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices
      spec: {endpoint_url: {{URL}}}
  identities:
    lc-readonly:
      kind: aws/assume-role
      via: {provider: lc-saml}
      principal: {assume_role: "arn:aws:iam::222222222222:role/SAMLReadOnly"}
`, srv.URL())
	env := map[string]string{EnvSAMLBrowserHeadless: "1", EnvSAMLTimeout: "40s", "PATH": os.Getenv("PATH")}
	a := &auth.Authenticator{Config: cfg, Dirs: config.Dirs{Data: t.TempDir(), Cache: t.TempDir()}, UI: &testUI{},
		Getenv: func(k string) string { return env[k] }}
	res, err := a.Login(context.Background(), "lc-readonly")
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials.Principal != "arn:aws:sts::222222222222:assumed-role/SAMLReadOnly/alice" {
		t.Fatalf("principal %s", res.Credentials.Principal)
	}
	if n := srv.Calls("ADFSSignOn"); n != 2 {
		t.Fatalf("ADFS page served %d times, want 2 (the form, its post)", n)
	}
}

// browser_executable_path from a repository's atmos.yaml never names a
// program inside that repository: a configuration error, nothing run.
func TestSAMLBrowserPathInsideProject(t *testing.T) {
	dir := t.TempDir()
	evil := filepath.Join(dir, "evil.sh")
	if err := os.WriteFile(evil, []byte("#!/bin/sh\ntouch "+filepath.Join(dir, "pwned")+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := configAt(t, dir, `auth:
  providers:
    p:
      kind: aws/saml
      region: us-east-1
      url: https://idp.example.com/sso
      browser_executable_path: `+evil+`
  identities:
    i:
      kind: aws/assume-role
      via: {provider: p}
      principal: {assume_role: "arn:aws:iam::222222222222:role/SAMLAdmin"}
`, "")
	a := &auth.Authenticator{Config: cfg, Dirs: config.Dirs{Data: t.TempDir(), Cache: t.TempDir()}, AllowDeviceFlow: true, Getenv: func(string) string { return "" }}
	_, err := a.Login(context.Background(), "i")
	if !errors.Is(err, config.ErrInvalid) || !strings.Contains(err.Error(), "is inside the project directory") {
		t.Fatalf("error %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("the repository's program ran")
	}
}
