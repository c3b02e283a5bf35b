package shells

import "strings"

// Pwsh is PowerShell (7+ and Windows PowerShell):
// $env:NAME = 'value' and Remove-Item Env:NAME -ErrorAction SilentlyContinue.
//
// PowerShell cannot hold an empty environment variable before 7.5:
// assigning ” removes it. Values must be valid UTF-8 (strings are UTF-16).
type Pwsh struct{}

func (Pwsh) Name() string { return "pwsh" }

// pwshQuotes are the characters PowerShell treats as a single quote in a
// verbatim string: ' and the typographic ‘ ’ ‚ ‛. Each one inside the
// string is written twice.
const pwshQuotes = "'\u2018\u2019\u201a\u201b"

// Quote returns a verbatim (single-quoted) string: nothing is expanded and
// a quote character is escaped by doubling it.
func (Pwsh) Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s {
		if strings.ContainsRune(pwshQuotes, r) {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

func (p Pwsh) Export(name, value string) string {
	return "$env:" + name + " = " + p.Quote(value)
}

func (Pwsh) Unset(name string) string {
	return "Remove-Item Env:" + name + " -ErrorAction SilentlyContinue"
}

func (Pwsh) CheckValue(v string) error { return checkUTF8(v) }

// Arg returns s as one command argument: as it is when it is a plain word
// (a letter, then letters, digits and _ . - /), else Quote(s). Bare text in
// PowerShell's argument mode may expand ($), split (, ;), splat (@) or
// escape (`), so anything else is quoted.
func (p Pwsh) Arg(s string) string {
	if s != "" && isLetter(s[0]) && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/") == "" {
		return s
	}
	return p.Quote(s)
}

func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }
