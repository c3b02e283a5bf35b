package shells

import "strings"

// Bash is GNU bash; its output is plain POSIX sh (also used for sh, dash,
// ksh): export NAME='value' and unset -v NAME.
type Bash struct{}

func (Bash) Name() string { return "bash" }

// Quote single-quotes s: inside '...' every byte is literal (newlines,
// $, `, \, ! included), and a ' is written as '\” (close, escaped
// quote, reopen). History expansion never applies inside single quotes.
func (Bash) Quote(s string) string { return quotePOSIX(s) }

func (b Bash) Export(name, value string) string {
	return "export " + name + "=" + b.Quote(value)
}

func (Bash) Unset(name string) string { return "unset -v " + name }

func quotePOSIX(s string) string {
	if isBare(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
