package shells

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/engine"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// nuPath is where scripts/npm installs nushell (npm package "nushell").
const nuPath = "../scripts/npm/node_modules/@nushell/linux-x64/bin/nu"

// realShell runs a script in one installed shell. load is how the rendered
// file is brought in (as users do: eval, source, a pipe); dump writes the
// whole environment, NUL-separated, to a file.
type realShell struct {
	argv func(t *testing.T, script string) []string
	load func(rendered string) string
	dump func(d Dialect, out string) string
}

var realShells = map[string]realShell{
	"bash": {
		argv: func(t *testing.T, s string) []string {
			return []string{testenv.RequireTool(t, "bash"), "--norc", "--noprofile", s}
		},
		load: func(r string) string { return `eval "$(cat ` + quotePOSIX(r) + `)"` },
		dump: func(d Dialect, out string) string { return "env -0 > " + d.Quote(out) },
	},
	"zsh": {
		argv: func(t *testing.T, s string) []string { return []string{testenv.RequireTool(t, "zsh"), "-f", s} },
		load: func(r string) string { return `eval "$(cat ` + quotePOSIX(r) + `)"` },
		dump: func(d Dialect, out string) string { return "env -0 > " + d.Quote(out) },
	},
	"fish": {
		argv: func(t *testing.T, s string) []string {
			return []string{testenv.RequireTool(t, "fish"), "--no-config", s}
		},
		load: func(r string) string { return "cat " + (Fish{}).Quote(r) + " | source" },
		dump: func(d Dialect, out string) string { return "env -0 > " + d.Quote(out) },
	},
	"tcsh": {
		argv: func(t *testing.T, s string) []string { return []string{testenv.RequireTool(t, "tcsh"), "-f", s} },
		load: func(r string) string { return "source " + (Tcsh{}).Quote(r) },
		dump: func(d Dialect, out string) string { return "env -0 > " + d.Quote(out) },
	},
	"elvish": {
		argv: func(t *testing.T, s string) []string {
			return []string{testenv.RequireTool(t, "elvish"), "-norc", s}
		},
		load: func(r string) string { return "eval (slurp < " + (Elvish{}).Quote(r) + ")" },
		dump: func(d Dialect, out string) string { return "env -0 > " + d.Quote(out) },
	},
	"nu": {
		argv: func(t *testing.T, s string) []string {
			p, _ := filepath.Abs(nuPath)
			return []string{testenv.RequireFile(t, p), "--no-config-file", "--no-std-lib", s}
		},
		load: func(r string) string { return "source " + (Nu{}).Quote(r) },
		dump: func(d Dialect, out string) string { return "^env -0 o> " + d.Quote(out) },
	},
}

// runShell renders env in dialect name, loads it in the real shell started
// with environ, and returns the environment the shell's children see.
func runShell(t *testing.T, name string, env *engine.Environment, environ []string) map[string]string {
	t.Helper()
	return runShellWith(t, name, realShells[name], env, environ)
}

func runShellWith(t *testing.T, name string, rs realShell, env *engine.Environment, environ []string) map[string]string {
	t.Helper()
	d := Registry[name]
	dir := t.TempDir()
	rendered, err := Render(d, env)
	if err != nil {
		t.Fatal(err)
	}
	rfile := filepath.Join(dir, "rendered")
	out := filepath.Join(dir, "env.out")
	script := filepath.Join(dir, "script")
	if err := os.WriteFile(rfile, []byte(rendered), 0o600); err != nil {
		t.Fatal(err)
	}
	body := rs.load(rfile) + "\n" + rs.dump(d, out) + "\n"
	if err := os.WriteFile(script, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	argv := rs.argv(t, script)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TERM=dumb", "LANG=C.UTF-8",
		"XDG_CONFIG_HOME=" + dir, "XDG_DATA_HOME=" + dir}, environ...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		err = <-done
	}
	if err != nil || stderr.Len() > 0 {
		t.Logf("%s stderr: %s", name, trunc(stderr.String()))
	}
	data, rerr := os.ReadFile(out)
	if rerr != nil {
		t.Fatalf("%s: no environment dump (%v; shell: %v)", name, rerr, err)
	}
	got := map[string]string{}
	for _, kv := range strings.Split(string(data), "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			got[k] = v
		}
	}
	return got
}

// TestRoundTripRealShells evaluates the rendered torture set in every real
// shell and compares what a child process sees, byte for byte; variables
// set before must be gone after the unsets.
func TestRoundTripRealShells(t *testing.T) {
	for _, name := range Names() {
		if name == "pwsh" {
			continue // not installable here: see TestPwshSyntax
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := Registry[name]
			want := torture()
			for k, v := range tortureNonUTF8() {
				if Check(d, k, v) == nil {
					want[k] = v
				}
			}
			env := engine.NewEnvironment()
			for k, v := range want {
				env.SetVar(k, v)
			}
			env.UnsetVar("U_PRESET")
			env.UnsetVar("U_NEVER_SET")
			env.UnsetVar("U_MULTI")
			got := runShell(t, name, env, []string{"U_PRESET=still here", "U_MULTI=a\nb", "T_PLAIN=old value"})
			for k, v := range want {
				g, ok := got[k]
				switch {
				case !ok:
					t.Errorf("%s: %s not set", name, k)
				case g != v:
					t.Errorf("%s: %s = %q, want %q", name, k, trunc(g), trunc(v))
				}
			}
			for _, k := range env.Unset {
				if v, ok := got[k]; ok {
					t.Errorf("%s: %s still set to %q after unset", name, k, v)
				}
			}
		})
	}
}

// TestTcshEval checks the eval "`...`" idiom, which joins lines with
// spaces: every value without a newline must survive it too.
func TestTcshEval(t *testing.T) {
	rs := realShells["tcsh"]
	rs.load = func(r string) string { return "eval \"`cat " + (Tcsh{}).Quote(r) + "`\"" }
	env := engine.NewEnvironment()
	for k, v := range torture() {
		if !strings.Contains(v, "\n") {
			env.SetVar(k, v)
		}
	}
	env.UnsetVar("U_PRESET")
	got := runShellWith(t, "tcsh", rs, env, []string{"U_PRESET=x"})
	for k, v := range env.Set {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, trunc(got[k]), trunc(v))
		}
	}
	if _, ok := got["U_PRESET"]; ok {
		t.Errorf("U_PRESET still set")
	}
}
