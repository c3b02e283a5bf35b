package shells

import (
	"strings"

	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

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

// bashPrompt escapes text for PS1. bash first decodes the prompt's
// backslash escapes (\\ is one backslash), then, with promptvars (the
// default), expands the result like a double-quoted string: $ and ` must
// reach that step backslash-escaped, and a backslash doubled again.
var bashPrompt = strings.NewReplacer(`\`, `\\\\`, "$", `\\$`, "`", "\\\\`")

// PromptLiteral returns PS1 text that bash displays as
// termsafe.String(s). Nothing in it is expanded or reaches the terminal as
// a control character; with promptvars off it stays inert (the escaping
// backslashes then show).
func (Bash) PromptLiteral(s string) string { return bashPrompt.Replace(termsafe.String(s)) }
