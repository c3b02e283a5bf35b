package shells

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// torture is the value set every dialect must round-trip byte for byte.
func torture() map[string]string {
	return map[string]string{
		"T_EMPTY":      "",
		"T_PLAIN":      "AKIAIOSFODNN7EXAMPLE",
		"T_SPACE":      "two  words ",
		"T_SQUOTE":     "it's 'quoted'",
		"T_DQUOTE":     `say "hi"`,
		"T_MIXQ":       `'"'"''"`,
		"T_BACKSLASH":  `a\b\\c\'d\"e\$f\n`,
		"T_TRAIL_BS":   `ends with \`,
		"T_ONLY_BS":    `\`,
		"T_SUBST":      "$(touch /tmp/pwned) `id` ${HOME} $HOME $$ $? $0 $env:HOME $env.HOME (id)",
		"T_BANG":       "hi! !! !$ !-1 !# ^a^b",
		"T_NEWLINES":   "line1\nline2\n\nline4",
		"T_TRAIL_NL":   "ends with newline\n",
		"T_ONLY_NL":    "\n",
		"T_BS_NL":      "back\\\nslash newline\\\n",
		"T_CR":         "crlf\r\nand cr\r",
		"T_TAB":        "tab\there\t",
		"T_CTRL":       "bell\a esc\x1b[31m del\x7f",
		"T_UTF8":       "héllo wörld — 日本語 ‘curly’ “double” ‚low‛",
		"T_EMOJI":      "🔑 key 👩‍💻",
		"T_GLOB":       "*?[a-z]{a,b}**/*.go",
		"T_TILDE":      "~ ~root a:~/x",
		"T_HASH":       "#not a comment # x",
		"T_PERCENT":    "%1 %% %PATH% 100%",
		"T_BRACES":     "{} {a,b} ${x} #{x} @{x} {{x}}",
		"T_DASH":       "-n",
		"T_DASH2":      "--help -e -- -",
		"T_SEMI":       "a; b & c | d && e || f > g < h",
		"T_PAREN":      "(a) [b] <c> @(d)",
		"T_EQ":         "=a==b",
		"T_NU":         "'#'##\"# r#'x'# $'x' \"\\u{41}\"",
		"T_HASHRUN":    "'###",
		"T_SQEND":      "x'",
		"T_SPACES":     "   ",
		"T_LONG":       strings.Repeat("0123456789abcdef", 100*1024/16),
		"T_LONG_LINES": strings.Repeat("line with 'quote' and ! and \\\n", 2000),
	}
}

// tortureNonUTF8 holds values that are not UTF-8: only dialects without a
// ValueChecker must round-trip them.
func tortureNonUTF8() map[string]string {
	return map[string]string{"T_LATIN1": "caf\xe9 \xff\xfe \x80", "T_ZSH_META": "\x83\x84\xa0 meta"}
}

// fixedEnv is the Environment behind the golden files.
func fixedEnv() *environ.Environment {
	env := environ.New()
	env.SetVar("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	env.SetVar("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	env.SetVar("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==")
	env.SetVar("AWS_REGION", "eu-west-1")
	env.SetVar("ATMOS_IDENTITY", "prod-admin")
	env.SetVar("EMPTY", "")
	env.SetVar("QUOTES", `it's "quoted" \ $HOME `+"`id`"+` !!`)
	env.SetVar("MULTILINE", "line1\nline2\n")
	env.SetVar("UNICODE", "héllo ‘curly’ 🔑")
	env.UnsetVar("AWS_PROFILE")
	env.UnsetVar("AWS_DEFAULT_PROFILE")
	return env
}

func TestGolden(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			got, err := Render(Registry[name], fixedEnv())
			if err != nil {
				t.Fatal(err)
			}
			testenv.Golden(t, filepath.Join("testdata", "render."+name+".golden"), got)
		})
	}
}

func TestRenderOrderAndShape(t *testing.T) {
	env := environ.New()
	env.SetVar("B", "2")
	env.SetVar("A", "1")
	env.UnsetVar("Z")
	env.UnsetVar("Y")
	got, err := Render(Bash{}, env)
	if err != nil {
		t.Fatal(err)
	}
	want := "unset -v Y\nunset -v Z\nexport A=1\nexport B=2\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, err := Render(Bash{}, nil); got != "" || err != nil {
		t.Errorf("nil env: %q, %v", got, err)
	}
}

func TestRenderRejects(t *testing.T) {
	for _, name := range Names() {
		d := Registry[name]
		for _, bad := range hostileVarNames() {
			env := environ.New()
			env.SetVar("GOOD", "v")
			env.SetVar(bad, "v")
			out, err := Render(d, env)
			if !errors.Is(err, ErrInvalidName) || out != "" {
				t.Errorf("%s: set %q: out %q err %v, want ErrInvalidName", name, bad, out, err)
				continue
			}
			// The error names the shell and quotes the name: no raw
			// control byte or invalid UTF-8 reaches the terminal.
			msg := err.Error()
			if !strings.Contains(msg, " for "+name+":") || !utf8.ValidString(msg) || strings.ContainsFunc(msg, unicode.IsControl) {
				t.Errorf("%s: set %q: error %q", name, bad, msg)
			}
			env = environ.New()
			env.UnsetVar(bad)
			if _, err := Render(d, env); !errors.Is(err, ErrInvalidName) {
				t.Errorf("%s: unset %q: err %v, want ErrInvalidName", name, bad, err)
			}
		}
		env := environ.New()
		env.SetVar("SECRET", "a\x00topsecret")
		_, err := Render(d, env)
		if !errors.Is(err, ErrInvalidValue) {
			t.Errorf("%s: NUL: err %v, want ErrInvalidValue", name, err)
		} else if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("%s: error leaks the value: %v", name, err)
		}
	}
	for _, name := range []string{"nu", "pwsh"} {
		env := environ.New()
		env.SetVar("X", "\xff")
		if _, err := Render(Registry[name], env); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("%s: invalid UTF-8: err %v, want ErrInvalidValue", name, err)
		}
	}
}

// hostileVarNames are variable names a hostile config could try: every byte
// outside [A-Za-z0-9_] inside a name, a leading digit, empty, non-ASCII
// letters, shell syntax.
func hostileVarNames() []string {
	out := []string{"", "1A", "9", "A-B", "A B", "A.B", "A=B", "É", "Ａ", "A;rm", "$A", "A\n", "\nA", "A\x00", "A\xff",
		"A!", "A`id`", "A$(id)", "A'", "A\"", "A\\", "env:A", "A[0]", "A\u2028", "\x1b[2JA"}
	for b := 1; b < 256; b++ {
		if c := byte(b); !(c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			out = append(out, "A"+string([]byte{c})+"B")
		}
	}
	return out
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"A", "_", "_1", "aws_profile", "AWS_SESSION_TOKEN", "x9"} {
		if !ValidName(ok) {
			t.Errorf("ValidName(%q) = false", ok)
		}
	}
}

func TestNamesLookup(t *testing.T) {
	want := "bash elvish fish nu pwsh tcsh zsh"
	if got := strings.Join(Names(), " "); got != want {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	for _, n := range Names() {
		d, err := Lookup(n)
		if err != nil || d.Name() != n {
			t.Errorf("Lookup(%q) = %v, %v", n, d, err)
		}
	}
	if _, err := Lookup("cmd"); err == nil || !strings.Contains(err.Error(), "bash, elvish") {
		t.Errorf("Lookup(cmd) error = %v", err)
	}
}

func TestDetect(t *testing.T) {
	cases := map[string]string{
		"/bin/bash": "bash", "/usr/bin/zsh": "zsh", "-zsh": "zsh", "zsh": "zsh",
		"/usr/local/bin/fish": "fish", "pwsh.exe": "pwsh", "pwsh": "pwsh",
		`C:\Program Files\PowerShell\7\pwsh.exe`: "pwsh", "powershell.exe": "pwsh",
		"/bin/tcsh": "tcsh", "/bin/csh": "tcsh", "/usr/bin/elvish": "elvish",
		"/home/u/.cargo/bin/nu": "nu", "/bin/sh": "bash", "/usr/bin/dash": "bash",
		"/opt/bash-5.2": "bash", "-bash": "bash", " /bin/zsh5 ": "zsh", "NU.EXE": "nu",
	}
	for in, want := range cases {
		d, ok := Detect(in)
		if !ok || d.Name() != want {
			t.Errorf("Detect(%q) = %v, %v; want %s", in, d, ok, want)
		}
	}
	for _, in := range []string{"", "/bin/cmd.exe", "/usr/bin/python3", "/", "-"} {
		if d, ok := Detect(in); ok {
			t.Errorf("Detect(%q) = %v, want none", in, d.Name())
		}
	}
}
