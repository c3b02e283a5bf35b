package shells

import (
	"strings"
	"unicode/utf8"

	"github.com/atmos-auth/atmos-auth/environ"
)

// Tcsh is tcsh (and csh): setenv NAME value ; and unsetenv NAME ;
//
// Every statement ends with " ;" so the output also works joined on one
// line, as eval "`atmos-auth env --format tcsh`" does. Two kinds of value
// only round-trip when the output is sourced from a file (source FILE, as
// the hook does):
//
//   - a newline: csh command substitution turns newlines into word breaks,
//     so no quoting can carry one through eval "`...`";
//   - bytes that are not UTF-8: in a UTF-8 locale, tcsh's command
//     substitution re-encodes each such byte and then loses as many bytes
//     near the end of its 4 KiB buffer, quotes included, which can turn the
//     rest of a value into commands.
//
// Output holding either starts with tcshEvalGuard, which applies nothing
// (and says why) when the lines were joined.
type Tcsh struct{}

// tcshEvalGuard measures a quoted newline: one character when the output
// is sourced, two ("\ ") when eval "`...`" has joined the lines. Joined, it
// says so and comments out the rest of the line: everything. Its own bytes
// are ASCII and come first, before any byte command substitution could
// lose. (The message goes to stdout, the terminal under eval: tcsh -n
// rejects a redirection in a one-line if.)
const tcshEvalGuard = `set _atmos_auth_nl = '\
' ; if ( $%_atmos_auth_nl != 1 ) echo 'atmos-auth: a value holds a newline or bytes that are not UTF-8, which eval cannot carry: nothing was changed; use: atmos-auth env -f tcsh -o FILE ; source FILE' ; unset _atmos_auth_nl ; #
`

// tcshNeedsGuard reports whether a value can only be sourced.
func tcshNeedsGuard(v string) bool {
	return strings.Contains(v, "\n") || !utf8.ValidString(v)
}

func (Tcsh) prologue(env *environ.Environment) string {
	for _, v := range env.Set {
		if tcshNeedsGuard(v) {
			return tcshEvalGuard
		}
	}
	return ""
}

func (Tcsh) Name() string { return "tcsh" }

// Quote single-quotes runs of ordinary bytes. Inside csh single quotes
// everything is literal except '!' (history substitution, active even in
// scripts) and newline, so:
//
//	'  ->  \'        (outside quotes)
//	!  ->  \!        (outside quotes)
//	LF ->  '\<LF>'   (backslash-newline inside quotes is a newline)
//
// e.g. "it's!\n" becomes 'it'\”s'\!'\
// '. A backslash is literal inside quotes, including before the closing
// quote.
func (Tcsh) Quote(s string) string {
	if isBare(s) {
		return s
	}
	if s == "" {
		return "''"
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	open := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\'', '!':
			if open {
				b.WriteByte('\'')
				open = false
			}
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			if open {
				b.WriteByte('\'')
				open = false
			}
			b.WriteString("'\\\n'")
		default:
			if !open {
				b.WriteByte('\'')
				open = true
			}
			b.WriteByte(c)
		}
	}
	if open {
		b.WriteByte('\'')
	}
	return b.String()
}

func (t Tcsh) Export(name, value string) string {
	return "setenv " + name + " " + t.Quote(value) + " ;"
}

func (Tcsh) Unset(name string) string { return "unsetenv " + name + " ;" }
