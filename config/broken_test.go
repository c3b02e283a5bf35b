package config_test

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/config"
)

// TestBrokenCorpus loads every config under testdata/broken and checks each
// produces the messages its "# want: L:C: message" header lines name, at
// that file:line:col, as a *ConfigError (exit 2).
func TestBrokenCorpus(t *testing.T) {
	files, _ := filepath.Glob("../testdata/broken/*.yaml")
	if len(files) < 20 {
		t.Fatalf("broken corpus too small: %d files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			wants := wantLines(t, f)
			if len(wants) == 0 {
				t.Fatal("no # want: lines")
			}
			err := loadAndValidate(f)
			if err == nil {
				t.Fatal("config was accepted")
			}
			var ce *config.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("not a ConfigError: %T %v", err, err)
			}
			got := err.Error()
			for _, w := range wants {
				want := w
				if w[0] != ':' {
					want = f + ":" + w
				}
				if !strings.Contains(got, want) {
					t.Errorf("missing %q in:\n%s", want, got)
				}
			}
		})
	}
}

func loadAndValidate(f string) error {
	cfg, err := config.LoadFile(f, config.LoadOptions{Kinds: cloud.Kinds(), Getenv: func(string) string { return "" }})
	if err != nil {
		return err
	}
	return cfg.Validate()
}

func wantLines(t *testing.T, f string) []string {
	fh, err := os.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if w, ok := strings.CutPrefix(sc.Text(), "# want: "); ok {
			out = append(out, w)
		}
	}
	return out
}

// TestReferenceExamplesValidate: every kind the reference documents is in
// testdata/reference/atmos.yaml, and it validates.
func TestReferenceExamplesValidate(t *testing.T) {
	cfg, err := config.LoadFile("../testdata/reference/atmos.yaml", config.LoadOptions{Kinds: cloud.Kinds(), Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range []map[string]*config.Entry{cfg.Providers, cfg.Identities, cfg.Integrations} {
		for _, e := range m {
			seen[e.Kind] = true
		}
	}
	for _, k := range cloud.Kinds().Kinds() {
		name := k.Name
		if !seen[name] {
			t.Errorf("kind %s has no example in testdata/reference/atmos.yaml", name)
		}
	}
}
