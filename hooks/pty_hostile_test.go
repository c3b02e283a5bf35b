package hooks_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// ptyWorld is a temporary HOME, workspace and environment for one shell.
type ptyWorld struct {
	bin, root, home, w string
	env                []string
}

func newPTYWorld(t *testing.T, sh ptyShell, extraEnv ...string) *ptyWorld {
	sh.argv(t, "") // skips when the shell is missing
	root := t.TempDir()
	pw := &ptyWorld{bin: atmosAuth(t), root: root, home: filepath.Join(root, "home"), w: filepath.Join(root, "w")}
	for _, d := range []string{pw.home, pw.w} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pw.env = append([]string{"HOME=" + pw.home, "PATH=" + os.Getenv("PATH"), "TERM=dumb", "LANG=C.UTF-8",
		"XDG_CONFIG_HOME=" + pw.home + "/.config", "XDG_DATA_HOME=" + pw.home + "/.local/share",
		"XDG_CACHE_HOME=" + pw.home + "/.cache", "DBUS_SESSION_BUS_ADDRESS=disabled:"}, extraEnv...)
	return pw
}

// write writes a file under the workspace, aged for shells that compare
// whole-second mtimes.
func (pw *ptyWorld) write(t *testing.T, sh ptyShell, rel, content string) {
	t.Helper()
	p := filepath.Join(pw.w, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, p, content)
	if sh.recentFixtures {
		old := time.Now().Add(-time.Hour)
		os.Chtimes(p, old, old)
	}
}

func (pw *ptyWorld) allow(t *testing.T, rel string) {
	t.Helper()
	cmd := exec.Command(pw.bin, "allow", filepath.Join(pw.w, rel))
	cmd.Env = pw.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("allow: %v\n%s", err, out)
	}
}

func (pw *ptyWorld) start(t *testing.T, sh ptyShell, environ ...string) *term {
	installHook(t, sh, pw.bin, pw.bin, pw.home, pw.root, pw.env)
	return startShell(t, sh, pw.home, pw.w, append(append([]string{}, pw.env...), environ...))
}

func roleConfig(region string) string {
	return `auth:
  identities:
    base: {kind: aws/ambient}
    role:
      kind: aws/assume-role
      via: {identity: base}
      principal: {assume_role: "arn:aws:iam::999999999999:role/X", region: ` + region + `}
`
}

// TestHookPTYConfigFollowsFile: the configuration of an identity file is
// the atmos.yaml nearest to the file, not to the shell: with mono allowed,
// `cd mono/sub` (which holds its own atmos.yaml) then `cd ..` gives mono's
// account on both prompts, as `cd mono` does.
func TestHookPTYConfigFollowsFile(t *testing.T) {
	for _, sh := range ptyShells {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			pw := newPTYWorld(t, sh)
			pw.write(t, sh, "mono/atmos.yaml", roleConfig("eu-west-1"))
			pw.write(t, sh, "mono/sub/atmos.yaml", roleConfig("us-west-2"))
			pw.write(t, sh, "mono/.atmos-identity", "identity: role\n")
			pw.allow(t, "mono")
			p := pw.start(t, sh)
			var cfgFile string
			for i, line := range []string{"cd mono/sub", "cd ..", "cd sub", "cd " + pw.w, "cd mono"} {
				e := p.at(pw.root, line)
				if line == "cd "+pw.w {
					if e["ATMOS_IDENTITY"] != "" {
						t.Errorf("%s: ATMOS_IDENTITY = %q outside mono", line, e["ATMOS_IDENTITY"])
					}
					continue
				}
				if e["ATMOS_IDENTITY"] != "role" || e["AWS_REGION"] != "eu-west-1" {
					t.Errorf("after %q: ATMOS_IDENTITY=%q AWS_REGION=%q, want role in eu-west-1 (mono's atmos.yaml)\n%s",
						line, e["ATMOS_IDENTITY"], e["AWS_REGION"], p.output())
				}
				if i == 0 {
					cfgFile = e["AWS_CONFIG_FILE"]
				} else if e["AWS_CONFIG_FILE"] != cfgFile {
					t.Errorf("after %q: AWS_CONFIG_FILE %q, was %q", line, e["AWS_CONFIG_FILE"], cfgFile)
				}
			}
		})
	}
}
