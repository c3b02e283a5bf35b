package auth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// secretCreds holds payload values that must never be printed or logged.
func secretCreds() (*Credentials, []string) {
	secrets := []string{"s3cr3t-token-value-0001", "s3cr3t-key-value-0002", "s3cr3t-session-value-0003"}
	return &Credentials{
		Type:       "test/kind",
		Expiration: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
		Principal:  "arn:test:principal/who",
		Account:    "acct-123456",
		Region:     "test-region-1",
		Role:       "TestRole",
		Payload:    map[string]string{PayloadToken: secrets[0], "key": secrets[1], "session": secrets[2]},
	}, secrets
}

// TestCredentialsNeverFormatSecrets: every fmt verb and slog handler shows
// the envelope's descriptive fields and never a payload value, whether the
// credentials are a value, a pointer or a field of another struct.
func TestCredentialsNeverFormatSecrets(t *testing.T) {
	c, secrets := secretCreds()
	rec := StepRecord{V: stepVersion, Identity: "id", Credentials: *c}
	res := Result{Identity: "id", Credentials: c}
	out := map[string]string{}
	for _, v := range []struct {
		name string
		arg  any
	}{{"value", *c}, {"pointer", c}, {"record", rec}, {"result", res}, {"result pointer", &res}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			out[v.name+" "+verb] = fmt.Sprintf(verb, v.arg)
		}
		out[v.name+" Sprint"] = fmt.Sprint(v.arg)
		out[v.name+" Sprintln"] = fmt.Sprintln("creds", v.arg)
		out[v.name+" Errorf"] = fmt.Errorf("failed with %v", v.arg).Error()
	}
	out["String"] = c.String()
	out["GoString"] = c.GoString()
	for _, h := range []struct {
		name string
		new  func(*bytes.Buffer) slog.Handler
	}{
		{"text", func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }},
		{"json", func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }},
	} {
		var b bytes.Buffer
		l := slog.New(h.new(&b))
		l.Info("value", "creds", *c)
		l.Info("pointer", "creds", c)
		l.Info("any", slog.Any("creds", c))
		l.Info("group", slog.Group("g", "creds", c))
		l.With("creds", c).Info("with")
		l.WithGroup("g").Info("with group", "creds", *c)
		out["slog "+h.name] = b.String()
	}
	if testing.Verbose() {
		for k, s := range out {
			t.Logf("%s: %s", k, s)
		}
	}
	for k, s := range out {
		for _, sec := range secrets {
			if strings.Contains(s, sec) {
				t.Errorf("%s shows a payload value: %s", k, s)
			}
		}
		if !strings.Contains(s, "test/kind") || !strings.Contains(s, "acct-123456") {
			t.Errorf("%s does not describe the credentials (type, account): %s", k, s)
		}
	}
}

// TestCredentialsJSONHoldsPayload: JSON is the cache format, so it keeps
// the payload (only printing and logging leave it out).
func TestCredentialsJSONHoldsPayload(t *testing.T) {
	c, secrets := secretCreds()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range secrets {
		if !bytes.Contains(b, []byte(sec)) {
			t.Fatalf("JSON lost %q: %s", sec, b)
		}
	}
	var back Credentials
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Secret(PayloadToken) != secrets[0] || back.Principal != c.Principal || back.Account != c.Account || !back.Expiration.Equal(c.Expiration) {
		t.Fatalf("round trip: %+v", back)
	}
}

func TestCredentialsSecret(t *testing.T) {
	c, secrets := secretCreds()
	if got := c.Secret(PayloadToken); got != secrets[0] {
		t.Fatalf("Secret(token) = %q", got)
	}
	if got := c.Secret("absent"); got != "" {
		t.Fatalf("Secret(absent) = %q", got)
	}
	var none *Credentials
	if got := none.Secret(PayloadToken); got != "" {
		t.Fatalf("nil Secret = %q", got)
	}
	if got := (&Credentials{}).Secret(PayloadToken); got != "" {
		t.Fatalf("no payload Secret = %q", got)
	}
}
