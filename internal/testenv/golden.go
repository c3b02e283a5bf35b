package testenv

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is -update: rewrite golden files instead of comparing with them.
var update = flag.Bool("update", false, "rewrite testdata golden files")

// Golden compares got with the golden file at path, or rewrites the file
// when the tests run with -update.
func Golden(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the tests with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (run the tests with -update and review the diff):\ngot:\n%s", path, got)
	}
}
