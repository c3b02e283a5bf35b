package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// HomeEnv is the environment of a shell started in a fresh home for a
// test: HOME, PATH, a dumb terminal, UTF-8, the XDG directories under home
// and no D-Bus. It also creates fish's generated_completions directory: on
// a first start without it, fish runs fish_update_completions in the
// background, which can still be writing there when the test's TempDir is
// removed ("directory not empty").
func HomeEnv(t testing.TB, home string) []string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(home, ".local", "share", "fish", "generated_completions"), 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TERM=dumb", "LANG=C.UTF-8",
		"XDG_CONFIG_HOME=" + home + "/.config", "XDG_DATA_HOME=" + home + "/.local/share",
		"XDG_CACHE_HOME=" + home + "/.cache", "DBUS_SESSION_BUS_ADDRESS=disabled:"}
}
