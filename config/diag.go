package config

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Diag is one configuration problem: where, about what, what is wrong and
// what to do.
type Diag struct {
	Pos     Pos
	Subject string // e.g. `identity "prod-admin"`
	Msg     string
	Hint    string // what to do next (optional)
}

func (d Diag) String() string {
	var b strings.Builder
	if p := d.Pos.String(); p != "" {
		b.WriteString(p)
		b.WriteString(": ")
	}
	if d.Subject != "" {
		b.WriteString(d.Subject)
		b.WriteString(": ")
	}
	b.WriteString(d.Msg)
	if d.Hint != "" {
		b.WriteString(" (")
		b.WriteString(d.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// ErrInvalid is matched (errors.Is) by every error the configuration
// causes: a *ConfigError, and what a cloud finds later (a name its files
// cannot hold, see Invalid). The CLI exits 2 for them.
var ErrInvalid = errors.New("invalid configuration")

// Invalid marks err as caused by the configuration without changing its
// text.
func Invalid(err error) error { return invalidError{err} }

type invalidError struct{ error }

func (e invalidError) Unwrap() error        { return e.error }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }

// ConfigError is a set of configuration problems. It is returned by Load and
// Validate; the CLI maps it to exit code 2.
type ConfigError struct {
	Diags []Diag
}

func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Diags))
	for i, d := range e.Diags {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// ExitCode makes configuration errors exit 2.
func (e *ConfigError) ExitCode() int { return 2 }

// Is: a *ConfigError is ErrInvalid.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalid }

// diags collects problems.
type diags struct{ list []Diag }

func (d *diags) add(pos Pos, subject, hint, format string, args ...any) {
	d.list = append(d.list, Diag{Pos: pos, Subject: subject, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (d *diags) err() error {
	if len(d.list) == 0 {
		return nil
	}
	sortDiags(d.list)
	return &ConfigError{Diags: d.list}
}

// sortDiags orders by file, line, column, keeping insertion order for ties;
// then each follow-on of a misspelt field (see followOns) goes right after
// the "did you mean" that explains it.
func sortDiags(list []Diag) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].Pos, list[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	followOns(list)
}

// followOns moves a "missing required field P" of an entry right after
// the entry's "unknown field" whose "did you mean" names P (or a field
// above P): `princpal:` makes principal.assume_role missing, and the
// missing field is what the typo caused, not a second problem to fix.
func followOns(list []Diag) {
	for i := 0; i < len(list); i++ {
		missing, ok := strings.CutPrefix(list[i].Msg, "missing required field ")
		if !ok {
			continue
		}
		for j := range list {
			typo, meant := misspelt(list[j])
			if j == i || list[j].Subject != list[i].Subject || meant == "" ||
				(missing != meant && !strings.HasPrefix(missing, meant+".")) {
				continue
			}
			d := list[i]
			if d.Hint == "" {
				d.Hint = fmt.Sprintf("it follows from the misspelt %q", typo)
			}
			if i < j {
				copy(list[i:j], list[i+1:j+1])
				list[j] = d
				i-- // list[i] is a new diag now
			} else {
				copy(list[j+2:i+1], list[j+1:i])
				list[j+1] = d
			}
			break
		}
	}
}

// misspelt returns, for an "unknown field" diagnostic with a suggestion,
// the field as written and the path that was probably meant.
func misspelt(d Diag) (typo, meant string) {
	typo, ok := strings.CutPrefix(d.Msg, "unknown field ")
	if !ok {
		return "", ""
	}
	typo, err := strconv.Unquote(typo)
	if err != nil {
		return "", ""
	}
	s, ok := strings.CutPrefix(d.Hint, "did you mean ")
	if !ok {
		return "", ""
	}
	end := strings.Index(s, "?")
	if end < 0 {
		return "", ""
	}
	name, err := strconv.Unquote(s[:end])
	if err != nil {
		return "", ""
	}
	if k := strings.LastIndexByte(typo, '.'); k >= 0 {
		name = typo[:k+1] + name
	}
	return typo, name
}

// suggest returns the candidate closest to s (edit distance at most a third
// of its length, at least 2), or "".
func suggest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	limit := len(s) / 3
	if limit < 2 {
		limit = 2
	}
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := editDistance(ls, strings.ToLower(c))
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if bestD <= limit && bestD < len([]rune(s)) {
		return best
	}
	return ""
}

func didYouMean(s string, candidates []string) string {
	if m := suggest(s, candidates); m != "" {
		return fmt.Sprintf("did you mean %q?", m)
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
