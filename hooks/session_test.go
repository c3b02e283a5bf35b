package hooks

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestOpenStampDirPrunes(t *testing.T) {
	parent := t.TempDir()
	now := time.Now()
	mk := func(name string, age time.Duration) string {
		d := filepath.Join(parent, name)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "f"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(d, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
		return d
	}
	old := mk("100.1", 8*24*time.Hour)
	recent := mk("101.2", 6*24*time.Hour)
	mine := mk("102.3", 30*24*time.Hour) // an existing session: refreshed, never pruned
	notDir := filepath.Join(parent, "stray")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(notDir, now.Add(-30*24*time.Hour), now.Add(-30*24*time.Hour))

	// Reopening an existing session prunes nothing and refreshes it.
	if err := OpenStampDir(mine, now); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); err != nil {
		t.Errorf("an existing session's hook run pruned %s: %v", old, err)
	}
	if st, _ := os.Stat(mine); now.Sub(st.ModTime()) > time.Minute {
		t.Errorf("session dir not refreshed: %v", st.ModTime())
	}

	// A new session prunes the stale ones only.
	fresh := filepath.Join(parent, "103.4")
	if err := OpenStampDir(fresh, now); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{old: false, recent: true, mine: true, fresh: true, notDir: true} {
		_, err := os.Stat(p)
		if got := err == nil; got != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(p), got, want)
		}
	}
	if st, err := os.Stat(fresh); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("new session dir: %v %v", st, err)
	}
}
