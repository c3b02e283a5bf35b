package cli

import (
	"strings"

	"github.com/alecthomas/kong"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/formats"
)

// ListCmd is `atmos-auth list`.
type ListCmd struct {
	Format string `short:"f" placeholder:"FORMAT" help:"Output format: ${list_formats}. Default: table."`
	// Output is --format under the name every command gives its output
	// format (see EnvCmd.Output).
	Output     string `short:"o" name:"output" placeholder:"FORMAT" help:"Same as --format."`
	TagsFlag   `embed:""`
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
	format, err := oneFormat(c.Output, c.Format, "table")
	if err != nil {
		return err
	}
	if _, ok := formats.ListFormats[format]; !ok {
		return Configf("unknown list format %q: choose one of %s", format, strings.Join(formats.ListFormatNames(), ", "))
	}
	f.Providers, f.ShowProviders = parse(c.Providers)
	f.Identities, f.ShowIdentities = parse(c.Identities)
	if c.apply(g); len(g.Tags) > 0 {
		if f.ShowProviders || f.ShowIdentities {
			return Configf("--tags selects what to list: give it without --providers/--identities")
		}
		if f, err = tagFilter(cfg, g.Tags); err != nil {
			return err
		}
	}
	for _, n := range f.Providers {
		if _, ok := cfg.Providers[n]; !ok {
			return Configf("provider %q does not exist (providers: %s)", n, listNames(cfg.ProviderOrder))
		}
	}
	for i, n := range f.Identities {
		if _, ok := cfg.Identities[n]; ok {
			continue
		}
		if a := cfg.ByAlias(n); a != "" {
			f.Identities[i] = a
			continue
		}
		return Configf("identity %q does not exist (identities: %s)", n, listNames(cfg.IdentityOrder))
	}
	return formats.RenderList(g.Stdout, format, formats.BuildListView(cfg, f))
}

// tagFilter shows the providers and identities with one of tags (Atmos's
// `list --tags`), with the providers their identities chain from.
func tagFilter(cfg *config.Config, tags []string) (formats.Filter, error) {
	f := formats.Filter{Providers: []string{}, Identities: []string{}, ShowProviders: true, ShowIdentities: true}
	seen := map[string]bool{}
	addProvider := func(n string) {
		if !seen[n] {
			seen[n] = true
			f.Providers = append(f.Providers, n)
		}
	}
	for _, n := range cfg.ProviderOrder {
		if cfg.Providers[n].HasTag(tags) {
			addProvider(n)
		}
	}
	for _, n := range cfg.IdentityOrder {
		if !cfg.Identities[n].HasTag(tags) {
			continue
		}
		f.Identities = append(f.Identities, n)
		if ch, err := cfg.Chain(n); err == nil && ch[len(ch)-1].Role == config.RoleProvider {
			addProvider(ch[len(ch)-1].Name)
		}
	}
	if len(f.Providers) == 0 && len(f.Identities) == 0 {
		return f, noTagMatch(cfg, "provider or identity", tags)
	}
	return f, nil
}

// oneFormat is the one format -o/--output and -f/--format ask for (the
// same flag under two names; two different answers are a usage error).
func oneFormat(output, format, def string) (string, error) {
	switch {
	case output == "" && format == "":
		return def, nil
	case output == "":
		return format, nil
	case format != "" && format != output:
		return "", Configf("--output %s and --format %s ask for two formats: give one", output, format)
	}
	return output, nil
}

// ListVars is the kong variable of list's help: its formats.
func ListVars() kong.Vars {
	return kong.Vars{"list_formats": strings.Join(formats.ListFormatNames(), ",")}
}
