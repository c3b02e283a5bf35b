// Package testenv holds helpers shared by tests: finding real tools, which
// may be missing on a developer machine (skip) but never in CI (fail).
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run in CI (CI=true or any non-empty CI).
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "false" && v != "0"
}

// RequireTool returns the path of the named program. When it is missing the
// test is skipped locally and fails in CI, where .ci/run installs it.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if InCI() {
			t.Fatalf("%s is required in CI but not installed (scripts/install-test-deps.sh installs it)", name)
		}
		t.Skipf("%s not installed; skipping (it is required in CI)", name)
	}
	return p
}

// RequireFile is RequireTool for a program at a fixed path.
func RequireFile(t testing.TB, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if InCI() {
			t.Fatalf("%s is required in CI but missing (scripts/install-test-deps.sh installs it)", path)
		}
		t.Skipf("%s missing; skipping (it is required in CI)", path)
	}
	return path
}
