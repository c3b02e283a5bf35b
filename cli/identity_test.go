package cli

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/creack/pty"
)

func testConfig(t *testing.T, body string) *config.Config {
	t.Helper()
	p := filepath.Join(t.TempDir(), "atmos.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadFile(p, config.LoadOptions{Kinds: cloud.Kinds()})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

const threeIDs = `auth:
  identities:
    alpha: {kind: ambient}
    beta.two/x: {kind: ambient}
    gamma: {kind: ambient}
`

func globals(env map[string]string) *Globals {
	g := &Globals{Kinds: cloud.Kinds(), Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		Getenv: func(k string) string { return env[k] }}
	return g
}

func TestResolveIdentityOrder(t *testing.T) {
	cfg := testConfig(t, `auth:
  identities:
    a: {kind: ambient}
    b: {kind: ambient, default: true}
`)
	g := globals(nil)
	if id, err := g.ResolveIdentity(cfg); err != nil || id != "b" {
		t.Fatalf("default: %q %v", id, err)
	}
	g.Identity = "a"
	if id, _ := g.ResolveIdentity(cfg); id != "a" {
		t.Fatalf("flag: %q", id)
	}
	for _, off := range []string{"false", "0", "NO", "Off"} {
		g.Identity = off
		if _, err := g.ResolveIdentity(cfg); !errors.Is(err, ErrDisabled) {
			t.Fatalf("%s: %v", off, err)
		}
	}
	g.Identity = "c"
	if _, err := g.ResolveIdentity(cfg); CodeOf(err) != ExitConfig || !strings.Contains(err.Error(), `"c" does not exist`) {
		t.Fatalf("missing: %v", err)
	}
}

func TestResolveIdentityNoTTYListsIdentities(t *testing.T) {
	cfg := testConfig(t, threeIDs)
	_, err := globals(nil).ResolveIdentity(cfg)
	if CodeOf(err) != ExitConfig || !strings.Contains(err.Error(), "alpha, beta.two/x, gamma") || !strings.Contains(err.Error(), "--identity NAME") {
		t.Fatalf("got %v", err)
	}
	// Several defaults are an invalid configuration (config.Validate,
	// testdata/broken/several_defaults.yaml): no command gets that far.
}

// TestSelectorOnTerminal drives the selector through a real pseudo-terminal.
func TestSelectorOnTerminal(t *testing.T) {
	cfg := testConfig(t, threeIDs)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	g := globals(nil)
	g.Stdin, g.Stderr, g.Identity = tty, tty, IdentitySelect
	done := make(chan struct{})
	var menu strings.Builder
	go func() {
		defer close(done)
		r := bufio.NewReader(ptmx)
		for {
			line, err := r.ReadString(':')
			menu.WriteString(line)
			if strings.Contains(menu.String(), "type to filter") || err != nil {
				ptmx.WriteString("\x1b[B\r") // ↓, Enter
				return
			}
		}
	}()
	id, err := g.ResolveIdentity(cfg)
	if err != nil || id != "beta.two/x" {
		t.Fatalf("got %q %v; menu:\n%s", id, err, menu.String())
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("selector did not show its prompt")
	}
	if !strings.Contains(menu.String(), "Choose an identity (↑/↓") {
		t.Fatalf("menu: %q", menu.String())
	}
	// In CI the selector never opens, even on a terminal.
	g.Getenv = func(k string) string {
		if k == "CI" {
			return "true"
		}
		return ""
	}
	if _, err := g.ResolveIdentity(cfg); CodeOf(err) != ExitConfig {
		t.Fatalf("CI: %v", err)
	}
}

func TestPreparseArgs(t *testing.T) {
	cases := map[string]string{
		"whoami -i":              "whoami -i " + IdentitySelect,
		"exec -i -- env":         "exec -i " + IdentitySelect + " -- env",
		"exec -i prod -- env -i": "exec -i prod -- env -i",
		"list --providers":       "list --providers=" + AllMarker,
		"whoami --identity -o x": "whoami --identity " + IdentitySelect + " -o x",
	}
	for in, want := range cases {
		if got := strings.Join(PreparseArgs(strings.Fields(in)), " "); got != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
}
