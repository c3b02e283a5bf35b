package termsafe

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"/home/u/proj":           "/home/u/proj",
		"é ü 日本 ✓":               "é ü 日本 ✓",
		"a\x1b[31mred\x1b[0m":    `a\x1b[31mred\x1b[0m`,
		"\x1b]0;title\x07":       `\x1b]0;title\x07`,
		"bell\a tab\t nl\n cr\r": `bell\x07 tab\x09 nl\x0a cr\x0d`,
		"del\x7f":                `del\x7f`,
		"csi8\x9b31m":            `csi8\x9b31m`, // a lone 0x9b: invalid UTF-8
		"c1\u009b31m":            `c1\u009b31m`, // U+009B encoded
		"bidi\u202egnp.exe":      `bidi\u202egnp.exe`,
		"zw\u200bj":              `zw\u200bj`,
		"bad\xff\xfe":            `bad\xff\xfe`,
		"nul\x00":                `nul\x00`,
		"tag\U000E0041":          `tag\U000e0041`,
		"":                       "",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Lines("a\nb\x1bc\n"); got != "a\nb\\x1bc\n" {
		t.Errorf("Lines = %q", got)
	}
}

// FuzzString: the output never holds a control or non-printable character
// and is valid UTF-8, whatever the input.
func FuzzString(f *testing.F) {
	for _, s := range []string{"\x1b[2J", "\x9b", "\u009b", "a\xc2", "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{String(s), Lines(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("%q -> invalid UTF-8 %q", s, out)
			}
			for _, r := range out {
				if r != ' ' && r != '\n' && !unicode.IsPrint(r) {
					t.Fatalf("%q -> %q holds %U", s, out, r)
				}
			}
		}
		if out := String(s); len(s) > 0 && len(out) == 0 {
			t.Fatal("text lost")
		}
	})
}
