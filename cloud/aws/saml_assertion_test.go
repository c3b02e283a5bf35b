package aws

import (
	"context"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// A real signed response (the local cloud's IdP through the Okta driver),
// then the same response changed in the ways a forged or misdirected one
// would be: each refused before STS, with what is wrong.
func TestSAMLResponseChecks(t *testing.T) {
	s := newScripted(t, "alice", localcloud.DefaultSAMLPassword)
	st, err := s.a.StepOf("okta-admin")
	if err != nil {
		t.Fatal(err)
	}
	pst := &auth.Step{Auth: s.a, Chain: st.Chain[1:]}
	resp, err := samlOkta(context.Background(), pst, pst.Entry().Spec.(*AWSSAMLProvider))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	a, err := parseSAMLResponse(resp, now, "")
	if err != nil {
		t.Fatal(err)
	}
	if !a.SignatureChecked || a.Subject != "alice" || len(a.Roles) != 2 || a.MaxDuration != time.Hour || a.Roles[0].Principal != "arn:aws:iam::222222222222:saml-provider/localcloud" {
		t.Fatalf("parsed %+v", a)
	}
	raw, _ := base64.StdEncoding.DecodeString(resp)
	edit := func(f func(string) string) string { return base64.StdEncoding.EncodeToString([]byte(f(string(raw)))) }
	for _, tc := range []struct {
		name string
		resp string
		now  time.Time
		want string
	}{
		{"role changed after signing", edit(func(x string) string { return strings.Replace(x, "role/SAMLReadOnly", "role/OrgAdmin", 1) }), now, "does not verify"},
		{"unsigned", edit(func(x string) string {
			return regexp.MustCompile(`(?s)<ds:Signature.*</ds:Signature>`).ReplaceAllString(x, "")
		}), now, "neither the response nor its assertion is signed"},
		{"expired", resp, now.Add(time.Hour), "it expired at"},
		{"not yet valid", resp, now.Add(-time.Hour), "it is not valid before"},
		{"destination elsewhere", edit(func(x string) string {
			return strings.Replace(x, `Destination="https://signin.aws.amazon.com/saml"`, `Destination="https://evil.example/saml"`, 1)
		}), now, `its Destination "https://evil.example/saml" is not AWS's SAML endpoint`},
		{"doctype", base64.StdEncoding.EncodeToString([]byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>` + string(raw))), now, "DOCTYPE"},
		{"not base64", "%%%", now, "not base64"},
		{"not SAML", base64.StdEncoding.EncodeToString([]byte("<html/>")), now, "not a SAML 2.0 Response"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseSAMLResponse(tc.resp, tc.now, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestAWSSAMLEndpoints(t *testing.T) {
	for u, want := range map[string]bool{
		"https://signin.aws.amazon.com/saml":              true,
		"https://signin.aws.amazon.com:443/saml":          true,
		"https://us-east-2.signin.aws.amazon.com/saml":    true,
		"https://signin.amazonaws-us-gov.com/saml":        true,
		"https://cn-north-1.signin.amazonaws.cn/saml":     true,
		"http://signin.aws.amazon.com/saml":               false,
		"https://signin.aws.amazon.com.evil.example/saml": false,
		"https://evil.example/signin.aws.amazon.com/saml": false,
		"https://a.b.signin.aws.amazon.com/saml":          false,
		"https://user@signin.aws.amazon.com/saml":         false,
		"https://signin.aws.amazon.com/console":           false,
		"http://127.0.0.1:9/saml":                         false,
	} {
		if got := isAWSSAMLEndpoint(u, ""); got != want {
			t.Errorf("%s: %v, want %v", u, got, want)
		}
	}
	if !isAWSSAMLEndpoint("http://127.0.0.1:9/saml", samlTestACS(func(string) string { return "http://127.0.0.1:9/saml" })) {
		t.Error("the loopback test endpoint is refused")
	}
	if samlTestACS(func(string) string { return "https://evil.example/saml" }) != "" {
		t.Error("a non-loopback test endpoint is accepted")
	}
}
