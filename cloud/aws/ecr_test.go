package aws

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// aws/ecr against moto_server (an ECR implementation of its own): the
// registry moto names gets moto's password in the identity's managed
// docker configuration; moto's token carries a fixed past expiry, so the
// integration is not current and the next login asks again.
func TestECRAgainstMoto(t *testing.T) {
	url := testenv.StartMoto(t)
	yaml := `auth:
  identities:
    user:
      kind: aws/user
      credentials: {access_key_id: AKIAMOTOMOTOMOTO0001, secret_access_key: motosecret, region: us-east-1}
  integrations:
    app/ecr:
      kind: aws/ecr
      via: {identity: user}
      spec:
        registry: {account_id: "123456789012", region: us-east-1}
`
	cfg := loadTestConfig(t, yaml, "")
	a := &auth.Authenticator{Config: cfg, Dirs: config.Dirs{Cache: t.TempDir(), Config: t.TempDir()}, Getenv: func(k string) string {
		if k == "AWS_ENDPOINT_URL" {
			return url
		}
		return ""
	}}
	res, err := a.Login(context.Background(), "user")
	if err != nil {
		t.Fatal(err)
	}
	entries := auth.IntegrationsOf(cfg, "user")
	if len(a.PendingIntegrations(entries, "/bin/atmos-auth")) != 1 {
		t.Fatal("a fresh integration is not pending")
	}
	outs := a.RunIntegrations(context.Background(), entries, res.Credentials, "/bin/atmos-auth", true)
	if len(outs) != 1 || outs[0].Err != nil {
		t.Fatalf("outcomes %+v", outs)
	}
	dir := managedDockerDir(cfg, a.Dirs, "user")
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Auths map[string]struct{ Auth string }
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Auths) != 1 {
		t.Fatalf("docker config %s: %v", b, err)
	}
	for host, e := range doc.Auths {
		raw, _ := base64.StdEncoding.DecodeString(e.Auth)
		if !strings.HasSuffix(host, ".dkr.ecr.us-east-1.amazonaws.com") || !strings.HasPrefix(string(raw), "AWS:") || !strings.HasSuffix(string(raw), "-auth-token") {
			t.Errorf("entry %s = %q", host, raw)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "config.json")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v %v", st.Mode(), err)
	}
	var state registryState
	if err := auth.ReadJSON(filepath.Join(auth.CacheDir(a.Cache(), "integrations"), auth.FileName("app/ecr")+".json"), &state); err != nil || state.Expiration.After(time.Now()) {
		t.Errorf("state %+v %v: moto's token expired long ago", state, err)
	}
	if len(a.PendingIntegrations(entries, "/bin/atmos-auth")) != 1 {
		t.Error("an expired registry token is not pending")
	}
}
