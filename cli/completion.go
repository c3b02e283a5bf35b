package cli

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/atmos-auth/atmos-auth/formats"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
	"github.com/atmos-auth/atmos-auth/shells"
)

// completionShell is one shell's completion: the script `completion NAME`
// prints (one file per shell, completion_NAME.go), the rc line that loads
// it (shown by `completion --help`; README.md shows the same lines), and,
// for a shell whose completer does not quote what it inserts, how
// `__complete identities --quote NAME` prints each name (ok false: the
// name is not offered).
type completionShell struct {
	name    string
	aliases []string
	load    string
	script  string
	quote   func(name string) (line string, ok bool)
	// fill, when set, gives the script's per-command parts (flags, flag
	// values, arguments) from the command tree: placeholder, text pairs.
	fill func(specs []cmdSpec) []string
}

// completionShells is the one list of completion scripts: the `completion`
// argument, its help, `__complete --quote` and the README test read it.
var completionShells = []completionShell{
	{name: "bash", load: "source <(atmos-auth completion bash)", script: bashCompletion, fill: bashFill},
	{name: "zsh", load: "source <(atmos-auth completion zsh)", script: zshCompletion, fill: zshFill},
	{name: "fish", load: "atmos-auth completion fish | source", script: fishCompletion},
	{name: "pwsh", aliases: []string{"powershell"}, load: "atmos-auth completion pwsh | Out-String | Invoke-Expression",
		script: pwshCompletion, quote: pwshCandidate},
	{name: "tcsh", load: "eval \"`atmos-auth completion tcsh`\"", script: tcshCompletion, quote: tcshCandidate, fill: tcshFill},
	{name: "elvish", load: "eval (atmos-auth completion elvish | slurp)", script: elvishCompletion},
	{name: "nu", load: "atmos-auth completion nu | save -f ~/.atmos-auth-completion.nu # then, in config.nu: source ~/.atmos-auth-completion.nu",
		script: nuCompletion, quote: nuCandidate},
}

// CompletionVars are the kong variables of the lists completion offers:
// the completion shells (the `completion` argument's choices and
// `__complete --quote`'s) and env's formats (`env --format`'s help, see
// envVars).
func CompletionVars() kong.Vars {
	var names []string
	for _, s := range completionShells {
		names = append(names, s.name)
		names = append(names, s.aliases...)
	}
	return kong.Vars{"completion_shells": strings.Join(names, ",")}.CloneWith(QuoteVars()).CloneWith(envVars())
}

// QuoteVars is the one variable a hot command's tags use (__complete's
// --quote enum): the shells whose completion takes quoted names.
func QuoteVars() kong.Vars {
	quotes := []string{""}
	for _, s := range completionShells {
		if s.quote != nil {
			quotes = append(quotes, s.name)
		}
	}
	return kong.Vars{"completion_quotes": strings.Join(quotes, ",")}
}

func lookupCompletion(name string) (completionShell, bool) {
	for _, s := range completionShells {
		if s.name == name || slices.Contains(s.aliases, name) {
			return s, true
		}
	}
	return completionShell{}, false
}

// CompletionCmd prints shell completions: commands, flags, and identity
// names (from `atmos-auth __complete identities`, read at completion time).
type CompletionCmd struct {
	Shell string `arg:"" enum:"${completion_shells}" help:"The shell: ${completion_shells}."`
}

// Help is the detailed help of `completion`: how each shell loads it.
func (c *CompletionCmd) Help() string {
	var b strings.Builder
	b.WriteString("Load the completion from your shell's rc file:\n\n")
	for _, s := range completionShells {
		fmt.Fprintf(&b, "  %-7s %s\n", s.name, s.load)
	}
	b.WriteString("\nIdentity names are read from atmos.yaml at each TAB and inserted\n" +
		"quoted for the shell, never evaluated; a name that is not one line of\n" +
		"printable text is not offered, nor, in tcsh, one that needs quoting.")
	return b.String()
}

// CompleteCmd is the hidden helper the completion scripts call. It prints
// one candidate per line. Identity names come from a repository's
// atmos.yaml and may be hostile: a name that termsafe would change (a
// newline would split it, a tab would forge a fish description, ESC would
// drive the terminal) is not offered, nor one starting with "-" (after
// `login` or -i it would be read as a flag, e.g. --config=...). The
// scripts never evaluate a candidate; --quote SHELL prints each name as
// that shell's completionShell.quote does.
type CompleteCmd struct {
	What  string `arg:"" enum:"identities,shells,formats,commands" help:"What to list."`
	Quote string `enum:"${completion_quotes}" default:"" help:"Print names as this shell's completion takes them."`
}

func (c *CompleteCmd) Run(g *Globals, k *kong.Context) error {
	var names []string
	switch c.What {
	case "identities":
		cfg, err := g.LoadConfig()
		if err != nil {
			return nil // completion stays quiet
		}
		// names, then aliases (-i takes either)
		names = append([]string(nil), cfg.IdentityOrder...)
		for _, n := range cfg.IdentityOrder {
			if a := cfg.Identities[n].Alias; a != "" {
				names = append(names, a)
			}
		}
	case "shells":
		names = shells.Names()
	case "formats":
		names = formats.EnvNames()
	case "commands":
		names = commandNames(k)
	}
	var quote func(string) (string, bool)
	if s, ok := lookupCompletion(c.Quote); ok {
		quote = s.quote
	}
	for _, n := range names {
		if n == "" || termsafe.String(n) != n || n[0] == '-' {
			continue
		}
		if quote != nil {
			var ok bool
			if n, ok = quote(n); !ok {
				continue
			}
		}
		fmt.Fprintln(g.Stdout, n)
	}
	return nil
}

func commandNames(k *kong.Context) []string {
	var out []string
	for _, n := range k.Model.Children {
		if !n.Hidden {
			out = append(out, n.Name)
		}
	}
	sort.Strings(out)
	return out
}

func (c *CompletionCmd) Run(g *Globals, k *kong.Context) error {
	s, ok := lookupCompletion(c.Shell)
	if !ok {
		return Configf("unknown shell %q", c.Shell) // kong's enum refuses it first
	}
	pairs := []string{
		"@CMDS@", strings.Join(commandNames(k), " "),
		"@SHELLS@", strings.Join(shells.Names(), " "),
		"@FORMATS@", strings.Join(formats.EnvNames(), " "),
	}
	specs := completionSpecs(k)
	pairs = append(pairs, "@IDCMDS@", strings.Join(identityArgCommands(specs), " "))
	if s.fill != nil {
		pairs = append(pairs, s.fill(specs)...)
	}
	r := strings.NewReplacer(pairs...)
	_, err := fmt.Fprint(g.Stdout, r.Replace(s.script))
	return err
}
