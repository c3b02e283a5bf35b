package cli

import (
	"fmt"
)

// LogoutCmd removes cached credentials, token caches and keyring entries,
// and ends SSO sessions (the SSO Logout API).
type LogoutCmd struct {
	IdentityArg string `arg:"" optional:"" name:"identity" help:"Identity to log out (default: -i / the default identity)."`
	Provider    string `name:"provider" placeholder:"NAME" help:"End a provider's session and forget every identity chained from it."`
	All         bool   `name:"all" help:"Log out of every provider and identity."`
}

func (c *LogoutCmd) Run(g *Globals) error {
	s, err := g.session(authOpts{})
	if err != nil {
		return err
	}
	cfg, a := s.Config, s.Auth
	ctx := g.Context()
	var done []string
	switch {
	case c.All:
		done, err = a.LogoutAll(ctx)
	case c.Provider != "":
		if _, ok := cfg.Providers[c.Provider]; !ok {
			return Configf("provider %q does not exist", c.Provider)
		}
		done, err = a.LogoutProvider(ctx, c.Provider)
	default:
		name := c.IdentityArg
		if name == "" {
			if name, err = g.ResolveIdentity(cfg); err != nil {
				return err
			}
		} else if _, ok := cfg.Identities[name]; !ok {
			_, cerr := cfg.Chain(name)
			return ConfigErr(cerr)
		}
		done, err = a.LogoutIdentity(name)
	}
	for _, d := range done {
		fmt.Fprintln(g.Stdout, d)
	}
	if len(done) == 0 && err == nil {
		fmt.Fprintln(g.Stdout, "nothing to remove")
	}
	return authErr(err)
}
