package shells

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/internal/termsafe"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// Reference prompt readers: each models, independently of PromptLiteral,
// what its shell does to a prompt string, and fails on anything that would
// be interpreted (an expansion, a prompt escape) rather than shown.

var errInterpreted = errors.New("interpreted")

// bashPromptEscapes are the letters after \ that bash's prompt decoding
// replaces (\u user, \w directory, \e ESC, \[ \], \nnn octal, ...).
const bashPromptEscapes = "aAdDehHjlnrstTuvVwW!#$@[]01234567"

// readBashPrompt decodes PS1 the way bash does with promptvars on: first
// the backslash escapes (\\ is one backslash; \ before any other character
// stays), then an expansion like a double-quoted string's, where \ before
// $ ` " \ is removed and a bare $ or ` expands.
func readBashPrompt(ps1 string) (string, error) {
	var dec strings.Builder
	for i := 0; i < len(ps1); i++ {
		c := ps1[i]
		if c != '\\' || i+1 == len(ps1) {
			dec.WriteByte(c)
			continue
		}
		i++
		switch n := ps1[i]; {
		case n == '\\':
			dec.WriteByte('\\')
		case strings.IndexByte(bashPromptEscapes, n) >= 0:
			return "", fmt.Errorf("%w: prompt escape \\%c", errInterpreted, n)
		default:
			dec.WriteByte('\\')
			dec.WriteByte(n)
		}
	}
	return readDoubleQuoted(dec.String(), "$`\"\\")
}

// readDoubleQuoted removes \ before the characters in escapable and fails
// on a bare $ or `.
func readDoubleQuoted(s, escapable string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(escapable, s[i+1]) >= 0:
			i++
			b.WriteByte(s[i])
		case c == '$' || c == '`':
			return "", fmt.Errorf("%w: bare %c", errInterpreted, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// readZshPrompt reads PS1 the way zsh does with PROMPT_SUBST: substitution
// first (\ before $ ` \ is removed, a bare $ or ` expands), then prompt
// escapes, where only %% (a percent sign) is allowed.
func readZshPrompt(ps1 string) (string, error) {
	sub, err := readDoubleQuoted(ps1, "$`\\")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i := 0; i < len(sub); i++ {
		if sub[i] == '%' {
			if i+1 == len(sub) || sub[i+1] != '%' {
				return "", fmt.Errorf("%w: prompt escape at %d", errInterpreted, i)
			}
			i++
		}
		b.WriteByte(sub[i])
	}
	return b.String(), nil
}

// promptSeeds are names a hostile atmos.yaml could hold.
func promptSeeds() []string {
	seeds := []string{
		"plain-name", "dev$(touch${IFS}pwned)", "a`id`", "x;touch y;", "$((6*7))", "${HOME}", "$HOME",
		"%F{red}red%f", "%n@%m %~ %D{%s} %(?.a.b)", "%", "a%", `\`, `\\`, `\$`, `\$(id)`, "\\`id\\`",
		`\w \u \h \e[31m \[ \] \033 \D{%s} \! \#`, "a\\", "'\"", "*?[a-z]", "~root", "{a,b}", "!!", "!$",
		"a\nb", "\x1b]0;EVIL\x07", "\x1b[2J", "\u009b31m", "\u202eevil", "\r\t\v\f", "\xff\xfe", "\x00",
		"é日本€", "[prod > dev] ",
	}
	for _, v := range torture() {
		if len(v) < 256 {
			seeds = append(seeds, v)
		}
	}
	return seeds
}

func checkPromptLiterals(t *testing.T, s string) {
	t.Helper()
	want := termsafe.String(s)
	for _, c := range []struct {
		shell string
		lit   string
		read  func(string) (string, error)
	}{
		{"bash", Bash{}.PromptLiteral(s), readBashPrompt},
		{"zsh", Zsh{}.PromptLiteral(s), readZshPrompt},
	} {
		got, err := c.read(c.lit)
		if err != nil {
			t.Errorf("%s PromptLiteral(%q) = %q: %v", c.shell, s, c.lit, err)
		} else if got != want {
			t.Errorf("%s PromptLiteral(%q) = %q shows %q, want %q", c.shell, s, c.lit, got, want)
		}
	}
}

// checkPwshArg: Arg is a plain word or a verbatim string reading back as s.
func checkPwshArg(t *testing.T, s string) {
	t.Helper()
	if checkUTF8(s) != nil {
		return // Pwsh cannot hold it; completion offers only printable names
	}
	a := Pwsh{}.Arg(s)
	if a == s {
		if s == "" || !isLetter(s[0]) || strings.Trim(s, bareSet) != "" || strings.ContainsAny(s, ",%@+") {
			t.Errorf("Pwsh.Arg(%q) left %q bare", s, a)
		}
		return
	}
	if got, err := unquotePwsh(a); err != nil || got != s {
		t.Errorf("Pwsh.Arg(%q) = %q reads back as %q (%v)", s, a, got, err)
	}
}

// FuzzPromptLiteral feeds arbitrary names through the prompt literals (bash,
// zsh) and the PowerShell completion quoting, checked by the reference
// readers above. `go test` runs the seeds only.
func FuzzPromptLiteral(f *testing.F) {
	for _, s := range promptSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkPromptLiterals(t, s)
		checkPwshArg(t, s)
	})
}

// TestPromptLiteralRealShells renders every seed's literal in real bash
// (${x@P}, as PS1 is rendered) and real zsh (print -P with PROMPT_SUBST):
// each must show termsafe.String(name) exactly, and with promptvars or
// PROMPT_SUBST off nothing may run either.
func TestPromptLiteralRealShells(t *testing.T) {
	dir := t.TempDir()
	seeds := promptSeeds()
	for i := range seeds {
		seeds[i] = strings.ReplaceAll(seeds[i], "touch", "touch "+dir+"/mk")
	}
	seeds = append(seeds, "$(touch "+dir+"/mk1)", "`touch "+dir+"/mk2`", "$(touch${IFS}"+dir+"/mk3)")
	render := func(shell, script string, lit func(string) string, wantShown bool) {
		t.Helper()
		var in bytes.Buffer
		for _, s := range seeds {
			in.WriteString(lit(s) + "\n") // literals are one line: termsafe escapes newlines
		}
		noRC := map[string]string{"bash": "--norc", "zsh": "-f"}[shell]
		cmd := exec.Command(testenv.RequireTool(t, shell), noRC, "-c", script)
		cmd.Stdin, cmd.Dir = &in, dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", shell, err)
		}
		got := strings.Split(string(out), "\x00")
		if len(got) != len(seeds)+1 {
			t.Fatalf("%s: %d results for %d names", shell, len(got)-1, len(seeds))
		}
		for i, s := range seeds {
			if wantShown && got[i] != termsafe.String(s) {
				t.Errorf("%s shows %q as %q, want %q", shell, s, got[i], termsafe.String(s))
			}
		}
		if m, _ := filepath.Glob(filepath.Join(dir, "mk*")); len(m) > 0 {
			t.Fatalf("%s ran a name: %v", shell, m)
		}
	}
	bashRead := `while IFS= read -r x; do printf '%s\0' "${x@P}"; done`
	zshRead := `while IFS= read -r x; do print -rnP -- "$x"; printf '\0'; done`
	render("bash", bashRead, Bash{}.PromptLiteral, true)
	render("bash", "shopt -u promptvars; "+bashRead, Bash{}.PromptLiteral, false)
	render("zsh", "setopt PROMPT_SUBST; "+zshRead, Zsh{}.PromptLiteral, true)
	render("zsh", zshRead, Zsh{}.PromptLiteral, false)
}
