package shells

import "strings"

// Tcsh is tcsh (and csh): setenv NAME value ; and unsetenv NAME ;
//
// Every statement ends with " ;" so the output also works joined on one
// line, as eval "`atmos-auth env --format tcsh`" does. A value containing
// a newline only round-trips when the output is sourced from a file
// (source FILE): csh command substitution turns newlines into word breaks,
// so no quoting can carry a newline through eval "`...`".
type Tcsh struct{}

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
