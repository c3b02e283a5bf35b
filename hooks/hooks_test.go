package hooks

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/environ"
)

func TestParse(t *testing.T) {
	f, err := Parse("x", []byte("\ufeff# c\nidentity: \"prod-admin\"  # why\n\nprofile: ci, dev\r\n"))
	if err != nil || f.Identity != "prod-admin" || strings.Join(f.Profiles, "|") != "ci|dev" {
		t.Fatalf("%+v %v", f, err)
	}
	for src, want := range map[string]string{
		"identity prod":                  "x:1:1: expected \"key: value\"",
		"identity: a\nidentity: b":       "x:2:1: identity is already set on line 1",
		"profile: a\n  profiles: b":      "x:2:3: profile is already set on line 1",
		"# only\n  region: us-east-1\n":  "x:2:3: unknown key \"region\"",
		"":                               "x:1:1: empty identity file",
		"identity:":                      "x:1:1: identity: a name is required",
		"profile: a,,b":                  "x:1:1: profile: empty profile name",
		"\ufeff\tSECRET=hunter2\x00B: x": "x:1:2: unknown key (allowed",
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
	sub := func(content string) Subject {
		return Subject{Path: p, Content: []byte(content), Config: "/c/atmos.yaml"}
	}
	st := func(content string) TrustState {
		s, err := tr.State(sub(content))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if st("identity: a\n") != Pending {
		t.Fatal("new file must be pending")
	}
	if err := tr.Allow(sub("identity: a\n")); err != nil {
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
	tr.Allow(sub("identity: b\n"))
	if st("identity: a\n") != Pending || len(mustRead(t, tr.AllowDir())) != 1 {
		t.Error("allowing new content must drop the old approval")
	}
	tr.Deny(sub("identity: b\n"))
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
	env := environ.New()
	env.SetVar("OVER", "id")
	env.SetVar("NEW", "n")
	env.SetVar("USER", "id-user")
	env.UnsetVar("CLEARED")
	env.UnsetVar("ABSENT")
	applied, st := Apply(base, env, "/f", "id", nil)
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
	p := filepath.Join(dir, FileName)
	os.WriteFile(p, []byte("bogus\n"), 0o644)
	trust := NewTrust(t.TempDir())
	if err := trust.Allow(Subject{Path: p, Content: []byte("bogus\n")}); err != nil {
		t.Fatal(err)
	}
	r := Run(Input{Environ: map[string]string{"A": "1"}, PWD: dir, Trust: trust,
		Resolve: func(*IdentityFile, func(string) string) (*environ.Environment, error) { panic("not reached") }})
	if r.Status != "error" || !strings.Contains(r.Message, FileName+":1:1: expected") || r.File == "" {
		t.Errorf("%+v", r)
	}
}

// TestRunPendingNeverQuoted: a file that is not allowed is neither parsed
// nor quoted, whatever it holds.
func TestRunPendingNeverQuoted(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), []byte("HUNTER2_SECRET: x\nSECRET=hunter2\x00\x1b[31m\n"), 0o644)
	r := Run(Input{PWD: dir, Trust: NewTrust(t.TempDir()),
		Resolve: func(*IdentityFile, func(string) string) (*environ.Environment, error) { panic("not reached") }})
	if r.Status != "pending" || strings.Contains(r.Message, "unter2") || strings.Contains(r.Message, "\x1b") {
		t.Errorf("%+v", r)
	}
}

// TestTrustSubject: an approval covers one path as found (not what a link
// points to), one content and one configuration.
func TestTrustSubject(t *testing.T) {
	tr := NewTrust(t.TempDir())
	a := Subject{Path: "/p/a/" + FileName, Content: []byte("identity: x\n"), Config: "/p/a/atmos.yaml"}
	if err := tr.Allow(a); err != nil {
		t.Fatal(err)
	}
	for _, s := range []Subject{
		{Path: "/p/evil/" + FileName, Content: a.Content, Config: a.Config},
		{Path: a.Path, Content: a.Content, Config: "/p/a/sub/atmos.yaml"},
		{Path: a.Path, Content: a.Content},
		{Path: a.Path, Content: []byte("identity: y\n"), Config: a.Config},
	} {
		if st, err := tr.State(s); err != nil || st != Pending {
			t.Errorf("%+v: %v %v, want pending", s, st, err)
		}
	}
	if st, _ := tr.State(a); st != Allowed {
		t.Errorf("allowed subject: %v", st)
	}
	// deny revokes every approval of the path, whatever its bytes.
	odd := Subject{Path: "/p/\xff\x1b\n/" + FileName, Content: []byte("identity: x\n")}
	tr.Allow(odd)
	tr.Deny(Subject{Path: odd.Path, Content: []byte("identity: y\n")})
	if st, _ := tr.State(odd); st != Pending {
		t.Errorf("deny left the approval of a non-UTF-8 path: %v", st)
	}
	if _, err := tr.State(Subject{Path: "rel/" + FileName}); err == nil {
		t.Error("a relative path has a key")
	}
}

// TestRunDisabled: with ATMOS_IDENTITY=off the file is not applied, nothing
// is said, and a previous identity is restored.
func TestRunDisabled(t *testing.T) {
	dir := t.TempDir()
	content := []byte("identity: prod\n")
	os.WriteFile(filepath.Join(dir, FileName), content, 0o644)
	trust := NewTrust(t.TempDir())
	if err := trust.Allow(Subject{Path: filepath.Join(dir, FileName), Content: content}); err != nil {
		t.Fatal(err)
	}
	resolve := func(f *IdentityFile, base func(string) string) (*environ.Environment, error) {
		if base("ATMOS_IDENTITY") == "off" {
			return nil, ErrDisabled
		}
		env := environ.New()
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

// TestInheritable: what a child shell inherits names the variables and
// the hashes of what the identity set, never a saved value; a child that
// takes it over removes the variables (those that had values are named
// as lost), and a corrupt inherited state is removed after one message.
func TestInheritable(t *testing.T) {
	base := map[string]string{"AWS_ACCESS_KEY_ID": "AKIASAVED", "AWS_SECRET_ACCESS_KEY": "saved-secret", "HOME": "/h"}
	env := environ.New()
	env.SetVar("AWS_PROFILE", "prod")
	env.UnsetVar("AWS_ACCESS_KEY_ID")
	env.UnsetVar("AWS_SECRET_ACCESS_KEY")
	applied, _ := Apply(base, env, "/w/.atmos-identity", "prod", nil)
	tok := applied[LoadedVar]
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	if tok == "" || strings.Contains(string(raw), "AKIASAVED") || strings.Contains(string(raw), "saved-secret") {
		t.Fatalf("inheritable state %q (%s) is empty or holds a saved value", tok, raw)
	}
	inh, err := inherited(applied)
	if err != nil || inh == nil || inh.Identity != "prod" {
		t.Fatalf("inherited: %v %+v", err, inh)
	}
	got, lost := inh.restore(applied)
	for _, k := range []string{"AWS_PROFILE", LoadedVar, "AWS_ACCESS_KEY_ID"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s left after restoring an inherited state", k)
		}
	}
	if got["HOME"] != "/h" || strings.Join(lost, ",") != "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY" {
		t.Errorf("HOME=%q lost=%v", got["HOME"], lost)
	}

	res := Run(Input{Environ: map[string]string{LoadedVar: "%%corrupt", "HOME": "/h"}, PWD: t.TempDir(), Trust: NewTrust(t.TempDir())})
	if !strings.Contains(res.Message, "starting afresh") || !slices.Contains(res.Diff.UnsetKeys(), LoadedVar) {
		t.Errorf("corrupt inherited state: message %q, unset %v", res.Message, res.Diff.UnsetKeys())
	}
}
