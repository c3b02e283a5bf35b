//go:build linux

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/config"
)

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestLoggerOpenedOnceAndClosed: every step of a command logs through one
// logger, whose file is opened once and closed when the command ends (it
// used to be opened on every call and never closed).
func TestLoggerOpenedOnceAndClosed(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "atmos.yaml")
	if err := os.WriteFile(p, []byte("auth:\n  logs: {level: Info, file: logs/a.log}\n  identities:\n    x: {kind: ambient}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadFile(p, config.LoadOptions{Kinds: cloud.Kinds(), Getenv: func(k string) string {
		if k == "HOME" {
			return dir
		}
		return ""
	}})
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	g := &Globals{Stderr: &stderr}
	before := openFDs(t)
	l1 := g.logger(cfg)
	for i := 0; i < 20; i++ {
		if g.logger(cfg) != l1 {
			t.Fatal("a second logger was made")
		}
		g.logger(cfg).Info("step", "n", i)
	}
	if n := openFDs(t); n != before+1 {
		t.Fatalf("%d descriptors open after 21 logger calls, want %d", n, before+1)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if n := openFDs(t); n != before {
		t.Fatalf("%d descriptors open after Close, want %d", n, before)
	}
	b, err := os.ReadFile(filepath.Join(dir, "logs", "a.log"))
	if err != nil || strings.Count(string(b), "msg=step") != 20 {
		t.Fatalf("log: %q %v (stderr %q)", b, err, stderr.String())
	}
}
