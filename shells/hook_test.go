package shells

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// hookExe is a path that needs quoting everywhere.
const hookExe = "/opt/at mos/it's/atmos-auth"

var hookVarsFixture = HookVars{
	State:    "eyJmIjoiL3RtcC9wcm9qLy5hdG1vcy1pZGVudGl0eSJ9-_",
	File:     "/home/u/my proj/it's/.atmos-identity",
	StampDir: "/home/u/.cache/atmos/hook/123.456",
	TrustDir: "/home/u/.local/share/atmos/trust/allow",
	Watch: &HookWatch{ModTime: 1700000000, Size: 17, Recent: true,
		Content: []byte("# it's $x!\nidentity: prod\n"),
		Allow:   "/home/u/.local/share/atmos/trust/allow/0123abcd",
		Deny:    "/home/u/.local/share/atmos/trust/deny/0123abcd", Allowed: true},
}

// hookScript is where the tests pretend a ScriptHooker's script lives.
const hookScript = "/home/u/.local/share/atmos/hook/" + TcshScriptMark + "-0123.tcsh"

func hookers(t *testing.T) map[string]Hooker {
	out := map[string]Hooker{}
	for _, n := range Names() {
		if h, ok := Registry[n].(Hooker); ok {
			out[n] = h
		}
	}
	for _, n := range []string{"bash", "zsh", "fish", "pwsh", "tcsh", "elvish", "nu"} {
		if out[n] == nil {
			t.Fatalf("%s has no hook", n)
		}
	}
	return out
}

// hookText is what a hook run leaves in the shell: the rc code followed by
// one hook run's variable statements.
func hookText(h Hooker) string {
	s := h.Hook(hookExe, ".atmos-identity")
	if sh, ok := h.(ScriptHooker); ok {
		s += sh.Install(hookScript)
	}
	if fa, ok := h.(FileApplier); ok {
		s += fa.Source("/home/u/.cache/atmos/hook/123.456/apply")
	}
	return s + h.HookVars(hookVarsFixture)
}

// TestHookGolden pins every emitted hook (go test ./shells -update).
func TestHookGolden(t *testing.T) {
	for name, h := range hookers(t) {
		testenv.Golden(t, filepath.Join("testdata", "hook."+name+".golden"), hookText(h))
	}
}

func writeHook(t *testing.T, name, ext string) string {
	p := filepath.Join(t.TempDir(), "hook."+ext)
	if err := os.WriteFile(p, []byte(hookText(Registry[name].(Hooker))), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHookShellcheck lints the bash hook (SC2016: the single-quoted
// fixture values are literal on purpose).
func TestHookShellcheck(t *testing.T) {
	sc := testenv.RequireTool(t, "shellcheck")
	run(t, sc, "--shell=bash", "--severity=style", "--exclude=SC2016", writeHook(t, "bash", "sh"))
}

// TestHookSyntax runs each shell's own parser on its hook.
func TestHookSyntax(t *testing.T) {
	run(t, testenv.RequireTool(t, "bash"), "-n", writeHook(t, "bash", "sh"))
	run(t, testenv.RequireTool(t, "zsh"), "-n", writeHook(t, "zsh", "zsh"))
	run(t, testenv.RequireTool(t, "fish"), "--no-execute", writeHook(t, "fish", "fish"))
	run(t, testenv.RequireTool(t, "tcsh"), "-n", "-f", writeHook(t, "tcsh", "tcsh"))
	// edit: exists only in an interactive elvish, where rc.elv evals the
	// hook: stand a plain variable in for it.
	elv := writeHook(t, "elvish", "elv")
	src, _ := os.ReadFile(elv)
	src = []byte("var edit_before_readline = []\n" + strings.ReplaceAll(string(src), "edit:before-readline", "edit_before_readline"))
	if err := os.WriteFile(elv, src, 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, testenv.RequireTool(t, "elvish"), "-compileonly", elv)
	nu, _ := filepath.Abs(nuPath)
	testenv.RequireFile(t, nu)
	if out := run(t, nu, "--no-config-file", "-c", "nu-check "+(Nu{}).Quote(writeHook(t, "nu", "nu"))); !strings.Contains(out, "true") {
		t.Errorf("nu-check: %s", out)
	}
}

// TestHookPwshSyntax parses the PowerShell hook with tree-sitter.
func TestHookPwshSyntax(t *testing.T) {
	// The hook is one guarded if-block (so sourcing it twice is harmless),
	// then one assignment per hook variable (state, and the file whose name
	// holds a quote): another count is code outside the guard or a quote
	// that swallowed a statement.
	if got := testenv.PwshStatements(t, writeHook(t, "pwsh", "ps1")); got[0] != 3 {
		t.Errorf("pwsh hook: %d top-level statements, want 3", got[0])
	}
}

// TestHookIdempotent installs the bash and zsh hooks twice over existing
// prompt (and zsh chpwd) hooks: one entry each, the user's kept, $?
// preserved.
func TestHookIdempotent(t *testing.T) {
	bash := testenv.RequireTool(t, "bash")
	hook := Bash{}.Hook("/bin/false", ".atmos-identity")
	script := "PROMPT_COMMAND='user_pc'\n" + hook + hook + `
printf '%s\n' "$PROMPT_COMMAND"
PROMPT_COMMAND=(a b)
` + hook + `printf '%s,' "${PROMPT_COMMAND[@]}"; echo
(exit 7); _atmos_auth_hook; echo "status $?"
`
	out, err := exec.Command(bash, "--norc", "--noprofile", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := "_atmos_auth_hook;user_pc\n_atmos_auth_hook,a,b,\nstatus 7\n"
	if string(out) != want {
		t.Errorf("bash: got %q, want %q", out, want)
	}
	zsh := testenv.RequireTool(t, "zsh")
	zh := Zsh{}.Hook("/bin/false", ".atmos-identity")
	out, err = exec.Command(zsh, "-f", "-c", "precmd_functions=(mine) chpwd_functions=(cdmine)\n"+zh+zh+
		`print -r -- "${precmd_functions[*]}" "${chpwd_functions[*]}"`).CombinedOutput()
	if err != nil || string(out) != "_atmos_auth_hook mine _atmos_auth_hook cdmine\n" {
		t.Errorf("zsh: %v %q", err, out)
	}
}

// TestHookIdempotentTcshNu installs the tcsh and nu hooks twice over a
// user's own prompt hook: one entry each, the user's kept. (Elvish's
// edit:before-readline exists only interactively: TestHookPTY installs it
// twice and counts hook processes.)
func TestHookIdempotentTcshNu(t *testing.T) {
	dir := t.TempDir()
	tcsh := testenv.RequireTool(t, "tcsh")
	inst := filepath.Join(dir, "install.tcsh")
	if err := os.WriteFile(inst, []byte(Tcsh{}.Install("/x/"+TcshScriptMark+"-1.tcsh")), 0o600); err != nil {
		t.Fatal(err)
	}
	// As users load it: eval "`atmos-auth hook tcsh`" joins the lines.
	load := "eval \"`cat " + inst + "`\"\n"
	out, err := exec.Command(tcsh, "-f", "-c", "alias precmd 'set u = \"a b\"'\n"+load+load+"alias precmd").CombinedOutput()
	if want := "source /x/" + TcshScriptMark + "-1.tcsh ; set u = \"a b\"\n"; err != nil || string(out) != want {
		t.Errorf("tcsh: %v %q, want %q", err, out, want)
	}

	nu, _ := filepath.Abs(nuPath)
	testenv.RequireFile(t, nu)
	hook := filepath.Join(dir, "hook.nu")
	if err := os.WriteFile(hook, []byte(Nu{}.Hook("/bin/false", ".atmos-identity")), 0o600); err != nil {
		t.Fatal(err)
	}
	src := "source " + Nu{}.Quote(hook) + "\n"
	out, err = exec.Command(nu, "--no-config-file", "-c", "$env.config.hooks.pre_prompt = [{|| 1 }]\n"+src+src+
		"print ($env.config.hooks.pre_prompt | length)").CombinedOutput()
	if err != nil || string(out) != "2\n" {
		t.Errorf("nu: %v %q", err, out)
	}
}
