package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
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
	s, err := keyring.Open(keyringOptions(&Globals{Getenv: func(k string) string { return env[k] }}, "", config.KeyringSpec{}))
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
	o := keyringOptions(g, "file", config.KeyringSpec{Path: "/d", PasswordEnv: "PW", Backend: "pass"})
	if o.Type != "file" || o.FileDir != "/d" || o.PasswordEnv != "PW" || o.Backend != "pass" || o.Prompt != nil {
		t.Fatalf("%+v", o)
	}
	env["ATMOS_KEYRING_TYPE"] = "memory"
	if o := keyringOptions(g, "file", config.KeyringSpec{}); o.Type != "memory" {
		t.Fatalf("env did not win: %s", o.Type)
	}
}

func TestKeyringCmdFilePassword(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ATMOS_KEYRING_TYPE": "file", "ATMOS_XDG_DATA_HOME": dir, "ATMOS_KEYRING_PASSWORD": "pw"}
	g := &Globals{Getenv: func(k string) string { return env[k] }}
	s, err := g.OpenKeyring(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set(keyring.Key("aws/user-keys", "a"), keyring.Envelope{Kind: "aws/user-keys"}); err != nil {
		t.Fatal(err)
	}
	env["ATMOS_KEYRING_PASSWORD"] = "wrong"
	out, _, err := runKeyringCmd(t, KeyringCmd{}, env)
	if CodeOf(err) != ExitFailure || !strings.Contains(out, "wrong keyring password") || !strings.Contains(out, "entries: 1") {
		t.Fatalf("exit %d:\n%s", CodeOf(err), out)
	}
	delete(env, "ATMOS_KEYRING_PASSWORD")
	out, _, err = runKeyringCmd(t, KeyringCmd{}, env)
	if CodeOf(err) != ExitFailure || !strings.Contains(out, "set ATMOS_KEYRING_PASSWORD") {
		t.Fatalf("exit %d:\n%s", CodeOf(err), out)
	}
}

// OpenKeyring follows auth.keyring, with ATMOS_KEYRING_TYPE over it.
func TestOpenKeyringFromConfig(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "atmos.yaml")
	yaml := "auth:\n  keyring:\n    type: file\n    spec:\n      path: " + filepath.Join(dir, "kr") + "\n      password_env: KR_PW\n"
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"KR_PW": "pw", "HOME": dir}
	g := &Globals{Kinds: cloud.Kinds(), Config: cfgPath, Getenv: func(k string) string { return env[k] }}
	cfg, err := g.LoadValidConfig()
	if err != nil {
		t.Fatal(err)
	}
	s, err := g.OpenKeyring(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend() != "file" || keyring.Location(s) != filepath.Join(dir, "kr") {
		t.Fatalf("%s at %s", s.Backend(), keyring.Location(s))
	}
	if err := s.Set(keyring.Key("aws/user-keys", "a"), keyring.Envelope{Kind: "aws/user-keys"}); err != nil {
		t.Fatal(err)
	}
	env[keyring.EnvType] = "memory"
	if s, err := g.OpenKeyring(cfg); err != nil || s.Backend() != "memory" {
		t.Fatalf("env did not win: %v", err)
	}
	// The keyring command reads the same configuration.
	var buf bytes.Buffer
	g2 := &Globals{Kinds: cloud.Kinds(), Config: cfgPath, Stdin: strings.NewReader(""), Stdout: &buf, Stderr: &buf, Getenv: func(k string) string {
		return map[string]string{"KR_PW": "pw", "HOME": dir}[k]
	}}
	if err := (&KeyringCmd{Format: "text"}).Run(g2); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	for _, want := range []string{"type: file (from auth.keyring.type in " + cfgPath + ")", "location: " + filepath.Join(dir, "kr"), "entries: 1", "password: set in KR_PW"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, buf.String())
		}
	}
}

// frozenBus listens on a unix socket, accepts and never answers: a stuck
// D-Bus daemon. It counts connections.
func frozenBus(t *testing.T) (addr string, conns func() int) {
	t.Helper()
	dir, err := os.MkdirTemp("", "bus-") // unix socket paths are short
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(dir, "bus"))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
		os.RemoveAll(dir)
	})
	return "unix:path=" + filepath.Join(dir, "bus"), func() int { mu.Lock(); defer mu.Unlock(); return len(held) }
}

// The real binary against a session bus that never answers: commands that
// do not use the keyring never touch the bus (the prompt hook and --version
// must never block), and the keyring command fails within its timeout.
func TestBinaryFrozenBus(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("D-Bus is used on Linux only")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	tmp := t.TempDir()
	bin := testenv.AtmosAuth(t)
	cfg := filepath.Join(tmp, "atmos.yaml")
	if err := os.WriteFile(cfg, []byte("auth:\n  identities:\n    dev:\n      kind: aws/user\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, conns := frozenBus(t)
	run := func(limit time.Duration, args ...string) (string, int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "CI=true", "DBUS_SESSION_BUS_ADDRESS=" + addr,
			"PASSWORD_STORE_DIR=" + filepath.Join(tmp, "no-pass")}
		out, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			t.Fatalf("atmos-auth %s hung on a frozen session bus (killed after %s)\n%s", strings.Join(args, " "), limit, out)
		}
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return string(out), cmd.ProcessState.ExitCode()
	}
	for _, args := range [][]string{{"--version"}, {"validate", "--config", cfg}} {
		if out, code := run(5*time.Second, args...); code != 0 {
			t.Fatalf("atmos-auth %s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
	}
	if n := conns(); n != 0 {
		t.Fatalf("--version and validate connected to the session bus %d times", n)
	}
	// The keyring itself: default timeout 3s, a generous bound for CI.
	out, code := run(30*time.Second, "keyring", "--config", cfg)
	if code != ExitFailure {
		t.Fatalf("keyring: exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"secret-service: the D-Bus session bus " + addr + " did not answer", "ATMOS_KEYRING_TYPE=file"} {
		if !strings.Contains(out, want) {
			t.Errorf("keyring output lacks %q:\n%s", want, out)
		}
	}
}
