package shells

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// syntaxEnv is the torture sets (what d can hold) plus the golden
// Environment; attacker adds the short attacker values.
func syntaxEnv(d Dialect, attacker bool) *environ.Environment {
	env := fixedEnv()
	for k, v := range torture() {
		env.SetVar(k, v)
	}
	sets := []map[string]string{tortureNonUTF8()}
	if attacker {
		sets = append(sets, attackerTorture())
	}
	for _, m := range sets {
		for k, v := range m {
			// (The long values run through the real shells; here they
			// would only slow the linters down.)
			if Check(d, k, v) == nil && len(v) < 4096 {
				env.SetVar(k, v)
			}
		}
	}
	return env
}

func renderToFile(t *testing.T, d Dialect, ext string, attacker bool) (path string, statements int) {
	t.Helper()
	env := syntaxEnv(d, attacker)
	out, err := Render(d, env)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "env."+ext)
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, len(env.Set) + len(env.Unset)
}

func run(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, trunc(string(out)))
	}
	return string(out)
}

// TestShellcheck lints emitted code as bash and as POSIX sh. SC2016
// ("expressions don't expand in single quotes") and SC1003 ("want to
// escape a single quote?" on a literal backslash) flag exactly the literal
// bytes the quoting is meant to keep; SC1110-SC1112 warn about literal
// typographic quotes.
func TestShellcheck(t *testing.T) {
	sc := testenv.RequireTool(t, "shellcheck")
	for _, sh := range []string{"bash", "sh"} {
		// (Not the attacker set: shellcheck takes a minute over it; bash
		// runs it in TestRoundTripAttacker.)
		path, _ := renderToFile(t, Bash{}, "sh", false)
		run(t, sc, "--shell="+sh, "--severity=style", "--exclude=SC2016,SC1003,SC1110,SC1111,SC1112", path)
	}
}

// TestSyntaxCheck runs each shell's own no-execute parser on its output.
func TestSyntaxCheck(t *testing.T) {
	nu, _ := filepath.Abs(nuPath)
	checks := map[string]func(t *testing.T, path string) []string{
		"bash": func(t *testing.T, p string) []string { return []string{testenv.RequireTool(t, "bash"), "-n", p} },
		"zsh":  func(t *testing.T, p string) []string { return []string{testenv.RequireTool(t, "zsh"), "-n", p} },
		"fish": func(t *testing.T, p string) []string {
			return []string{testenv.RequireTool(t, "fish"), "--no-execute", p}
		},
		"tcsh": func(t *testing.T, p string) []string { return []string{testenv.RequireTool(t, "tcsh"), "-n", "-f", p} },
		"elvish": func(t *testing.T, p string) []string {
			return []string{testenv.RequireTool(t, "elvish"), "-compileonly", p}
		},
		"nu": func(t *testing.T, p string) []string {
			return []string{testenv.RequireFile(t, nu), "--no-config-file", "-c", "nu-check " + (Nu{}).Quote(p)}
		},
	}
	for _, name := range Names() {
		if name == "pwsh" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			path, _ := renderToFile(t, Registry[name], name, true)
			out := run(t, checks[name](t, path)...)
			if name == "nu" && !strings.Contains(out, "true") {
				t.Errorf("nu-check: %s", out)
			}
		})
	}
}

// TestPwshSyntax parses the emitted PowerShell with tree-sitter-powershell
// (scripts/npm) and checks that every statement is a statement of its own.
func TestPwshSyntax(t *testing.T) {
	path, n := renderToFile(t, Pwsh{}, "ps1", true)
	if got := testenv.PwshStatements(t, path); got[0] != n {
		t.Errorf("pwsh-check: %d top-level statements, want %d (one per variable set or unset)", got[0], n)
	}
	// The checker must catch a broken quote, or this test proves nothing.
	bad := filepath.Join(t.TempDir(), "bad.ps1")
	if err := os.WriteFile(bad, []byte("$env:A = 'it's'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := testenv.PwshCheck(t, bad); err == nil {
		t.Errorf("pwsh-check accepted broken code")
	}
}
