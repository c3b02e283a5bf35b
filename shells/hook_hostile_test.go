package shells

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// hookCaller is how a script loads the real hook and runs it as the
// shell's prompt would, by name (non-interactive shells have no prompt).
type hookCaller struct {
	// load returns the lines loading the hook text saved in file.
	load func(d Dialect, file string) string
	// fixHook adapts the hook text to a non-interactive shell.
	fixHook func(hook string) string
	prompt  string
	// cd changes to the directory in the environment variable name (not
	// quoted by the code under test).
	cd func(name string) string
	// limit adapts a hostile value to what the shell itself can hold
	// (nil: anything).
	limit func(string) string
}

var hookCallers = map[string]hookCaller{
	"bash": {load: evalPOSIX, prompt: "_atmos_auth_hook", cd: cdPOSIX},
	"zsh":  {load: evalPOSIX, prompt: "_atmos_auth_hook", cd: cdPOSIX},
	"fish": {
		load:   func(d Dialect, f string) string { return "source " + d.Quote(f) },
		prompt: "__atmos_auth_hook",
		cd:     func(n string) string { return "cd $" + n },
	},
	"tcsh": {
		load:   func(d Dialect, f string) string { return "eval \"`cat " + d.Quote(f) + "`\"" },
		prompt: "precmd",
		cd:     func(n string) string { return "cd $" + n + ":q" },
	},
	"elvish": {
		// edit: exists only in an interactive elvish: a plain variable
		// stands in for edit:before-readline, and the prompt calls it.
		load: func(d Dialect, f string) string {
			return "var edit_before_readline = []\neval (slurp < " + d.Quote(f) + ")"
		},
		fixHook: func(h string) string { return strings.ReplaceAll(h, "edit:before-readline", "edit_before_readline") },
		prompt:  "for h $edit_before_readline { $h }",
		cd:      func(n string) string { return "cd $E:" + n },
	},
	"nu": {
		load:   func(d Dialect, f string) string { return "source " + d.Quote(f) },
		prompt: "do --env ($env.config.hooks.pre_prompt | last)",
		cd:     func(n string) string { return "cd $env." + n },
		// nu panics at startup on an environment variable that is not
		// UTF-8, and its cd drops a trailing newline.
		limit: func(s string) string { return strings.TrimRight(strings.ToValidUTF8(s, "_"), "\n") },
	},
}

func evalPOSIX(d Dialect, f string) string { return `eval "$(cat ` + d.Quote(f) + `)"` }

func cdPOSIX(n string) string { return `cd "$` + n + `"` }

// hostileNames are directory names from a hostile repository: newlines at
// both ends, quotes, history and substitution syntax, globs, a modifier,
// and bytes that are not UTF-8.
var hostileNames = [2]string{
	"\n'\"!$(id)`id`${HOME}\\ *?[x] $cwd:q ~\xff\xfe\xc0\xaf\n",
	"-n sub!\n\xed\xa0\x80'\\",
}

// TestHookHostileDirectory runs the real hook (the built atmos-auth) in
// every real shell, calling it by name as its prompt would, through two
// nested identity trees whose directory names hold newlines, quotes, !,
// $, backquotes and bytes that are not UTF-8. The identity must switch at
// each cd and be restored on leaving, byte for byte; a second prompt in
// the same place must start no process; and the shell must print nothing
// (no error at any prompt).
func TestHookHostileDirectory(t *testing.T) {
	bin := testenv.AtmosAuth(t)
	for _, name := range Names() {
		c, ok := hookCallers[name]
		if !ok {
			continue // pwsh cannot run here
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runHookHostile(t, bin, name, c)
		})
	}
}

func runHookHostile(t *testing.T, bin, name string, c hookCaller) {
	d := Registry[name]
	rs := realShells[name]
	rs.argv(t, "") // skips when the shell is missing
	root := t.TempDir()
	home, w, out := root+"/home", root+"/w", root+"/out"
	limit := c.limit
	if limit == nil {
		limit = func(s string) string { return s }
	}
	n1, n2 := limit(hostileNames[0]), limit(hostileNames[1])
	d1 := filepath.Join(w, n1)
	d2 := filepath.Join(d1, n2)
	d3 := filepath.Join(w, limit("pending\n\xff"))
	for _, dir := range []string{home, d2, d3, out} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(root+"/atmos.yaml", `auth:
  identities:
    plain: {kind: ambient, default: true}
    base: {kind: aws/ambient}
    role:
      kind: aws/assume-role
      via: {identity: base}
      principal: {assume_role: "arn:aws:iam::999999999999:role/X", region: eu-west-1}
`, 0o644)
	write(d1+"/.atmos-identity", "identity: role\n", 0o644)
	write(d2+"/.atmos-identity", "identity: plain\n", 0o644)
	// Not allowed: its content reaches the hook's variables (elvish
	// compares it with builtins).
	write(d3+"/.atmos-identity", limit("identity: role\n# $HOME \\$ `x` '\"\xff\xc0\n"), 0o644)
	// A wrapper counts hook processes.
	counter := root + "/count"
	wrapper := root + "/atmos-auth-counting"
	write(wrapper, "#!/bin/sh\necho x >> '"+counter+"'\nexec '"+bin+"' \"$@\"\n", 0o755)

	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TERM=dumb", "LANG=C.UTF-8",
		"ATMOS_CLI_CONFIG_PATH=" + root + "/atmos.yaml", "XDG_CONFIG_HOME=" + home + "/.config",
		"XDG_DATA_HOME=" + home + "/.local/share", "XDG_CACHE_HOME=" + home + "/.cache",
		"DBUS_SESSION_BUS_ADDRESS=disabled:", "ATMOS_AUTH_EXECUTABLE=" + wrapper,
		// Only the pending file's line is looked for: no switch lines.
		"ATMOS_AUTH_HOOK_QUIET=1"}
	atmos := func(dir string, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, append([]string{"PWD=" + dir}, env...)
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("atmos-auth %s: %v", strings.Join(args, " "), err)
		}
		return b
	}
	atmos(d1, "allow")
	atmos(d2, "allow")
	// tcsh compares mtimes in seconds: files written this second would be
	// checked again on the next prompt.
	old := time.Now().Add(-time.Hour)
	for _, f := range []string{d1 + "/.atmos-identity", d2 + "/.atmos-identity", d3 + "/.atmos-identity"} {
		if err := os.Chtimes(f, old, old); err != nil {
			t.Fatal(err)
		}
	}
	hook := string(atmos(w, "hook", name))
	if c.fixHook != nil {
		hook = c.fixHook(hook)
	}
	write(root+"/hook.txt", hook, 0o600)

	orig := map[string]string{"AWS_PROFILE": limit("mine 'q' \"dq\" $HOME `x` \\ !\n second\xff"), "AWS_REGION": ""}
	environ := append([]string{}, env...)
	for k, v := range orig {
		environ = append(environ, k+"="+v)
	}

	// Each step: cd, a prompt, the environment, a second (quiet) prompt.
	steps := []string{w, d1, d2, d3, w}
	var script strings.Builder
	script.WriteString(c.load(d, root+"/hook.txt") + "\n")
	for i, dir := range steps {
		dv := "HOSTILE_DIR_" + strconv.Itoa(i)
		environ = append(environ, dv+"="+dir)
		script.WriteString(c.cd(dv) + "\n" + c.prompt + "\n")
		script.WriteString(rs.dump(d, filepath.Join(out, strings.Repeat("s", i+1))) + "\n")
		script.WriteString(c.prompt + "\n")
	}
	write(root+"/script", script.String(), 0o600)
	argv := rs.argv(t, root+"/script")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = w, environ
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	err := cmd.Run()
	// The one message expected: the pending file's, once (it names the
	// path, newline included).
	o := output.String()
	i, j := strings.Index(o, "atmos-auth: "), strings.Index(o, "is not allowed yet")
	rest := o
	if i >= 0 && j > i {
		_, after, _ := strings.Cut(o[j:], "\n")
		rest = o[:i] + after
	}
	if err != nil || strings.Count(o, "is not allowed yet") != 1 || rest != "" {
		t.Errorf("%s: the shell failed (%v) or said more than the pending file's line once:\n%s", name, err, trunc(output.String()))
	}

	dump := func(i int) map[string]string {
		b, err := os.ReadFile(filepath.Join(out, strings.Repeat("s", i+1)))
		if err != nil {
			t.Fatalf("step %d: no environment dump: %v", i, err)
		}
		m := map[string]string{}
		for _, kv := range strings.Split(string(b), "\x00") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				m[k] = v
			}
		}
		return m
	}
	expect := func(step int, want map[string]string) {
		t.Helper()
		got := dump(step)
		for k, v := range want {
			g, ok := got[k]
			if v == "<unset>" {
				if ok {
					t.Errorf("step %d: %s = %q, want it unset", step, k, trunc(g))
				}
			} else if g != v || !ok {
				t.Errorf("step %d: %s = %q (set %v), want %q", step, k, trunc(g), ok, trunc(v))
			}
		}
	}
	expect(0, map[string]string{"ATMOS_IDENTITY": "<unset>", "AWS_PROFILE": orig["AWS_PROFILE"], "AWS_REGION": ""})
	expect(1, map[string]string{"ATMOS_IDENTITY": "role", "AWS_PROFILE": "role", "AWS_REGION": "eu-west-1"})
	expect(2, map[string]string{"ATMOS_IDENTITY": "plain", "AWS_PROFILE": orig["AWS_PROFILE"], "AWS_REGION": ""})
	expect(3, map[string]string{"ATMOS_IDENTITY": "<unset>", "AWS_PROFILE": orig["AWS_PROFILE"], "AWS_REGION": ""})
	expect(4, map[string]string{"ATMOS_IDENTITY": "<unset>", "AWS_PROFILE": orig["AWS_PROFILE"], "AWS_REGION": ""})
	// One process per change of tree (four), none on the quiet prompts.
	b, _ := os.ReadFile(counter)
	if n := strings.Count(string(b), "x"); n != 4 {
		t.Errorf("%d hook processes, want 4 (one per change of identity tree, none on a quiet prompt)", n)
	}
}

// TestElvishHookSurvivesBadOutput: whatever `__hook` prints or however it
// fails, the elvish prompt hook reports one line and the shell goes on.
// (With eval's &on-end, elvish 0.19 crashed on output that did not parse:
// the old identity stayed exported in its recovery shell.)
func TestElvishHookSurvivesBadOutput(t *testing.T) {
	elvish := testenv.RequireTool(t, "elvish")
	for _, fake := range []string{`printf 'set-env A "\\$"\n'`, `echo 'set-env A 1'; exit 3`, `printf '\377 ('`} {
		dir := t.TempDir()
		exe := filepath.Join(dir, "fake-atmos-auth")
		if err := os.WriteFile(exe, []byte("#!/bin/sh\n"+fake+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, ".atmos-identity"), []byte("identity: x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		hook := hookCallers["elvish"].fixHook(Elvish{}.Hook(exe, ".atmos-identity"))
		script := "var edit_before_readline = []\neval " + Elvish{}.Quote(hook) + "\ncd " + Elvish{}.Quote(dir) +
			"\n" + hookCallers["elvish"].prompt + "\necho alive\n"
		out, err := exec.Command(elvish, "-norc", "-c", script).CombinedOutput()
		if err != nil || !strings.HasSuffix(string(out), "alive\n") || strings.Count(string(out), "atmos-auth: hook:") != 1 {
			t.Errorf("%s: %v\n%s", fake, err, trunc(string(out)))
		}
	}
}
