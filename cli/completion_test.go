package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// completionScript writes `atmos-auth completion sh` to a file.
func completionScript(t *testing.T, sh string) string {
	t.Helper()
	_, env := testEnv(t)
	cmd := exec.Command(testenv.AtmosAuth(t), "completion", sh)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("completion %s: %v", sh, err)
	}
	p := filepath.Join(t.TempDir(), "c."+sh)
	if err := os.WriteFile(p, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runOK(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out)
}

// TestCompletionSyntax runs each shell's own parser (PowerShell: the
// tree-sitter grammar, shellcheck for bash too) on its completion script.
func TestCompletionSyntax(t *testing.T) {
	t.Run("bash", func(t *testing.T) {
		p := completionScript(t, "bash")
		runOK(t, testenv.RequireTool(t, "bash"), "-n", p)
		runOK(t, testenv.RequireTool(t, "shellcheck"), "--shell=bash", p)
	})
	t.Run("zsh", func(t *testing.T) {
		runOK(t, testenv.RequireTool(t, "zsh"), "-n", completionScript(t, "zsh"))
	})
	t.Run("fish", func(t *testing.T) {
		runOK(t, testenv.RequireTool(t, "fish"), "--no-execute", completionScript(t, "fish"))
	})
	t.Run("pwsh", func(t *testing.T) {
		// One Register-ArgumentCompleter statement, whole.
		if got := testenv.PwshStatements(t, completionScript(t, "pwsh")); got[0] != 1 {
			t.Errorf("pwsh completion: %d top-level statements, want 1", got[0])
		}
	})
	t.Run("tcsh", func(t *testing.T) {
		runOK(t, testenv.RequireTool(t, "tcsh"), "-n", "-f", completionScript(t, "tcsh"))
	})
	t.Run("elvish", func(t *testing.T) {
		// edit: exists only in an interactive elvish: stand plain
		// variables in for what the script uses of it.
		p := completionScript(t, "elvish")
		src, _ := os.ReadFile(p)
		s := strings.NewReplacer("edit:completion:arg-completer", "arg_completer",
			"edit:complete-filename", "complete-filename").Replace(string(src))
		if s == string(src) {
			t.Fatal("the script no longer uses edit:")
		}
		os.WriteFile(p, []byte("var arg_completer = [&]\nfn complete-filename {|@a| }\n"+s), 0o600)
		runOK(t, testenv.RequireTool(t, "elvish"), "-compileonly", p)
	})
	t.Run("nu", func(t *testing.T) {
		nu, _ := filepath.Abs(nuPath)
		testenv.RequireFile(t, nu)
		if out := runOK(t, nu, "--no-config-file", "-c", "nu-check '"+completionScript(t, "nu")+"'"); !strings.Contains(out, "true") {
			t.Errorf("nu-check: %s", out)
		}
	})
}

// TestCompletionREADME: README.md shows, on a line of its own, how each
// shell `completion --help` lists loads its completion.
func TestCompletionREADME(t *testing.T) {
	_, env := testEnv(t)
	cmd := exec.Command(testenv.AtmosAuth(t), "completion", "--help")
	cmd.Env = env
	help, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^ +(\w+) +(.*atmos-auth completion \w+.*)$`)
	found := line.FindAllStringSubmatch(string(help), -1)
	if len(found) != 7 {
		t.Fatalf("completion --help lists %d shells, want 7:\n%s", len(found), help)
	}
	for _, m := range found {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(m[2])).Match(readme) {
			t.Errorf("README.md does not show how %s loads its completion: `%s`", m[1], m[2])
		}
	}
}
