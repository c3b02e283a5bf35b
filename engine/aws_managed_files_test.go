package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestManagedFilesPerConfig: two projects with the same identity names get
// separate managed files, and credential_process names each atmos.yaml by
// its absolute path even when it was found relative to the working dir.
func TestManagedFilesPerConfig(t *testing.T) {
	root := t.TempDir()
	body := "auth:\n  identities:\n    u:\n      kind: aws/user\n      credentials: {region: us-east-1}\n"
	for _, p := range []string{"a", "b"} {
		if err := os.MkdirAll(filepath.Join(root, p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p, "atmos.yaml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(filepath.Join(root, "a"))
	d := Dirs{Config: filepath.Join(root, "cfg")}
	load := func(path string, profiles ...string) *Config {
		cfg, err := LoadFile(path, LoadOptions{Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Profiles = profiles
		return cfg
	}
	a := load("atmos.yaml") // relative, as the walk-up search returns it
	b := load(filepath.Join(root, "b", "atmos.yaml"))
	fa, fb := ManagedAWSFiles(a, d), ManagedAWSFiles(b, d)
	if fa.Config == fb.Config || filepath.Dir(fa.Config) == filepath.Dir(fb.Config) {
		t.Fatalf("projects share managed files: %s", fa.Config)
	}
	if fp := ManagedAWSFiles(load("atmos.yaml", "ci"), d); fp.Config == fa.Config {
		t.Fatal("a profile set shares the base configuration's managed files")
	}
	if !strings.HasPrefix(filepath.Base(filepath.Dir(fa.Config)), "a-") {
		t.Fatalf("unreadable dir name: %s", fa.Config)
	}
	for _, c := range []*Config{a, b} {
		if _, err := EnsureManagedAWSFiles(c, d, "/usr/bin/atmos-auth"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(fa.Config)
	if err != nil {
		t.Fatal(err)
	}
	want := "--config '" + filepath.Join(root, "a", "atmos.yaml") + "' credential-process --identity 'u'"
	if !strings.Contains(string(got), want) {
		t.Fatalf("credential_process does not name the absolute config:\n%s", got)
	}
	st, _ := os.Stat(fa.Config)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
}

// TestFingerprintIgnoresDefault: marking an identity default does not throw
// its cached credentials away; changing its role does.
func TestFingerprintIgnoresDefault(t *testing.T) {
	dir := t.TempDir()
	load := func(body string) []*Entry {
		p := filepath.Join(dir, "atmos.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadFile(p, LoadOptions{Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := cfg.Chain("r")
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	const tmpl = "auth:\n  identities:\n    u: {kind: aws/user}\n    r:\n      kind: aws/assume-role\n      %s\n      via: {identity: u}\n      principal: {assume_role: \"arn:aws:iam::123456789012:role/%s\"}\n"
	a := fingerprint(load(strings.ReplaceAll(strings.Replace(tmpl, "%s", "default: false", 1), "%s", "A")))
	b := fingerprint(load(strings.ReplaceAll(strings.Replace(tmpl, "%s", "default: true", 1), "%s", "A")))
	c := fingerprint(load(strings.ReplaceAll(strings.Replace(tmpl, "%s", "default: true", 1), "%s", "B")))
	if a != b {
		t.Fatal("default: changed the fingerprint")
	}
	if b == c {
		t.Fatal("a different role kept the fingerprint")
	}
}
