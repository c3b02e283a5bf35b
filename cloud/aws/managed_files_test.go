package aws

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
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
	d := config.Dirs{Config: filepath.Join(root, "cfg")}
	load := func(path string, profiles ...string) *config.Config {
		cfg, err := config.LoadFile(path, config.LoadOptions{Kinds: Kinds, Getenv: func(string) string { return "" }})
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
	for _, c := range []*config.Config{a, b} {
		if _, err := EnsureManagedAWSFiles(c, d, "/usr/bin/atmos-auth", noEnv); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(fa.Config)
	if err != nil {
		t.Fatal(err)
	}
	want := "--config '" + filepath.Join(root, "a", "atmos.yaml") + "' credential-process --identity u"
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
	load := func(body string) []*config.Entry {
		p := filepath.Join(dir, "atmos.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.LoadFile(p, config.LoadOptions{Kinds: Kinds, Getenv: func(string) string { return "" }})
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
	a := auth.Fingerprint(load(strings.ReplaceAll(strings.Replace(tmpl, "%s", "default: false", 1), "%s", "A")))
	b := auth.Fingerprint(load(strings.ReplaceAll(strings.Replace(tmpl, "%s", "default: true", 1), "%s", "A")))
	c := auth.Fingerprint(load(strings.ReplaceAll(strings.Replace(tmpl, "%s", "default: true", 1), "%s", "B")))
	if a != b {
		t.Fatal("default: changed the fingerprint")
	}
	if b == c {
		t.Fatal("a different role kept the fingerprint")
	}
}

// TestManagedFilesHostilePaths: a repository cloned into (or holding) a
// directory whose name carries INI or shell syntax cannot add a profile to
// the managed file nor change what credential_process runs, for the Go SDK
// (sh -c) and for botocore (shlex): each reads back exactly the arguments
// written, or the path is refused before anything is written.
func TestManagedFilesHostilePaths(t *testing.T) {
	root := t.TempDir()
	exeDir := filepath.Join(root, "bin ;x #y")
	if err := os.MkdirAll(exeDir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(exeDir, "atmos auth")
	argsOut := filepath.Join(root, "args")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > " + shQuote(argsOut) + "\n"
	if err := os.WriteFile(exe, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	body := "auth:\n  identities:\n    u:\n      kind: aws/user\n      credentials: {region: us-east-1}\n"
	names := []string{
		"a #b", "a ;b", "a\t#b", "a\t;b", "a' #b", "x' ; touch pwned ; '", "$(touch pwned)", "`touch pwned`",
		"a\"b", `a\b`, "[profile evil]", "a = b", "#start", ";start", "a  #  ;",
	}
	refused := []string{"x\n[profile evil]\ncredential_process = touch pwned\n#", "a\rb"}
	d := config.Dirs{Config: filepath.Join(root, "cfg")}
	var botoFiles, botoWant []string
	for i, name := range append(names, refused...) {
		dir := filepath.Join(root, strings.Repeat("d", i+1), name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "atmos.yaml")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.LoadFile(path, config.LoadOptions{Kinds: Kinds, Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Profiles = []string{"p #1"}
		_, err = EnsureManagedAWSFiles(cfg, d, exe, noEnv)
		f := ManagedAWSFiles(cfg, d)
		if i >= len(names) {
			if !errors.Is(err, ErrNotINISafe) {
				t.Fatalf("%q: want ErrNotINISafe, got %v", name, err)
			}
			if _, serr := os.Stat(f.Config); serr == nil {
				t.Fatalf("%q: a managed file was written", name)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		want := []string{"--config", path, "--profile", "p #1", "credential-process", "--identity", "u"}
		// The Go SDK's reading, run the way it runs it (sh -c).
		p, err := awsconfig.LoadSharedConfigProfile(context.Background(), "u", func(o *awsconfig.LoadSharedConfigOptions) {
			o.ConfigFiles = []string{f.Config}
		})
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if _, err := awsconfig.LoadSharedConfigProfile(context.Background(), "evil", func(o *awsconfig.LoadSharedConfigOptions) {
			o.ConfigFiles = []string{f.Config}
		}); err == nil {
			t.Fatalf("%q: a profile named evil appeared", name)
		}
		_ = os.Remove(argsOut)
		cmd := exec.Command("sh", "-c", p.CredentialProcess)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%q: sh -c %q: %v %s", name, p.CredentialProcess, err, out)
		}
		got, _ := os.ReadFile(argsOut)
		if g := strings.Split(strings.TrimSuffix(string(got), "\x00"), "\x00"); strings.Join(g, "|") != strings.Join(want, "|") {
			t.Fatalf("%q: Go SDK + sh ran %q", name, g)
		}
		botoFiles = append(botoFiles, f.Config)
		botoWant = append(botoWant, strings.Join(append([]string{exe}, want...), "\x00"))
		if _, err := os.Stat(filepath.Join(root, "pwned")); err == nil {
			t.Fatalf("%q: code ran", name)
		}
	}
	// botocore's reading (the aws CLI's), split the way it splits it; one
	// interpreter for every file.
	py := `import sys, shlex, botocore.session
out = []
for f in sys.argv[1:]:
    s = botocore.session.Session(profile="u"); s.set_config_variable("config_file", f)
    out.append("\0".join(shlex.split(s.get_scoped_config()["credential_process"])))
print("\1".join(out), end="")`
	out, err := exec.Command("python3", append([]string{"-c", py}, botoFiles...)...).Output()
	if err != nil {
		t.Fatalf("botocore: %v", err)
	}
	for i, g := range strings.Split(string(out), "\x01") {
		if g != botoWant[i] {
			t.Fatalf("%q: botocore reads %q", names[i], strings.Split(g, "\x00"))
		}
	}
}
