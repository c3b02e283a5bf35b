package hooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/engine"
)

func TestParse(t *testing.T) {
	f, err := Parse("x", []byte("\ufeff# c\nidentity: \"prod-admin\"  # why\n\nprofile: ci, dev\r\n"))
	if err != nil || f.Identity != "prod-admin" || strings.Join(f.Profiles, "|") != "ci|dev" {
		t.Fatalf("%+v %v", f, err)
	}
	for src, want := range map[string]string{
		"identity prod":               "x:1: expected \"key: value\"",
		"identity: a\nidentity: b":    "x:2: identity is already set on line 1",
		"# only\nregion: us-east-1\n": "x:2: unknown key \"region\"",
		"":                            "x:1: empty identity file",
		"identity:":                   "x:1: identity: a name is required",
		"profile: a,,b":               "x:1: profile: empty profile name",
	} {
		if _, err := Parse("x", []byte(src)); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", src, err, want)
		}
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	os.MkdirAll(deep, 0o755)
	if got := Find(deep); got != "" {
		t.Errorf("Find = %q, want none", got)
	}
	os.WriteFile(filepath.Join(root, "a", FileName), []byte("identity: x\n"), 0o644)
	if got, want := Find(deep), filepath.Join(root, "a", FileName); got != want {
		t.Errorf("Find = %q, want %q", got, want)
	}
	os.Mkdir(filepath.Join(root, "a", "b", FileName), 0o755) // a directory is not a file
	if got, want := Find(deep), filepath.Join(root, "a", FileName); got != want {
		t.Errorf("Find = %q, want %q", got, want)
	}
}

func TestTrust(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	os.WriteFile(p, []byte("identity: a\n"), 0o644)
	tr := NewTrust(filepath.Join(dir, "data"))
	st := func(content string) TrustState {
		s, err := tr.State(p, []byte(content))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if st("identity: a\n") != Pending {
		t.Fatal("new file must be pending")
	}
	if err := tr.Allow(p, []byte("identity: a\n")); err != nil {
		t.Fatal(err)
	}
	if st("identity: a\n") != Allowed || st("identity: b\n") != Pending {
		t.Fatal("allow must cover exactly the content allowed")
	}
	fi, _ := os.Stat(tr.AllowDir())
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("allow dir mode %v", fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(tr.AllowDir())
	for _, e := range ents {
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("entry mode %v", info.Mode().Perm())
		}
	}
	tr.Allow(p, []byte("identity: b\n"))
	if st("identity: a\n") != Pending || len(mustRead(t, tr.AllowDir())) != 1 {
		t.Error("allowing new content must drop the old approval")
	}
	tr.Deny(p, []byte("identity: b\n"))
	if st("identity: b\n") != Denied || len(mustRead(t, tr.AllowDir())) != 0 {
		t.Error("deny must revoke")
	}
}

func mustRead(t *testing.T, d string) []os.DirEntry {
	e, err := os.ReadDir(d)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestRestore: what the identity overwrote or cleared comes back exactly;
// what the user changed since is left alone.
func TestRestore(t *testing.T) {
	base := map[string]string{"KEEP": "k", "OVER": "orig\x01\n'", "CLEARED": "secret", "USER": "u0"}
	env := engine.NewEnvironment()
	env.SetVar("OVER", "id")
	env.SetVar("NEW", "n")
	env.SetVar("USER", "id-user")
	env.UnsetVar("CLEARED")
	env.UnsetVar("ABSENT")
	applied, st := Apply(base, env, "/f", "id")
	if applied["OVER"] != "id" || applied["NEW"] != "n" {
		t.Fatal(applied)
	}
	if _, ok := applied["CLEARED"]; ok {
		t.Fatal("CLEARED still set")
	}
	tok := st.Encode()
	if strings.Contains(tok, "secret") || strings.Trim(tok, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		t.Fatalf("token not shell-safe: %q", tok)
	}
	st2, err := DecodeState(tok)
	if err != nil {
		t.Fatal(err)
	}
	applied["USER"] = "changed by user"
	got := st2.Restore(applied)
	want := map[string]string{"KEEP": "k", "OVER": "orig\x01\n'", "CLEARED": "secret", "USER": "changed by user"}
	if len(got) != len(want) {
		t.Errorf("restored %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	d := Diff(applied, got, []string{"OVER", "NEW", "USER", "CLEARED", "ABSENT"})
	if strings.Join(d.SetKeys(), ",") != "CLEARED,OVER" || strings.Join(d.UnsetKeys(), ",") != "NEW" {
		t.Errorf("diff set %v unset %v", d.SetKeys(), d.UnsetKeys())
	}
}

func TestRunFailureRestores(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), []byte("bogus\n"), 0o644)
	r := Run(Input{Environ: map[string]string{"A": "1"}, PWD: dir, Trust: NewTrust(t.TempDir()),
		Resolve: func(*IdentityFile, func(string) string) (*engine.Environment, error) { panic("not reached") }})
	if r.Status != "error" || !strings.Contains(r.Message, FileName+":1: expected") || r.File == "" {
		t.Errorf("%+v", r)
	}
}

// TestRunDisabled: with ATMOS_IDENTITY=off the file is not applied, nothing
// is said, and a previous identity is restored.
func TestRunDisabled(t *testing.T) {
	dir := t.TempDir()
	content := []byte("identity: prod\n")
	os.WriteFile(filepath.Join(dir, FileName), content, 0o644)
	trust := NewTrust(t.TempDir())
	if err := trust.Allow(filepath.Join(dir, FileName), content); err != nil {
		t.Fatal(err)
	}
	resolve := func(f *IdentityFile, base func(string) string) (*engine.Environment, error) {
		if base("ATMOS_IDENTITY") == "off" {
			return nil, ErrDisabled
		}
		env := engine.NewEnvironment()
		env.SetVar("ATMOS_IDENTITY", f.Identity)
		env.SetVar("AWS_PROFILE", f.Identity)
		return env, nil
	}
	on := Run(Input{Environ: map[string]string{"AWS_PROFILE": "mine"}, PWD: dir, Trust: trust, Resolve: resolve})
	if on.Status != "applied" || on.Diff.Set["AWS_PROFILE"] != "prod" {
		t.Fatalf("applied: %+v", on)
	}
	// The user turns atmos-auth off inside the tree; the next run restores.
	env := map[string]string{"AWS_PROFILE": "prod", "ATMOS_IDENTITY": "off"}
	off := Run(Input{Environ: env, State: on.State.Encode(), PWD: dir, Trust: trust, Resolve: resolve})
	if off.Status != "disabled" || off.Message != "" || off.Diff.Set["AWS_PROFILE"] != "mine" {
		t.Fatalf("disabled: %+v diff %+v", off, off.Diff)
	}
}
