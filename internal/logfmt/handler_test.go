package logfmt

import (
	"bytes"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAppendValue: a value is bare (safe characters only) or a Go string
// literal that reads back to the value and holds nothing a shell expands
// inside double quotes, no control character and no line break.
func FuzzAppendValue(f *testing.F) {
	for _, s := range []string{"", "plain", "a b", "x$(touch p)\nexport E=1", "a`id`", `b"; id; "`, "c\\", "d\r\x1b]0;t\a", "e\u2028f", "g\u202eh", "\xff\xfe", "!!", "k=v"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(AppendValue(nil, s))
		if !strings.HasPrefix(out, `"`) {
			if !bare(out) || out != s {
				t.Fatalf("bare %q for %q", out, s)
			}
			return
		}
		inner := out[1 : len(out)-1]
		if strings.ContainsAny(inner, "$`!\"\n\r") {
			t.Fatalf("%q holds a shell-special character", out)
		}
		for _, r := range inner {
			if r < 0x20 || r == 0x7f || (r != ' ' && !strconv.IsPrint(r)) {
				t.Fatalf("%q holds a control or non-printable %U", out, r)
			}
		}
		back, err := strconv.Unquote(out)
		if err != nil {
			t.Fatalf("%q does not unquote: %v", out, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("round trip %q -> %q -> %q", s, out, back)
		}
	})
}

func TestHandlerOneLinePerRecord(t *testing.T) {
	var b bytes.Buffer
	l := slog.New(New(&b, slog.LevelDebug)).With("id", "a\nb").WithGroup("g")
	l.Debug("m\nx", "k\n=", "v", slog.Group("c", "type", "aws"))
	got := b.String()
	if strings.Count(got, "\n") != 1 {
		t.Fatalf("not one line: %q", got)
	}
	for _, want := range []string{`level=DEBUG msg="m\nx" id="a\nb" g.k__=v g.c.type=aws`} {
		if !strings.Contains(got, want) {
			t.Fatalf("missing %q in %q", want, got)
		}
	}
}
