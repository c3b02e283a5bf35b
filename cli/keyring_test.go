package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/engine"
	"github.com/atmos-auth/atmos-auth/keyring"
)

func runKeyringCmd(t *testing.T, c KeyringCmd, env map[string]string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	g := &Globals{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	if c.Format == "" {
		c.Format = "text"
	}
	err := c.Run(g)
	return out.String(), errb.String(), err
}

func TestKeyringCmdFile(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ATMOS_KEYRING_TYPE": "file", "ATMOS_XDG_DATA_HOME": dir, "ATMOS_KEYRING_PASSWORD": "pw"}
	s, err := keyring.Open(keyringOptions(&Globals{Getenv: func(k string) string { return env[k] }}, "", engine.KeyringSpec{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if err := s.Set(keyring.Key("aws/user-keys", n), keyring.Envelope{Kind: "aws/user-keys", Data: map[string]string{"secret": "VALUE-" + n}}); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err := runKeyringCmd(t, KeyringCmd{}, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"backend: file\n", "location: " + dir + "/atmos/keyring\n", "reachable: yes\n", "entries: 2\n", "password: set in ATMOS_KEYRING_PASSWORD"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "VALUE-") {
		t.Error("output shows a secret")
	}
	out, _, err = runKeyringCmd(t, KeyringCmd{Format: "json"}, env)
	if err != nil {
		t.Fatal(err)
	}
	var r keyringReport
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Backend != "file" || !r.Reachable || r.Entries != 2 {
		t.Fatalf("json %+v %v:\n%s", r, err, out)
	}
}

func TestKeyringCmdTypeFlagAndUnreachable(t *testing.T) {
	out, _, err := runKeyringCmd(t, KeyringCmd{Type: "memory"}, map[string]string{"ATMOS_KEYRING_TYPE": "file"})
	if err != nil || !strings.Contains(out, "backend: memory") {
		t.Fatalf("%v\n%s", err, out)
	}
	// pass without an initialised store is unreachable: exit 1, the error
	// names the backend and how to choose another.
	env := map[string]string{"PASSWORD_STORE_DIR": t.TempDir()}
	out, _, err = runKeyringCmd(t, KeyringCmd{Backend: "pass"}, env)
	if CodeOf(err) != ExitFailure {
		t.Fatalf("exit %d, want 1\n%s", CodeOf(err), out)
	}
	for _, want := range []string{"reachable: no", `"pass"`, "ATMOS_KEYRING_TYPE=file"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestKeyringOptionsResolve(t *testing.T) {
	env := map[string]string{}
	g := &Globals{Getenv: func(k string) string { return env[k] }}
	o := keyringOptions(g, "file", engine.KeyringSpec{Path: "/d", PasswordEnv: "PW", Backend: "pass"})
	if o.Type != "file" || o.FileDir != "/d" || o.PasswordEnv != "PW" || o.Backend != "pass" || o.Prompt != nil {
		t.Fatalf("%+v", o)
	}
	env["ATMOS_KEYRING_TYPE"] = "memory"
	if o := keyringOptions(g, "file", engine.KeyringSpec{}); o.Type != "memory" {
		t.Fatalf("env did not win: %s", o.Type)
	}
}
