package aws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/config"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
)

func noEnv(string) string { return "" }

// TestManagedFilesCarryUserProfiles: the user's profiles, sso-session and
// default survive in the managed file; a managed name wins without a
// duplicate section; unsafe sections are left out and named; an edit of
// the user file rewrites the managed one; the credentials file is never read.
func TestManagedFilesCarryUserProfiles(t *testing.T) {
	root := t.TempDir()
	home := filepath.Join(root, "home")
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	yaml := filepath.Join(root, "atmos.yaml")
	body := "auth:\n  identities:\n    prod:\n      kind: aws/user\n      credentials: {region: us-east-1}\n"
	if err := os.WriteFile(yaml, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadFile(yaml, config.LoadOptions{Kinds: Kinds, Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	user := filepath.Join(home, ".aws", "config")
	write := func(s string) {
		if err := os.WriteFile(user, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("# mine\r\n[default]\r\nregion = eu-west-3\r\n\r\n[profile legacy]\naws_access_key_id = AKIALEGACY\naws_secret_access_key = legacysecret\n" +
		"[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n" +
		"[profile prod]\nregion = ap-south-1\n" +
		"[profile 'prod']\nregion = us-west-1\n" +
		"  [profile prod]\nregion = us-west-2\n" +
		"[profile sneaky]\nx = 1\r[profile prod]\nregion = sa-east-1\n" +
		"[profile legacy]\nregion = eu-north-1\n")
	if err := os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte("[legacy]\naws_secret_access_key = NEVERCOPIED\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := config.Dirs{Config: filepath.Join(root, "cfg")}
	env := func(k string) string {
		return map[string]string{"HOME": home}[k]
	}
	if _, err := EnsureManagedAWSFiles(cfg, d, "/usr/bin/atmos-auth", env); err != nil {
		t.Fatal(err)
	}
	f := ManagedAWSFiles(cfg, d)
	read := func() string {
		b, err := os.ReadFile(f.Config)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	got := read()
	for _, want := range []string{"\n[default]\nregion = eu-west-3\n", "[profile legacy]\naws_access_key_id = AKIALEGACY\n", "[sso-session corp]\n", "# mine\n",
		"# left out [profile prod]: an identity", "# left out the section at [profile 'prod']", "# left out the section at [profile prod]", "# left out [profile sneaky]: a line holds",
		"# left out [profile legacy]: a second section"} {
		if !strings.Contains(got, want) {
			t.Errorf("managed config lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "[profile prod]\n"); n != 1 {
		t.Errorf("[profile prod] %d times:\n%s", n, got)
	}
	for _, bad := range []string{"ap-south-1", "us-west-1", "us-west-2", "sa-east-1", "eu-north-1", "\r", "NEVERCOPIED"} {
		if strings.Contains(got, bad) {
			t.Errorf("managed config holds %q:\n%s", bad, got)
		}
	}
	if b, _ := os.ReadFile(f.Credentials); strings.Contains(string(b), "NEVERCOPIED") {
		t.Error("the user's credentials file was copied")
	}
	// The Go SDK reads the result: the identity's profile is the managed one.
	sc, err := awsconfig.LoadSharedConfigProfile(t.Context(), "prod", func(o *awsconfig.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = []string{f.Config}, []string{f.Credentials}
	})
	if err != nil || sc.Region != "us-east-1" || sc.CredentialProcess == "" {
		t.Fatalf("prod: %+v %v", sc, err)
	}
	sc, err = awsconfig.LoadSharedConfigProfile(t.Context(), "legacy", func(o *awsconfig.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = []string{f.Config}, []string{f.Credentials}
	})
	if err != nil || sc.Credentials.AccessKeyID != "AKIALEGACY" {
		t.Fatalf("legacy: %+v %v", sc, err)
	}

	// Nothing changed: not rewritten. An edit: rewritten at the next use.
	st0, _ := os.Stat(f.Config)
	if _, err := EnsureManagedAWSFiles(cfg, d, "/usr/bin/atmos-auth", env); err != nil {
		t.Fatal(err)
	}
	if st1, _ := os.Stat(f.Config); !os.SameFile(st0, st1) {
		t.Fatal("rewritten although nothing changed")
	}
	write("[profile added]\nregion = eu-central-1\n")
	if _, err := EnsureManagedAWSFiles(cfg, d, "/usr/bin/atmos-auth", env); err != nil {
		t.Fatal(err)
	}
	if got := read(); !strings.Contains(got, "[profile added]") || strings.Contains(got, "legacy") {
		t.Fatalf("edit not carried:\n%s", got)
	}

	// AWS_CONFIG_FILE names the user's file; our own managed path never.
	other := filepath.Join(root, "other-config")
	if err := os.WriteFile(other, []byte("[profile other]\nregion = eu-west-2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{other: "[profile other]", f.Config: "[profile added]"} {
		env := func(k string) string { return map[string]string{"HOME": home, "AWS_CONFIG_FILE": path}[k] }
		if _, err := EnsureManagedAWSFiles(cfg, d, "/usr/bin/atmos-auth", env); err != nil {
			t.Fatal(err)
		}
		if got := read(); !strings.Contains(got, want) || strings.Count(got, "managed file") != 1 {
			t.Fatalf("AWS_CONFIG_FILE=%s:\n%s", path, got)
		}
	}

	// Not a regular file: named, nothing copied, no hang.
	if err := os.Remove(user); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", user); err != nil {
		t.Fatal(err)
	}
	if _, err := EnsureManagedAWSFiles(cfg, d, "/usr/bin/atmos-auth", env); err != nil {
		t.Fatal(err)
	}
	if got := read(); !strings.Contains(got, "# not read: ") {
		t.Fatalf("unreadable user file:\n%s", got)
	}
}
