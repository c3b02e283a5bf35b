package shells

import (
	"strings"

	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// Zsh uses POSIX single quoting like Bash (zsh never expands anything
// inside '...', whatever its options).
type Zsh struct{}

func (Zsh) Name() string             { return "zsh" }
func (Zsh) Quote(s string) string    { return quotePOSIX(s) }
func (Zsh) Unset(name string) string { return "unset -v " + name }

func (z Zsh) Export(name, value string) string {
	return "export " + name + "=" + z.Quote(value)
}

// zshPrompt escapes text for PS1: % starts a prompt escape, and with
// PROMPT_SUBST (which themes often set, possibly after the prompt was
// built) $ and ` substitute and \ escapes.
var zshPrompt = strings.NewReplacer("%", "%%", `\`, `\\`, "$", `\$`, "`", "\\`")

// PromptLiteral returns PS1 text that zsh displays as termsafe.String(s)
// with PROMPT_SUBST set; without it the text is as inert and shows a
// backslash before \ $ and `.
func (Zsh) PromptLiteral(s string) string { return zshPrompt.Replace(termsafe.String(s)) }
