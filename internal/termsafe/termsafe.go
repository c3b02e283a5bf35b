// Package termsafe makes text from untrusted sources (directory names,
// identity files, configuration values, error messages quoting them) safe
// to print on a terminal: nothing it returns can move the cursor, change
// colours or the title, ring the bell, start an OSC/DCS/CSI sequence, or
// hide text behind a bidi override.
package termsafe

import (
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
	keepNewlines := func(buf []byte, r rune) ([]byte, bool) {
		if lines && r == '\n' {
			return append(buf, '\n'), true
		}
		return buf, false
	}
	return string(Append(make([]byte, 0, len(s)+16), s, keepNewlines))
}

// Append appends s to buf with every byte or character a terminal could
// act on replaced by a visible escape, as String does. own, when not nil,
// sees each valid character first and returns true when it appended that
// character itself (a caller's own quoting: logfmt escapes quotes and
// shell syntax on top of this).
func Append(buf []byte, s string, own func(buf []byte, r rune) ([]byte, bool)) []byte {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			buf = appendHex(buf, s[i])
			i++
			continue
		}
		if own != nil {
			var done bool
			if buf, done = own(buf, r); done {
				i += n
				continue
			}
		}
		switch {
		case r < 0x80 && (r < 0x20 || r == 0x7f):
			buf = appendHex(buf, byte(r))
		case r == ' ' || unicode.IsPrint(r):
			buf = append(buf, s[i:i+n]...)
		case r <= 0xffff:
			buf = appendHexN(append(buf, `\u`...), uint32(r), 4)
		default:
			buf = appendHexN(append(buf, `\U`...), uint32(r), 8)
		}
		i += n
	}
	return buf
}

const hexDigits = "0123456789abcdef"

func appendHex(buf []byte, b byte) []byte {
	return append(buf, '\\', 'x', hexDigits[b>>4], hexDigits[b&0xf])
}

func appendHexN(buf []byte, v uint32, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		buf = append(buf, hexDigits[(v>>(4*uint(i)))&0xf])
	}
	return buf
}
