package shells

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Elvish is the elvish shell: set-env NAME value and unset-env NAME.
type Elvish struct{}

func (Elvish) Name() string { return "elvish" }

// Quote uses a single-quoted string, where everything is literal and a '
// is written ”. Elvish source must be UTF-8, so a value that is not valid
// UTF-8 is written double-quoted with \xHH escapes for the bad bytes and
// the control characters. Elvish has no interpolation: inside "..." only
// \ and " need escaping, and an unknown escape such as \$ is a parse
// error that fails the whole chunk.
func (Elvish) Quote(s string) string {
	if isBare(s) {
		return s
	}
	if utf8.ValidString(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('"')
	return b.String()
}

func (e Elvish) Export(name, value string) string {
	return "set-env " + name + " " + e.Quote(value)
}

func (Elvish) Unset(name string) string { return "unset-env " + name }
