package auth

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/atmos-auth/atmos-auth/config"
)

// TestFingerprintIgnoresSelectionFields: alias, tags, env, required and
// default pick or decorate an identity, never change its credentials:
// adding them keeps the chain's fingerprint (and the cache written before
// them) while a field that does change credentials changes it.
func TestFingerprintIgnoresSelectionFields(t *testing.T) {
	fp := func(body string) string {
		t.Helper()
		p := filepath.Join(t.TempDir(), "atmos.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.LoadFile(p, config.LoadOptions{Kinds: testKinds()})
		if err != nil {
			t.Fatal(err)
		}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		ch, err := cfg.Chain("x")
		if err != nil {
			t.Fatal(err)
		}
		return Fingerprint(ch)
	}
	plain := fp("auth:\n  providers:\n    p: {kind: test/provider}\n  identities:\n    x: {kind: test/identity, via: {provider: p}}\n")
	decorated := fp("auth:\n  providers:\n    p: {kind: test/provider, default: true, tags: [a]}\n  identities:\n    x:\n      kind: test/identity\n      via: {provider: p}\n      alias: ex\n      tags: [b]\n      required: true\n      default: true\n      env: [{key: K, value: v}]\n")
	if plain != decorated {
		t.Errorf("selection fields changed the fingerprint")
	}
	if changed := fp("auth:\n  providers:\n    p: {kind: test/provider}\n  identities:\n    x: {kind: test/identity, via: {provider: p}, role: other}\n"); changed == plain {
		t.Errorf("a credential field left the fingerprint unchanged")
	}
}

type testProvider struct {
	config.ProviderBase `yaml:",inline"`
	URL                 string `yaml:"url"`
}

type testIdentity struct {
	config.IdentityBase `yaml:",inline"`
	Role                string `yaml:"role"`
}

func testKinds() *config.Registry {
	return config.NewRegistry(config.Cloud{Name: "test", Creds: map[string]string{"t": "test credentials"}, Kinds: []*config.KindInfo{
		{Name: "test/provider", Role: config.RoleProvider, Cloud: "test", Produces: "t", New: func() any { return &testProvider{} }},
		{Name: "test/identity", Role: config.RoleIdentity, Cloud: "test", Produces: "t", Accepts: []string{"t"}, New: func() any { return &testIdentity{} }},
	}})
}
