package aws

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/keyring"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// The Okta and ADFS drivers against the local cloud's implementations of
// those protocols (localcloud/saml_okta.go, saml_adfs.go say which parts
// of the real services they follow), then AssumeRoleWithSAML at its STS.

const scriptedYAML = `auth:
  providers:
    okta:
      kind: aws/saml
      region: us-east-1
      url: {{URL}}/app/amazon_aws/exk1/sso/saml
      driver: Okta
      username: {{USER}}
      password: {{PASS}}
      spec: {endpoint_url: {{URL}}}
    adfs:
      kind: aws/saml
      region: us-east-1
      url: {{URL}}/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices
      provider_type: ADFS
      username: {{USER}}
      password: {{PASS}}
      spec: {endpoint_url: {{URL}}}
  identities:
    okta-admin:
      kind: aws/assume-role
      via: {provider: okta}
      principal: {assume_role: "arn:aws:iam::222222222222:role/SAMLAdmin"}
    adfs-admin:
      kind: aws/assume-role
      via: {provider: adfs}
      principal: {assume_role: "arn:aws:iam::222222222222:role/SAMLAdmin"}
    okta-missing:
      kind: aws/assume-role
      via: {provider: okta}
      principal: {assume_role: "arn:aws:iam::222222222222:role/Missing"}
`

// askUI answers Ask from a list (and counts the questions).
type askUI struct {
	testUI
	answers []string
	asked   []string
}

func (u *askUI) Ask(prompt string, hidden bool) (string, error) {
	u.asked = append(u.asked, prompt)
	if len(u.answers) == 0 {
		return "", errors.New(prompt + ": no terminal")
	}
	a := u.answers[0]
	u.answers = u.answers[1:]
	return a, nil
}

type scripted struct {
	srv  *localcloud.Server
	a    *auth.Authenticator
	ui   *askUI
	logs *bytes.Buffer
	ks   keyring.Store
}

func newScripted(t *testing.T, user, pass string, opts ...localcloud.Option) *scripted {
	t.Helper()
	srv := localcloud.StartTest(t, opts...)
	y := strings.NewReplacer("{{USER}}", user, "{{PASS}}", pass).Replace(scriptedYAML)
	if pass == "" {
		y = strings.ReplaceAll(y, "      password: \n", "")
	}
	cfg := configAt(t, t.TempDir(), y, srv.URL())
	ks, _ := keyring.Open(keyring.Options{Type: keyring.TypeMemory})
	s := &scripted{srv: srv, ui: &askUI{testUI: testUI{mfa: localcloud.DefaultMFACode}}, logs: &bytes.Buffer{}, ks: ks}
	s.a = &auth.Authenticator{Config: cfg, Dirs: config.Dirs{Config: t.TempDir(), Data: t.TempDir(), Cache: t.TempDir()},
		UI: s.ui, Getenv: func(string) string { return "" }, RetryBackoff: 5 * time.Millisecond, PollInterval: 5 * time.Millisecond,
		Logger:      slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		OpenKeyring: func() (keyring.Store, error) { return ks, nil }}
	return s
}

func (s *scripted) login(t *testing.T, identity string) (*auth.Credentials, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := s.a.Login(ctx, identity)
	if err != nil {
		return nil, err
	}
	return res.Credentials, nil
}

func TestSAMLOktaAndADFS(t *testing.T) {
	for _, tc := range []struct {
		name, user, identity string
		mfa                  string
		wantErr              string
		calls                map[string]int
	}{
		{name: "okta no MFA", user: "alice", identity: "okta-admin", calls: map[string]int{"OktaAuthn": 1, "OktaSessionCookieRedirect": 1, "OktaAppSAML": 1, "AssumeRoleWithSAML": 1}},
		{name: "okta TOTP", user: "bob", identity: "okta-admin", mfa: localcloud.DefaultMFACode, calls: map[string]int{"OktaVerifyFactor": 1, "AssumeRoleWithSAML": 1}},
		{name: "okta TOTP wrong", user: "bob", identity: "okta-admin", mfa: "000000", wantErr: "okta: Okta sign-in: Okta refused the MFA code"},
		{name: "okta push", user: "carol", identity: "okta-admin", calls: map[string]int{"OktaVerifyFactor": 2, "AssumeRoleWithSAML": 1}},
		{name: "okta push rejected", user: "dave", identity: "okta-admin", wantErr: "okta: Okta sign-in: the Okta push was rejected"},
		{name: "okta wrong password", user: "mallory", identity: "okta-admin", wantErr: "okta: Okta sign-in: Okta authentication at 127.0.0.1"},
		{name: "okta role not offered", user: "alice", identity: "okta-missing", wantErr: "does not offer the role arn:aws:iam::222222222222:role/Missing; it offers: arn:aws:iam::222222222222:role/SAMLAdmin, arn:aws:iam::222222222222:role/SAMLReadOnly"},
		{name: "adfs", user: "alice", identity: "adfs-admin", calls: map[string]int{"ADFSSignOn": 2, "AssumeRoleWithSAML": 1}},
		{name: "adfs wrong password", user: "mallory", identity: "adfs-admin", wantErr: "adfs: ADFS sign-in: ADFS refused the sign-in of mallory: wrong username or password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScripted(t, tc.user, localcloud.DefaultSAMLPassword)
			if tc.mfa != "" {
				s.ui.mfa = tc.mfa
			}
			c, err := s.login(t, tc.identity)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if c.Principal != "arn:aws:sts::222222222222:assumed-role/SAMLAdmin/"+tc.user {
					t.Fatalf("principal %s", c.Principal)
				}
			}
			for op, n := range tc.calls {
				if got := s.srv.Calls(op); got != n {
					t.Errorf("%s calls %d, want %d", op, got, n)
				}
			}
			if l := s.logs.String(); strings.Contains(l, localcloud.DefaultSAMLPassword) || strings.Contains(l, "PHNhbWxw") || strings.Contains(l, "SAMLResponse") {
				t.Fatalf("a secret in the logs:\n%s", l)
			}
		})
	}
}

// The password from the keyring (bound to the URL) or asked; the
// deprecated provider_type works and is warned about.
func TestSAMLPasswordSources(t *testing.T) {
	s := newScripted(t, "alice", "")
	// Nothing stored and no terminal: a clear error.
	if _, err := s.login(t, "okta-admin"); err == nil || !strings.Contains(err.Error(), "Password of alice for okta") {
		t.Fatalf("no password: %v", err)
	}
	// Asked on the terminal.
	s.ui.answers = []string{localcloud.DefaultSAMLPassword}
	if _, err := s.login(t, "okta-admin"); err != nil {
		t.Fatal(err)
	}
	// From the keyring, as `user configure` stores it.
	st, err := s.a.StepOf("adfs-admin")
	if err != nil {
		t.Fatal(err)
	}
	pst := &auth.Step{Auth: s.a, Chain: st.Chain[1:]}
	p := pst.Entry().Spec.(*AWSSAMLProvider)
	key, env, _ := p.StoredKeys(pst, map[string]string{"username": "alice", "password": localcloud.DefaultSAMLPassword})
	if err := s.ks.Set(key, env); err != nil {
		t.Fatal(err)
	}
	asked := len(s.ui.asked)
	if _, err := s.login(t, "adfs-admin"); err != nil {
		t.Fatal(err)
	}
	if len(s.ui.asked) != asked {
		t.Fatalf("asked %v although the keyring has the password", s.ui.asked)
	}
	if !strings.Contains(s.logs.String(), "provider_type is deprecated") {
		t.Fatalf("no deprecation warning in\n%s", s.logs)
	}
	// Stored for another URL: not sent.
	env.Data["url"] = "https://adfs.elsewhere.example/adfs/ls/"
	_ = s.ks.Set(key, env)
	s.a.Force = true
	if _, err := s.login(t, "adfs-admin"); err == nil || !strings.Contains(err.Error(), "it is not sent there") {
		t.Fatalf("password bound to another URL: %v", err)
	}
}

// An unreachable IdP and an expired assertion: clear errors, no hang.
func TestSAMLFaults(t *testing.T) {
	s := newScripted(t, "alice", localcloud.DefaultSAMLPassword, localcloud.WithClock(func() time.Time { return time.Now().Add(-2 * time.Hour) }))
	if _, err := s.login(t, "okta-admin"); err == nil || !strings.Contains(err.Error(), "it expired at") {
		t.Fatalf("expired assertion: %v", err)
	}
	if n := s.srv.Calls("AssumeRoleWithSAML"); n != 0 {
		t.Fatalf("an expired assertion reached STS (%d)", n)
	}
	_ = s.srv.Close()
	if _, err := s.login(t, "okta-admin"); err == nil || !strings.Contains(err.Error(), "okta: Okta sign-in: Okta authentication at 127.0.0.1") {
		t.Fatalf("unreachable: %v", err)
	}
}
