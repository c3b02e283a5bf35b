package hooks_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// truthFixture is a fresh machine (no trust database) with the hook
// installed in sh's rc file, the identity files given (directory under w →
// content) and the atmos.yaml of testConfig.
type truthFixture struct {
	bin, root, home, w string
	env                []string
}

func newTruthFixture(t *testing.T, sh ptyShell, files map[string]string, extraEnv ...string) *truthFixture {
	t.Helper()
	sh.argv(t, "") // skips when the shell is missing
	f := &truthFixture{bin: testenv.AtmosAuth(t), root: t.TempDir()}
	f.home, f.w = filepath.Join(f.root, "home"), filepath.Join(f.root, "w")
	for _, d := range []string{f.home + "/.config/fish", f.root + "/out", f.w} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustWrite(t, f.root+"/atmos.yaml", testConfig)
	for d, c := range files {
		if err := os.MkdirAll(filepath.Join(f.w, d), 0o755); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, filepath.Join(f.w, d, ".atmos-identity"), c)
		if sh.recentFixtures {
			old := time.Now().Add(-time.Hour)
			os.Chtimes(filepath.Join(f.w, d, ".atmos-identity"), old, old)
		}
	}
	f.env = append([]string{"HOME=" + f.home, "PATH=" + os.Getenv("PATH"), "TERM=dumb", "LANG=C.UTF-8",
		"ATMOS_CLI_CONFIG_PATH=" + f.root + "/atmos.yaml", "XDG_CONFIG_HOME=" + f.home + "/.config",
		"XDG_DATA_HOME=" + f.home + "/.local/share", "XDG_CACHE_HOME=" + f.home + "/.cache",
		"DBUS_SESSION_BUS_ADDRESS=disabled:"}, extraEnv...)
	installHook(t, sh, f.bin, f.bin, f.home, f.root, f.env)
	return f
}

func (f *truthFixture) allow(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command(f.bin, "allow", filepath.Join(f.w, dir))
	cmd.Env = f.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("allow: %v\n%s", err, out)
	}
}

// TestHookPTYFirstAllow: on a machine where nothing was ever allowed (no
// trust database), the first `atmos-auth allow` takes effect at the next
// prompt, without leaving the directory.
func TestHookPTYFirstAllow(t *testing.T) {
	for _, sh := range ptyShells {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			f := newTruthFixture(t, sh, map[string]string{"aws": "identity: role\n"})
			if _, err := os.Stat(f.home + "/.local/share/atmos/trust"); err == nil {
				t.Fatal("the fixture has a trust database")
			}
			p := startShell(t, sh, f.home, f.w, f.env)
			e := p.at(f.root, "cd aws")
			if e["ATMOS_IDENTITY"] != "" {
				t.Fatalf("a pending file was applied: ATMOS_IDENTITY=%q", e["ATMOS_IDENTITY"])
			}
			e = p.at(f.root, f.bin+" allow")
			if e["ATMOS_IDENTITY"] != "role" || e["AWS_PROFILE"] != "role" {
				t.Errorf("after the first allow: ATMOS_IDENTITY=%q AWS_PROFILE=%q, want role; terminal:\n%s",
					e["ATMOS_IDENTITY"], e["AWS_PROFILE"], p.output())
			}
			if strings.Contains(p.output(), "command not found") {
				t.Errorf("shell errors:\n%s", p.output())
			}
		})
	}
}
