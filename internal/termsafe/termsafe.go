// Package termsafe makes text from untrusted sources (directory names,
// identity files, configuration values, error messages quoting them) safe
// to print on a terminal: nothing it returns can move the cursor, change
// colours or the title, ring the bell, start an OSC/DCS/CSI sequence, or
// hide text behind a bidi override.
package termsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// String returns s with every byte or character a terminal could act on
// replaced by a visible escape: invalid UTF-8 bytes (among them a lone
// 0x9b, the 8-bit CSI) and ASCII control characters (C0, including tab
// and newline, and DEL) as \xNN; any other character that is not
// printable (C1 controls such as U+009B, format characters such as bidi
// overrides and zero-width joiners, line and paragraph separators,
// non-ASCII spaces, private-use and unassigned code points) as \uNNNN or
// \UNNNNNNNN. Printable text, including non-ASCII letters, is unchanged.
func String(s string) string {
	if safe(s, false) {
		return s
	}
	return escape(s, false)
}

// Lines is String for multi-line text: newlines are kept, everything else
// is escaped as String does.
func Lines(s string) string {
	if safe(s, true) {
		return s
	}
	return escape(s, true)
}

func safe(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && !(lines && c == '\n') || c >= 0x7f {
			return false
		}
	}
	return true
}

func escape(s string, lines bool) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && lines:
			b.WriteByte('\n')
		case r < 0x80 && (r < 0x20 || r == 0x7f):
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == ' ' || unicode.IsPrint(r):
			b.WriteString(s[i : i+n])
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += n
	}
	return b.String()
}
