package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/config"
)

// FuzzLoad feeds arbitrary bytes to the loader and validator: they may
// reject the input but must never panic or hang.
//
//	go test ./engine -run '^$' -fuzz FuzzLoad -fuzztime 60s
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/broken/*.yaml")
	seeds = append(seeds, "../testdata/reference/atmos.yaml")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("auth:\n  identities:\n    a: &x {kind: ambient}\n    b: *x\n    c: {<<: *x, default: true}\n"))
	f.Add([]byte("auth: {providers: {p: {kind: gcp/adc, spec: {scopes: [a, {b: c}]}}}}"))
	f.Add([]byte("import: [\"**/*\", ./x, /etc/*, ../*]\nauth: {providers: !include atmos.yaml .auth, keyring: {spec: {path: !repo-root /d}}, identities: {a: {kind: aws/user, credentials: {region: !exec x}}}}"))
	dir := f.TempDir()
	getenv := func(k string) string {
		if k == "SET" {
			return "value"
		}
		return ""
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "atmos.yaml")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Skip()
		}
		cfg, err := config.LoadFile(p, config.LoadOptions{Kinds: cloud.Kinds(), Getenv: getenv})
		if err != nil {
			if _, ok := err.(*config.ConfigError); !ok {
				t.Fatalf("loader returned %T, want *ConfigError: %v", err, err)
			}
			return
		}
		verr := cfg.Validate()
		for _, n := range cfg.IdentityOrder {
			_, _ = cfg.Chain(n)
			_ = config.Describe(cfg.Identities[n])
		}
		for _, n := range cfg.ProviderOrder {
			_ = config.Describe(cfg.Providers[n])
		}
		if verr != nil {
			if _, ok := verr.(*config.ConfigError); !ok {
				t.Fatalf("Validate returned %T", verr)
			}
		}
	})
}
