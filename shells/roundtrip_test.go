package shells

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/atmos-auth/atmos-auth/environ"
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
func runShell(t *testing.T, name string, env *environ.Environment, environ []string) map[string]string {
	t.Helper()
	return runShellWith(t, name, realShells[name], env, environ)
}

func runShellWith(t *testing.T, name string, rs realShell, env *environ.Environment, environ []string) map[string]string {
	t.Helper()
	rendered, err := Render(Registry[name], env)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := runRendered(t, name, rs, rendered, environ)
	return got
}

// runRendered loads rendered (a dialect's output, possibly nothing) in the
// real shell started with environ and returns the environment its
// children see, and what the shell wrote on stdout and stderr.
func runRendered(t *testing.T, name string, rs realShell, rendered string, environ []string) (map[string]string, string) {
	t.Helper()
	d := Registry[name]
	dir := t.TempDir()
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
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	var err error
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
	return got, stderr.String()
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
			env := environ.New()
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

// representable is what each dialect must round-trip: every byte string
// without NUL that fits in an environment entry (Linux MAX_ARG_STRLEN),
// except in the shells whose strings are Unicode (nu panics at
// startup on a non-UTF-8 environment variable; PowerShell strings are
// UTF-16), which must refuse the rest.
func representable(dialect, name, v string) bool {
	if strings.IndexByte(v, 0) >= 0 || len(name)+len("=")+len(v)+len("\x00") > 32*4096 {
		return false
	}
	return utf8.ValidString(v) || dialect != "nu" && dialect != "pwsh"
}

// TestRoundTripAttacker loads the attacker's torture set in every real
// shell, all in one emission, and compares what a child process sees byte
// for byte. Each value the dialect cannot represent must make Render refuse
// the whole emission, naming the variable and the shell, and the shell
// then keeps its previous environment, the unsets included.
func TestRoundTripAttacker(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := Registry[name]
			vals := attackerTorture()
			accepted := map[string]string{}
			var refused []string
			for k, v := range vals {
				err := Check(d, k, v)
				if ok := representable(name, k, v); ok != (err == nil) {
					t.Errorf("%s: %s %q: Check says %v, but representable is %v", name, k, trunc(v), err, ok)
				}
				if err != nil {
					refused = append(refused, k)
				} else {
					accepted[k] = v
				}
			}
			for _, k := range refused {
				out, err := Render(d, envOf(accepted, k, vals[k]))
				if !errors.Is(err, ErrInvalidValue) || out != "" {
					t.Fatalf("%s: %s: Render = %d bytes, %v; want nothing and ErrInvalidValue", name, k, len(out), err)
				}
				if msg := err.Error(); !strings.Contains(msg, " "+k+" in "+name+":") {
					t.Fatalf("%s: the refusal does not name the variable and the shell: %s", name, msg)
				}
			}
			if name == "pwsh" {
				return // not installable here: see TestPwshSyntax
			}
			rs := realShells[name]
			preset := []string{"U_PRESET=still here", "A_BYTE_41=old"}
			got, stderr := runRendered(t, name, rs, mustRender(t, d, envOf(accepted, "", "")), preset)
			if stderr != "" {
				t.Errorf("%s: the shell complained: %s", name, trunc(stderr))
			}
			for k, v := range accepted {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s: %s = %q (set %v), want %q", name, k, trunc(g), ok, trunc(v))
				}
			}
			if _, ok := got["U_PRESET"]; ok {
				t.Errorf("%s: U_PRESET still set after unset", name)
			}
			if len(refused) == 0 {
				return
			}
			// What `env` prints when it refuses: nothing. The shell keeps
			// everything it had.
			out, err := Render(d, envOf(vals, "", ""))
			if err == nil || out != "" {
				t.Fatalf("%s: Render of every value = %d bytes, %v; want a refusal", name, len(out), err)
			}
			got, _ = runRendered(t, name, rs, out, preset)
			if got["U_PRESET"] != "still here" || got["A_BYTE_41"] != "old" {
				t.Errorf("%s: after a refusal U_PRESET = %q, A_BYTE_41 = %q; want them untouched", name, got["U_PRESET"], got["A_BYTE_41"])
			}
		})
	}
}

// envOf sets vals (and name to value, when name is not "") and unsets
// U_PRESET.
func envOf(vals map[string]string, name, value string) *environ.Environment {
	env := environ.New()
	for k, v := range vals {
		env.SetVar(k, v)
	}
	if name != "" {
		env.SetVar(name, value)
	}
	env.UnsetVar("U_PRESET")
	return env
}

func mustRender(t *testing.T, d Dialect, env *environ.Environment) string {
	t.Helper()
	out, err := Render(d, env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tcshEval loads the rendered file the way tcsh users eval a command's
// output: eval "`...`", which joins its lines with spaces.
func tcshEval() realShell {
	rs := realShells["tcsh"]
	rs.load = func(r string) string { return "eval \"`cat " + (Tcsh{}).Quote(r) + "`\"" }
	return rs
}

// TestTcshEval checks the eval "`...`" idiom: every value that is UTF-8
// without a newline, the attacker's included, must survive it too.
func TestTcshEval(t *testing.T) {
	env := environ.New()
	for _, vals := range []map[string]string{torture(), tortureNonUTF8(), attackerTorture()} {
		for k, v := range vals {
			if !strings.Contains(v, "\n") && utf8.ValidString(v) && Check(Tcsh{}, k, v) == nil {
				env.SetVar(k, v)
			}
		}
	}
	env.UnsetVar("U_PRESET")
	got, stderr := runRendered(t, "tcsh", tcshEval(), mustRender(t, Tcsh{}, env), []string{"U_PRESET=x"})
	if stderr != "" {
		t.Errorf("tcsh complained: %s", trunc(stderr))
	}
	for k, v := range env.Set {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, trunc(got[k]), trunc(v))
		}
	}
	if _, ok := got["U_PRESET"]; ok {
		t.Errorf("U_PRESET still set")
	}
}

// TestTcshEvalRefuses: eval "`...`" cannot carry a newline, and tcsh's
// command substitution mangles bytes that are not UTF-8 (it loses the bytes
// after one near a 4 KiB boundary, quotes included: the old output ran the
// attacker's touch). An emission holding either must apply nothing there,
// not "a b" for "a\nb", not the other statements, and say why.
func TestTcshEvalRefuses(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "PWNED")
	vals := []string{"a\nb", "\n", "end\n", "\nstart", "x'\n'!\n", "\xff", "caf\xe9", "\xed\xa0\x80", "\xc0\xaf"}
	for pad := 4080; pad < 4088; pad++ {
		// Quoted, the value ends \x800xxxxxxxxxxx'\''; touch … ; echo '\'''
		// and for some pads tcsh loses exactly xxxxxxxxxxx'\' from it.
		vals = append(vals, strings.Repeat("a", pad)+"\x800"+strings.Repeat("x", 11)+"'; touch "+marker+" ; echo '")
	}
	for _, v := range vals {
		env := environ.New()
		env.SetVar("A_PLAIN", "x")
		env.SetVar("A_BAD", v)
		env.UnsetVar("U_PRESET")
		got, stderr := runRendered(t, "tcsh", tcshEval(), mustRender(t, Tcsh{}, env), []string{"U_PRESET=kept", "A_BAD=old"})
		if _, ok := got["A_PLAIN"]; ok || got["A_BAD"] != "old" || got["U_PRESET"] != "kept" {
			t.Errorf("%q: half applied: A_PLAIN %q, A_BAD %q, U_PRESET %q", trunc(v), got["A_PLAIN"], trunc(got["A_BAD"]), got["U_PRESET"])
		}
		if !strings.Contains(stderr, "atmos-auth: a value holds a newline or bytes that are not UTF-8") {
			t.Errorf("%q: no message: %q", trunc(v), stderr)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("eval ran a command hidden in a value")
	}
}

// TestTcshHookOutputEval: when `__hook` cannot write the file the tcsh hook
// sources, its output goes through the hook's eval "`...`": an identity
// file path with a newline or bytes that are not UTF-8 must then apply
// nothing (not the diff with a mangled path); sourced, everything applies.
func TestTcshHookOutputEval(t *testing.T) {
	for _, file := range []string{"/w/a\nb/.atmos-identity", "/w/\xff\xc0\xaf/.atmos-identity"} {
		diff := environ.New()
		diff.SetVar("A_PLAIN", "x")
		out, err := HookOutput(Tcsh{}, Tcsh{}, diff, HookVars{State: "s", File: file})
		if err != nil {
			t.Fatal(err)
		}
		got, msg := runRendered(t, "tcsh", tcshEval(), out, nil)
		if _, ok := got["A_PLAIN"]; ok || !strings.Contains(msg, "atmos-auth: a value holds a newline or bytes that are not UTF-8") {
			t.Errorf("%q through eval: A_PLAIN %q, output %q; want nothing applied and the message", file, got["A_PLAIN"], msg)
		}
		if got, msg := runRendered(t, "tcsh", realShells["tcsh"], out, nil); got["A_PLAIN"] != "x" || msg != "" {
			t.Errorf("%q sourced: A_PLAIN %q, output %q", file, got["A_PLAIN"], msg)
		}
	}
}
