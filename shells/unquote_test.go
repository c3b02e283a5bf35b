package shells

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/atmos-auth/atmos-auth/environ"
)

// Reference unquoters: each reads one word the way its shell's lexer does
// (independently of how Quote builds it) and returns the value, or an error
// for anything the shell would expand, split or reject.

const bareSet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./,+@%-"

// unquotePOSIX: '...' is literal up to the next '; outside quotes \c is c
// and only the bare set is allowed unquoted.
func unquotePOSIX(w string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(w); {
		switch c := w[i]; {
		case c == '\'':
			j := strings.IndexByte(w[i+1:], '\'')
			if j < 0 {
				return "", fmt.Errorf("unterminated ' at %d", i)
			}
			b.WriteString(w[i+1 : i+1+j])
			i += j + 2
		case c == '\\':
			if i+1 >= len(w) || w[i+1] == '\n' {
				return "", fmt.Errorf("dangling \\ at %d", i)
			}
			b.WriteByte(w[i+1])
			i += 2
		case strings.IndexByte(bareSet, c) >= 0:
			b.WriteByte(c)
			i++
		default:
			return "", fmt.Errorf("unquoted %q at %d", c, i)
		}
	}
	return b.String(), nil
}

// unquoteFish: in '...' only \\ and \' are escapes (other \ is literal).
// A bare %self is fish's process id.
func unquoteFish(w string) (string, error) {
	if strings.HasPrefix(w, "%") {
		return "", fmt.Errorf("bare %% (process expansion)")
	}
	var b strings.Builder
	for i := 0; i < len(w); {
		c := w[i]
		switch {
		case c == '\'':
			i++
			for {
				if i >= len(w) {
					return "", fmt.Errorf("unterminated '")
				}
				if w[i] == '\'' {
					i++
					break
				}
				if w[i] == '\\' && i+1 < len(w) && (w[i+1] == '\\' || w[i+1] == '\'') {
					b.WriteByte(w[i+1])
					i += 2
					continue
				}
				b.WriteByte(w[i])
				i++
			}
		case strings.IndexByte(bareSet, c) >= 0:
			b.WriteByte(c)
			i++
		default:
			return "", fmt.Errorf("unquoted %q at %d", c, i)
		}
	}
	return b.String(), nil
}

// unquotePwsh implements PowerShell's verbatim string: the word is one
// '...' (any of ' ‘ ’ ‚ ‛ opens or closes it) and inside, two quote
// characters in a row stand for the second one.
func unquotePwsh(w string) (string, error) {
	isQ := func(r rune) bool { return strings.ContainsRune("'\u2018\u2019\u201a\u201b", r) }
	r, n := utf8.DecodeRuneInString(w)
	if !isQ(r) {
		return "", fmt.Errorf("not a verbatim string")
	}
	var b strings.Builder
	for i := n; i < len(w); {
		r, n := utf8.DecodeRuneInString(w[i:])
		if isQ(r) {
			r2, n2 := utf8.DecodeRuneInString(w[i+n:])
			if i+n < len(w) && isQ(r2) {
				b.WriteRune(r2)
				i += n + n2
				continue
			}
			if i+n != len(w) {
				return "", fmt.Errorf("text after closing quote at %d", i)
			}
			return b.String(), nil
		}
		b.WriteString(w[i : i+n])
		i += n
	}
	return "", fmt.Errorf("unterminated verbatim string")
}

// unquoteTcsh: inside '...' everything is literal but ! must be \! and a
// newline must be \<LF>; outside, \c is c; a bare ! is history
// substitution and a bare newline ends the command.
func unquoteTcsh(w string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(w); {
		c := w[i]
		switch {
		case c == '\'':
			i++
			for {
				if i >= len(w) {
					return "", fmt.Errorf("unmatched '")
				}
				c := w[i]
				if c == '\'' {
					i++
					break
				}
				if c == '\\' && i+1 < len(w) && (w[i+1] == '!' || w[i+1] == '\n') {
					b.WriteByte(w[i+1])
					i += 2
					continue
				}
				if c == '!' || c == '\n' {
					return "", fmt.Errorf("unescaped %q inside quotes", c)
				}
				b.WriteByte(c)
				i++
			}
		case c == '\\':
			if i+1 >= len(w) || w[i+1] == '\n' {
				return "", fmt.Errorf("dangling \\")
			}
			b.WriteByte(w[i+1])
			i += 2
		case strings.IndexByte(bareSet, c) >= 0:
			b.WriteByte(c)
			i++
		default:
			return "", fmt.Errorf("unquoted %q at %d", c, i)
		}
	}
	return b.String(), nil
}

// unquoteElvish: '...' with ” for '; "..." with \xHH, \\, \" and the
// letter escapes; bare words. Elvish has no interpolation and rejects an
// unknown escape such as \$ (the whole chunk fails to parse), and its
// source must be UTF-8.
func unquoteElvish(w string) (string, error) {
	switch {
	case w == "":
		return "", fmt.Errorf("empty word")
	case !utf8.ValidString(w):
		return "", fmt.Errorf("source is not UTF-8")
	case w[0] == '\'':
		if len(w) < 2 || w[len(w)-1] != '\'' {
			return "", fmt.Errorf("unterminated '")
		}
		in := w[1 : len(w)-1]
		if strings.Count(in, "'")%2 != 0 || strings.Contains(strings.ReplaceAll(in, "''", ""), "'") {
			return "", fmt.Errorf("lone ' inside single quotes")
		}
		return strings.ReplaceAll(in, "''", "'"), nil
	case w[0] == '"':
		if len(w) < 2 || w[len(w)-1] != '"' {
			return "", fmt.Errorf("unterminated \"")
		}
		in := w[1 : len(w)-1]
		var b strings.Builder
		for i := 0; i < len(in); i++ {
			c := in[i]
			if c == '"' {
				return "", fmt.Errorf("unescaped \" inside")
			}
			if c != '\\' {
				b.WriteByte(c)
				continue
			}
			if i+1 >= len(in) {
				return "", fmt.Errorf("dangling \\")
			}
			i++
			switch e := in[i]; e {
			case '\\', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'x':
				if i+3 > len(in) {
					return "", fmt.Errorf("short \\x")
				}
				v, err := strconv.ParseUint(in[i+1:i+3], 16, 8)
				if err != nil {
					return "", err
				}
				b.WriteByte(byte(v))
				i += 2
			default:
				return "", fmt.Errorf("unknown escape \\%c", e)
			}
		}
		return b.String(), nil
	}
	for i := 0; i < len(w); i++ {
		if strings.IndexByte(bareSet, w[i]) < 0 {
			return "", fmt.Errorf("unquoted %q", w[i])
		}
	}
	return w, nil
}

// unquoteNu: '...' has no escapes at all; r#'...'# (any number of #)
// ends at the first ' followed by as many #. Nu source is UTF-8.
func unquoteNu(w string) (string, error) {
	if !utf8.ValidString(w) {
		return "", fmt.Errorf("source is not UTF-8")
	}
	if strings.HasPrefix(w, "r#") {
		n := len(w) - len(strings.TrimLeft(w[1:], "#")) - 1
		h := strings.Repeat("#", n)
		body := w[1+n:]
		if !strings.HasPrefix(body, "'") {
			return "", fmt.Errorf("raw string without '")
		}
		end := strings.Index(body[1:], "'"+h)
		if end < 0 || 1+end+1+n != len(body) {
			return "", fmt.Errorf("raw string ends early or not at all")
		}
		return body[1 : 1+end], nil
	}
	if len(w) < 2 || w[0] != '\'' || w[len(w)-1] != '\'' || strings.Contains(w[1:len(w)-1], "'") {
		return "", fmt.Errorf("bad single-quoted string")
	}
	return w[1 : len(w)-1], nil
}

var unquoters = map[string]func(string) (string, error){
	"bash": unquotePOSIX, "zsh": unquotePOSIX, "fish": unquoteFish, "pwsh": unquotePwsh,
	"tcsh": unquoteTcsh, "elvish": unquoteElvish, "nu": unquoteNu,
}

func TestEveryDialectHasUnquoter(t *testing.T) {
	for _, n := range Names() {
		if unquoters[n] == nil {
			t.Errorf("no reference unquoter for %s", n)
		}
	}
}

func TestQuoteReference(t *testing.T) {
	vals := torture()
	for _, m := range []map[string]string{tortureNonUTF8(), attackerTorture()} {
		for k, v := range m {
			vals[k] = v
		}
	}
	for _, n := range Names() {
		for k, v := range vals {
			checkQuote(t, n, v, k)
		}
	}
}

// TestPwshQuoteExact pins PowerShell's rule: every quote character,
// including the typographic ones, is doubled and nothing else changes.
func TestPwshQuoteExact(t *testing.T) {
	cases := map[string]string{
		"":          "''",
		"a'b":       "'a''b'",
		"‘x’":       "'‘‘x’’'",
		"‚‛":        "'‚‚‛‛'",
		"$env:X `n": "'$env:X `n'",
		"\"a\"":     "'\"a\"'",
		"a\nb":      "'a\nb'",
	}
	for in, want := range cases {
		if got := (Pwsh{}).Quote(in); got != want {
			t.Errorf("Quote(%q) = %q, want %q", in, got, want)
		}
	}
}

func checkQuote(t *testing.T, dialect, v, label string) {
	t.Helper()
	d := Registry[dialect]
	if err := Check(d, "X", v); err != nil {
		if representable(dialect, "X", v) {
			t.Errorf("%s %s: Check refuses %q, which the shell can hold: %v", dialect, label, trunc(v), err)
		}
		return
	}
	if !representable(dialect, "X", v) {
		t.Errorf("%s %s: Check accepts %q, which the shell cannot hold", dialect, label, trunc(v))
	}
	q := d.Quote(v)
	got, err := unquoters[dialect](q)
	if err != nil {
		t.Errorf("%s %s: reference unquoter rejects %q: %v", dialect, label, trunc(q), err)
	} else if got != v {
		t.Errorf("%s %s: Quote(%q) = %q reads back as %q", dialect, label, trunc(v), trunc(q), trunc(got))
	}
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// fuzzSeeds adds every torture value short enough for a seed.
func fuzzSeeds(f *testing.F) {
	for _, m := range []map[string]string{torture(), tortureNonUTF8(), attackerTorture()} {
		for _, v := range m {
			if len(v) < 4096 {
				f.Add(v)
			}
		}
	}
}

func fuzzQuote(f *testing.F, dialect string) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, v string) { checkQuote(t, dialect, v, "fuzz") })
}

// FuzzRenderTcshEval: tcsh output without its eval guard must survive
// eval "`...`": valid UTF-8 (tcsh's command substitution mangles other
// bytes) whose only newlines end statements. Output holding anything else
// must start with the guard.
func FuzzRenderTcshEval(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, v string) {
		env := environ.New()
		env.SetVar("X", v)
		out, err := Render(Tcsh{}, env)
		if err != nil {
			if !strings.Contains(v, "\x00") {
				t.Fatalf("%q refused: %v", trunc(v), err)
			}
			return
		}
		if strings.HasPrefix(out, tcshEvalGuard) {
			if utf8.ValidString(v) && !strings.Contains(v, "\n") {
				t.Errorf("%q: guarded, but eval could carry it", trunc(v))
			}
			return
		}
		if !utf8.ValidString(out) || strings.Count(out, "\n") != strings.Count(out, " ;\n") || !strings.HasSuffix(out, " ;\n") {
			t.Errorf("%q: unguarded output eval cannot carry: %q", trunc(v), trunc(out))
		}
	})
}

func FuzzQuoteBash(f *testing.F)   { fuzzQuote(f, "bash") }
func FuzzQuoteZsh(f *testing.F)    { fuzzQuote(f, "zsh") }
func FuzzQuoteFish(f *testing.F)   { fuzzQuote(f, "fish") }
func FuzzQuotePwsh(f *testing.F)   { fuzzQuote(f, "pwsh") }
func FuzzQuoteTcsh(f *testing.F)   { fuzzQuote(f, "tcsh") }
func FuzzQuoteElvish(f *testing.F) { fuzzQuote(f, "elvish") }
func FuzzQuoteNu(f *testing.F)     { fuzzQuote(f, "nu") }
