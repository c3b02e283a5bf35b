package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var build struct {
	once sync.Once
	path string
	out  []byte
	err  error
}

// AtmosAuth builds the atmos-auth command once per test binary and returns
// its path, for tests that drive it from a real shell.
func AtmosAuth(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		dir, err := os.MkdirTemp("", "atmos-auth-bin-")
		if err != nil {
			build.err = err
			return
		}
		build.path = filepath.Join(dir, "atmos-auth")
		build.out, build.err = exec.Command("go", "build", "-o", build.path, "github.com/atmos-auth/atmos-auth").CombinedOutput()
	})
	if build.err != nil {
		t.Fatalf("build atmos-auth: %v\n%s", build.err, build.out)
	}
	return build.path
}
