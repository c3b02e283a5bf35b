// Package logfmt is atmos-auth's one log line format: logfmt
// (key=value ...) in which no value can ever be read as shell code or start
// a new line. Log files may be opened, pasted or even sourced by mistake
// (and a hostile configuration once pointed auth.logs.file at ~/.bashrc), so
// every value that holds anything outside a small safe set is double-quoted
// with the characters that any shell expands inside double quotes
// ($ ` ! " \) and every control or non-printable character escaped. The
// quoted form is still a Go string literal: strconv.Unquote reads it back.
package logfmt

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// Handler is a slog.Handler writing one logfmt line per record.
type Handler struct {
	w      io.Writer
	mu     *sync.Mutex
	level  slog.Leveler
	prefix string // open groups, "a.b."
	attrs  []byte // pre-rendered WithAttrs
}

// New returns a handler writing records at level or above to w.
func New(w io.Writer, level slog.Leveler) *Handler {
	if level == nil {
		level = slog.LevelInfo
	}
	return &Handler{w: w, mu: &sync.Mutex{}, level: level}
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs = append([]byte(nil), h.attrs...)
	for _, a := range as {
		h2.attrs = appendAttr(h2.attrs, h.prefix, a)
	}
	return &h2
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix = h.prefix + name + "."
	return &h2
}

// Handle implements slog.Handler.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	buf := make([]byte, 0, 256)
	if !r.Time.IsZero() {
		buf = appendPair(buf, "time", r.Time.Format("2006-01-02T15:04:05.000Z07:00"))
	}
	buf = appendPair(buf, "level", r.Level.String())
	buf = appendPair(buf, "msg", r.Message)
	buf = append(buf, h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		buf = appendAttr(buf, h.prefix, a)
		return true
	})
	buf = append(buf[1:], '\n') // every pair starts with a space
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(buf)
	return err
}

func appendAttr(buf []byte, prefix string, a slog.Attr) []byte {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return buf
	}
	if a.Value.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range a.Value.Group() {
			buf = appendAttr(buf, p, g)
		}
		return buf
	}
	return appendPair(buf, prefix+a.Key, valueString(a.Value))
}

func valueString(v slog.Value) string {
	switch v.Kind() {
	case slog.KindTime:
		return v.Time().Format(time.RFC3339Nano)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok && err != nil {
			return err.Error()
		}
	}
	return v.String()
}

func appendPair(buf []byte, key, val string) []byte {
	buf = append(buf, ' ')
	buf = appendKey(buf, key)
	buf = append(buf, '=')
	return AppendValue(buf, val)
}

// appendKey writes a key made of [A-Za-z0-9_.-] only (keys come from code,
// but nothing unchecked reaches a line).
func appendKey(buf []byte, key string) []byte {
	if key == "" {
		return append(buf, '_')
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if isAlnum(c) || c == '_' || c == '.' || c == '-' {
			buf = append(buf, c)
		} else {
			buf = append(buf, '_')
		}
	}
	return buf
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// bare reports whether s can stand unquoted: non-empty and made of
// characters no shell treats specially anywhere in a word.
func bare(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '_' && c != '.' && c != ':' && c != '/' && c != '@' && c != '+' && c != ',' && c != '-' {
			return false
		}
	}
	return true
}

// AppendValue appends s bare when it is made only of safe characters, else
// double-quoted with $ ` ! " as \xNN, a backslash doubled, control and
// non-printable characters (newlines, escape sequences, bidi controls,
// invalid UTF-8) escaped: no shell expands anything inside, and the line
// never ends before its newline.
func AppendValue(buf []byte, s string) []byte {
	if bare(s) {
		return append(buf, s...)
	}
	buf = append(buf, '"')
	buf = termsafe.Append(buf, s, logQuote)
	return append(buf, '"')
}

// logQuote is what logfmt escapes on top of termsafe: the quote and the
// backslash of its own syntax, the characters shells expand inside double
// quotes ($, backtick, !), and the usual short forms of \n \t \r.
func logQuote(buf []byte, r rune) ([]byte, bool) {
	switch r {
	case '\\':
		return append(buf, '\\', '\\'), true
	case '"', '$', '`', '!':
		return append(buf, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf]), true
	case '\n':
		return append(buf, '\\', 'n'), true
	case '\t':
		return append(buf, '\\', 't'), true
	case '\r':
		return append(buf, '\\', 'r'), true
	}
	return buf, false
}

const hexDigits = "0123456789abcdef"
