package testenv

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, srcs ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, src := range srcs {
		p := filepath.Join(dir, "s"+string(rune('a'+i))+".ps1")
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// TestPwshCheck runs the real checker: statements are counted per file, and
// a broken quote anywhere is an error naming that file, so a test built on
// PwshStatements fails on it.
func TestPwshCheck(t *testing.T) {
	files := writeFiles(t,
		"$env:A = 'x'\nRemove-Item Env:B -ErrorAction SilentlyContinue\n# a comment\n$env:C = 'it''s'\n",
		"if ($x) {\n  $env:A = 'y'\n  $env:B = 'z'\n}\n",
	)
	got, err := PwshCheck(t, files...)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{3, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("counts %v, want %v", got, want)
	}

	// An unclosed quote followed by a statement whose quote is doubled is
	// one string assignment: no syntax error, only the count (1 for the 2
	// statements written) shows the second was swallowed.
	swallowed := writeFiles(t, "$env:A = 'a\n$env:B = ''b'\n")
	if got := PwshStatements(t, swallowed...); !reflect.DeepEqual(got, []int{1}) {
		t.Errorf("swallowed statement: counts %v, want [1]", got)
	}

	for _, bad := range []string{
		"$env:A = 'it's'\n",           // a quote closed too early
		"$env:A = 'x\n$env:B = 'y'\n", // a quote never closed swallows the next line
		"if ($x) {\n  $env:A = 'y'\n", // an unclosed block
		"$env:A = \"$(Get-Date\"\n",   // an unclosed subexpression
	} {
		files := writeFiles(t, "$env:OK = 'fine'\n", bad)
		_, err := PwshCheck(t, files...)
		if err == nil || !strings.Contains(err.Error(), files[1]+": syntax error") {
			t.Errorf("PwshCheck accepted %q: %v", bad, err)
		}
	}
}

// TestParsePwshCheck: one "FILE: ok N" answer per file sent, in order, or
// an error.
func TestParsePwshCheck(t *testing.T) {
	files := []string{"/t/a.ps1", "/t/b.ps1"}
	got, err := parsePwshCheck("/t/a.ps1: ok 4\n/t/b.ps1: ok 0\n", nil, files)
	if err != nil || !reflect.DeepEqual(got, []int{4, 0}) {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, tc := range []struct {
		out string
		err error
	}{
		{"/t/a.ps1: ok 4\n", nil},                                      // an answer missing
		{"/t/a.ps1: ok 4\n/t/b.ps1: ok 1\n/t/c.ps1: ok 1\n", nil},      // one too many
		{"/t/b.ps1: ok 1\n/t/a.ps1: ok 4\n", nil},                      // out of order
		{"/t/a.ps1: ok 4\n/t/b.ps1: syntax error at 1:9 ERROR\n", nil}, // an error line
		{"/t/a.ps1: ok four\n/t/b.ps1: ok 1\n", nil},                   // not a count
		{"", nil}, // nothing
		{"/t/a.ps1: ok 4\n/t/b.ps1: ok 1\n", errors.New("exit status 1")}, // the checker failed
	} {
		if got, err := parsePwshCheck(tc.out, tc.err, files); err == nil {
			t.Errorf("parsePwshCheck(%q, %v) = %v, want an error", tc.out, tc.err, got)
		}
	}
}
