package config_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/config"
)

// TestAtmosCorpus: the Atmos-style configurations of testdata/atmos (see
// its README) validate, or fail with exactly the located messages they
// name.
func TestAtmosCorpus(t *testing.T) {
	env := func(string) string { return "" }
	load := func(dir string, profiles ...string) error {
		cfg, err := config.LoadFile(filepath.Join(dir, "atmos.yaml"), config.LoadOptions{Kinds: cloud.Kinds(), Getenv: env, Profiles: profiles})
		if err != nil {
			return err
		}
		return cfg.Validate()
	}
	valid, _ := filepath.Glob("../testdata/atmos/valid/*")
	invalid, _ := filepath.Glob("../testdata/atmos/invalid/*")
	if len(valid) < 6 || len(invalid) < 5 {
		t.Fatalf("corpus too small: %d valid, %d invalid", len(valid), len(invalid))
	}
	for _, dir := range valid {
		t.Run("valid/"+filepath.Base(dir), func(t *testing.T) {
			if err := load(dir); err != nil {
				t.Fatal(err)
			}
			profiles, _ := os.ReadDir(filepath.Join(dir, "profiles"))
			for _, p := range profiles {
				if err := load(dir, p.Name()); err != nil {
					t.Fatalf("profile %s: %v", p.Name(), err)
				}
			}
		})
	}
	for _, dir := range invalid {
		t.Run("invalid/"+filepath.Base(dir), func(t *testing.T) {
			err := load(dir)
			if err == nil {
				t.Fatal("accepted")
			}
			got := err.Error()
			wants := corpusWants(t, dir)
			if len(wants) == 0 {
				t.Fatal("no # want: lines")
			}
			for _, w := range wants {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			if n := strings.Count(got, "\n") + 1; n != len(wants) {
				t.Errorf("%d problems, %d wanted:\n%s", n, len(wants), got)
			}
		})
	}
}

func corpusWants(t *testing.T, dir string) []string {
	f, err := os.Open(filepath.Join(dir, "atmos.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w, ok := strings.CutPrefix(sc.Text(), "# want: ")
		if !ok {
			continue
		}
		if w[0] >= '0' && w[0] <= '9' {
			w = "atmos.yaml:" + w
		}
		out = append(out, filepath.Join(dir, w[:strings.IndexByte(w, ':')])+w[strings.IndexByte(w, ':'):])
	}
	return out
}
