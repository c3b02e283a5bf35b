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

// ptyWorld is a temporary HOME, workspace and environment for one shell.
type ptyWorld struct {
	bin, root, home, w string
	env                []string
}

func newPTYWorld(t *testing.T, sh ptyShell, extraEnv ...string) *ptyWorld {
	sh.argv(t, "") // skips when the shell is missing
	root := t.TempDir()
	pw := &ptyWorld{bin: testenv.AtmosAuth(t), root: root, home: filepath.Join(root, "home"), w: filepath.Join(root, "w")}
	for _, d := range []string{pw.home, pw.w} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pw.env = append(testenv.HomeEnv(t, pw.home), extraEnv...)
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

// TestHookPTYHostileRepo: in a real shell, cd into directories of a
// hostile repository — an identity file linked to /proc/self/environ while
// a secret is in the environment, a FIFO, /dev/zero, a directory named like
// the file, directory and identity names full of terminal escapes — never
// prints the secret or a raw escape, and never hangs (every step waits for
// the next prompt).
func TestHookPTYHostileRepo(t *testing.T) {
	for _, sh := range ptyShells {
		if sh.name != "bash" && sh.name != "zsh" && sh.name != "fish" {
			continue // the others cannot cd to a name held in a variable the same way
		}
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			const secret = "hunter2-pty-s3cr3t"
			// Escapes: OSC title + BEL, 7-bit CSI, newline, 8-bit CSI, invalid
			// UTF-8, C1 CSI, bidi override, DEL.
			const evil = "p\x1b]0;PWNED\x07\x1b[2J\n\x9b\xff\u009b\u202e\x7fx"
			pw := newPTYWorld(t, sh)
			pw.write(t, sh, "atmos.yaml", roleConfig("eu-west-1"))
			for _, d := range []string{"environ", "fifo", "zero", "dir/" + ".atmos-identity"} {
				if err := os.MkdirAll(filepath.Join(pw.w, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Symlink("/proc/self/environ", filepath.Join(pw.w, "environ/.atmos-identity")); err != nil {
				t.Fatal(err)
			}
			if err := exec.Command("mkfifo", filepath.Join(pw.w, "fifo/.atmos-identity")).Run(); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("/dev/zero", filepath.Join(pw.w, "zero/.atmos-identity")); err != nil {
				t.Fatal(err)
			}
			pw.write(t, sh, evil+"/.atmos-identity", "identity: \"role\x1b]0;PWNED\x07\u009b\"\n")
			// The secret leads the environment, with a colon, so a parser
			// quoting what precedes the colon of a line would print it.
			p := pw.start(t, sh, "AAA_SECRET="+secret+":x", "EVIL="+evil)
			for _, line := range []string{"cd environ", "true", "true", "cd ../fifo", "cd ../zero", "cd ../dir", "cd ..",
				`cd "$EVIL"`, pw.bin + " status", pw.bin + " allow", "cd ..", `cd "$EVIL"`, pw.bin + " status"} {
				if sh.name == "fish" {
					line = strings.ReplaceAll(line, `"$EVIL"`, "$EVIL")
				}
				e := p.at(pw.root, line)
				if e["ATMOS_IDENTITY"] != "" {
					t.Errorf("after %q: ATMOS_IDENTITY=%q", line, e["ATMOS_IDENTITY"])
				}
			}
			out := p.output()
			if strings.Contains(out, secret) {
				t.Errorf("the secret reached the terminal:\n%q", out)
			}
			for _, raw := range []string{"\x1b]0;PWNED", "\x1b[2J", "\x9b", "\u009b", "\u202e", "\x7fx"} {
				if strings.Contains(out, raw) {
					t.Errorf("raw %q reached the terminal:\n%q", raw, out)
				}
			}
			// Said once: quiet prompts in the same directory start nothing.
			if n := strings.Count(out, "(a file on procfs)"); n != 1 {
				t.Errorf("the refusal was said %d times, want once:\n%q", n, out)
			}
			for _, want := range []string{
				"environ/.atmos-identity: not a regular file (a file on procfs)",
				`p\x1b]0;PWNED\x07\x1b[2J\x0a\x9b\xff\u009b\u202e\x7fx/.atmos-identity is not allowed yet`,
				`identity "role\x1b]0;PWNED\a\u009b" does not exist`,
			} {
				if !strings.Contains(out, want) {
					t.Errorf("terminal lacks %q:\n%q", want, out)
				}
			}
		})
	}
}
