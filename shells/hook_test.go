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
}

func hookers(t *testing.T) map[string]Hooker {
	out := map[string]Hooker{}
	for _, n := range Names() {
		if h, ok := Registry[n].(Hooker); ok {
			out[n] = h
		}
	}
	for _, n := range []string{"bash", "zsh", "fish", "pwsh"} {
		if out[n] == nil {
			t.Fatalf("%s has no hook", n)
		}
	}
	return out
}

// hookText is what a hook run leaves in the shell: the rc code followed by
// one hook run's variable statements.
func hookText(h Hooker) string {
	return h.Hook(hookExe, ".atmos-identity") + h.HookVars(hookVarsFixture)
}

// TestHookGolden pins every emitted hook (go test ./shells -update).
func TestHookGolden(t *testing.T) {
	for name, h := range hookers(t) {
		golden(t, filepath.Join("testdata", "hook."+name+".golden"), hookText(h))
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
}

// TestHookPwshSyntax parses the PowerShell hook with tree-sitter.
func TestHookPwshSyntax(t *testing.T) {
	node := testenv.RequireTool(t, "node")
	checker, _ := filepath.Abs("../scripts/npm/pwsh-check.mjs")
	testenv.RequireFile(t, filepath.Join(filepath.Dir(checker), "node_modules", "tree-sitter-powershell"))
	p := writeHook(t, "pwsh", "ps1")
	out := run(t, node, "--no-deprecation", checker, p)
	if !strings.Contains(out, ": ok ") {
		t.Errorf("pwsh-check: %s", out)
	}
}

// TestHookIdempotent installs the bash and zsh hooks twice over existing
// prompt hooks: one entry each, the user's kept, $? preserved.
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
	out, err = exec.Command(zsh, "-f", "-c", "precmd_functions=(mine)\n"+zh+zh+`print -r -- "${precmd_functions[*]}"`).CombinedOutput()
	if err != nil || string(out) != "_atmos_auth_hook mine\n" {
		t.Errorf("zsh: %v %q", err, out)
	}
}
