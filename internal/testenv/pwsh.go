package testenv

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// pwshChecker is scripts/npm/pwsh-check.mjs, found from this file so that
// any package's tests can use it.
func pwshChecker() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..", "scripts", "npm", "pwsh-check.mjs")
}

// PwshCheck parses each file with scripts/npm/pwsh-check.mjs
// (tree-sitter-powershell: PowerShell itself cannot be installed here) and
// returns the number of top-level statements of each, in order. A syntax
// error, a checker failure or an answer that does not give exactly one
// count per file sent is an error. The tools are required like RequireTool.
func PwshCheck(t testing.TB, files ...string) ([]int, error) {
	t.Helper()
	node := RequireTool(t, "node")
	checker := pwshChecker()
	RequireFile(t, filepath.Join(filepath.Dir(checker), "node_modules", "tree-sitter-powershell"))
	out, err := exec.Command(node, append([]string{"--no-deprecation", checker}, files...)...).CombinedOutput()
	return parsePwshCheck(string(out), err, files)
}

// PwshStatements is PwshCheck failing t on any error. Callers compare the
// counts with the statements they sent: a quote that swallows the code
// after it can still parse, but not into the same number of statements.
func PwshStatements(t testing.TB, files ...string) []int {
	t.Helper()
	counts, err := PwshCheck(t, files...)
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

// parsePwshCheck reads the checker's "FILE: ok N" lines, one per file in
// the order sent; anything else (a "syntax error" line, a stray or missing
// line, a non-zero exit) is an error quoting the output.
func parsePwshCheck(out string, runErr error, files []string) ([]int, error) {
	fail := func(why string) ([]int, error) {
		return nil, fmt.Errorf("pwsh-check %s: %s\n%s", strings.Join(files, " "), why, out)
	}
	if runErr != nil {
		return fail(runErr.Error())
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if out == "" {
		lines = nil
	}
	if len(lines) != len(files) {
		return fail(fmt.Sprintf("%d answers for %d files", len(lines), len(files)))
	}
	counts := make([]int, len(files))
	for i, f := range files {
		rest, ok := strings.CutPrefix(lines[i], f+": ok ")
		n, err := strconv.Atoi(rest)
		if !ok || err != nil || n < 0 {
			return fail(fmt.Sprintf("line %d is not %q", i+1, f+": ok N"))
		}
		counts[i] = n
	}
	return counts, nil
}
