package shells

import "strings"

// Nu is nushell: $env.NAME = 'value' and hide-env -i NAME (-i: no error
// when NAME is not set). Nu strings are UTF-8, so other values are
// rejected.
type Nu struct{}

func (Nu) Name() string { return "nu" }

// Quote uses a single-quoted string (no escapes at all; newlines allowed)
// when s has no ', and otherwise a raw string r#'...'# with one more #
// than the longest run of # following a ' in s, so the terminator '#...#
// cannot occur inside.
func (Nu) Quote(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	longest := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		n := 0
		for i+1+n < len(s) && s[i+1+n] == '#' {
			n++
		}
		longest = max(longest, n)
	}
	h := strings.Repeat("#", longest+1)
	return "r" + h + "'" + s + "'" + h
}

func (n Nu) Export(name, value string) string {
	return "$env." + name + " = " + n.Quote(value)
}

func (Nu) Unset(name string) string { return "hide-env -i " + name }

func (Nu) CheckValue(v string) error { return checkUTF8(v) }
