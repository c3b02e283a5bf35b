package cli

import (
	"strings"

	"github.com/alecthomas/kong"
	"github.com/atmos-auth/atmos-auth/formats"
)

// ListCmd is `atmos-auth list`.
type ListCmd struct {
	Format string `short:"f" default:"table" enum:"${list_formats}" help:"Output format: ${list_formats}."`
	// Output is --format under the name every command gives its output
	// format (-o), as in login, whoami and env.
	Output     string `short:"o" name:"output" enum:",${list_formats}" default:"" placeholder:"FORMAT" help:"Same as --format."`
	Providers  string `name:"providers" placeholder:"A,B" help:"Show providers only; =a,b shows just those."`
	Identities string `name:"identities" placeholder:"A,B" help:"Show identities only; =a,b shows just those."`
}

// AllMarker is what a bare optional-value flag (--providers) becomes.
const AllMarker = "\x00all"

func (c *ListCmd) Run(g *Globals) error {
	s, err := g.session(authOpts{})
	if err != nil {
		return err
	}
	cfg := s.Config
	f := formats.Filter{}
	parse := func(v string) ([]string, bool) {
		if v == "" {
			return nil, false
		}
		if v == AllMarker {
			return nil, true
		}
		var names []string
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
		return names, true
	}
	f.Providers, f.ShowProviders = parse(c.Providers)
	f.Identities, f.ShowIdentities = parse(c.Identities)
	for _, n := range f.Providers {
		if _, ok := cfg.Providers[n]; !ok {
			return Configf("provider %q does not exist (providers: %s)", n, listNames(cfg.ProviderOrder))
		}
	}
	for _, n := range f.Identities {
		if _, ok := cfg.Identities[n]; !ok {
			return Configf("identity %q does not exist (identities: %s)", n, listNames(cfg.IdentityOrder))
		}
	}
	format := c.Format
	if c.Output != "" {
		format = c.Output
	}
	return formats.RenderList(g.Stdout, format, formats.BuildListView(cfg, f))
}

// ListVars is the kong variable of list's help and enums: its formats.
func ListVars() kong.Vars {
	return kong.Vars{"list_formats": strings.Join(formats.ListFormatNames(), ",")}
}
