package aws

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestPermissionSetSessionDuration: Atmos's session.duration on a
// permission set bounds how long atmos-auth uses its credentials (IAM
// Identity Center decides their own lifetime): the cached expiry is the
// shorter of the two, so the step renews after it.
func TestPermissionSetSessionDuration(t *testing.T) {
	yaml := strings.Replace(chainYAML, "    base-admin:\n      kind: aws/permission-set\n",
		"    base-admin:\n      kind: aws/permission-set\n      session: {duration: 20m}\n", 1)
	f := newFixture(t, yaml)
	start := f.clock.Now()
	res, err := f.a.Login(context.Background(), "base-admin")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Credentials.Expiration, start.Add(20*time.Minute); !got.Equal(want) {
		t.Fatalf("expiration %s, want %s (session.duration)", got, want)
	}
	wantCalls(t, f, map[string]int{"GetRoleCredentials": 1})
	// Past 20m (less the renewal margin) the step is renewed.
	f.clock.Advance(16 * time.Minute)
	if _, err := f.a.Login(context.Background(), "base-admin"); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, map[string]int{"GetRoleCredentials": 2})

	// Without it: the expiry AWS gives (longer), no early renewal.
	g := newFixture(t, chainYAML)
	res, err = g.a.Login(context.Background(), "base-admin")
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials.Expiration.Sub(g.clock.Now()) <= 20*time.Minute {
		t.Fatalf("expiration %s without session.duration", res.Credentials.Expiration)
	}
}

// TestSessionFieldKeepsFingerprints: the session blocks added to
// aws/permission-set and aws/assume-role are absent from the spec's JSON
// (the chain fingerprint) while unset, so credentials cached before they
// existed stay valid; set, they are part of it.
func TestSessionFieldKeepsFingerprints(t *testing.T) {
	for _, spec := range []any{&AWSPermissionSet{}, &AWSAssumeRole{}} {
		b, _ := json.Marshal(spec)
		if strings.Contains(string(b), `"Session":`) {
			t.Errorf("%T: unset session is in the fingerprint: %s", spec, b)
		}
	}
	set := &AWSAssumeRole{}
	set.Session.Duration.Raw = "30m"
	if b, _ := json.Marshal(set); !strings.Contains(string(b), `"Session":`) {
		t.Errorf("a set session.duration is not in the fingerprint: %s", b)
	}
}
