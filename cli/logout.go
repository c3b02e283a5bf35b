package cli

import (
	"fmt"
)

// LogoutCmd removes cached credentials, token caches and keyring entries,
// and ends SSO sessions (the SSO Logout API).
type LogoutCmd struct {
	IdentityArg string `arg:"" optional:"" name:"identity" help:"Identity to log out (default: -i / the default identity)."`
	Provider    string `name:"provider" placeholder:"NAME" help:"End a provider's session and forget every identity chained from it."`
	All         bool   `name:"all" help:"Log out of every provider and identity (with --tags: of every one with those tags)."`
	AllRealms   bool   `name:"all-realms" help:"Log out of this project, and remove the cached credentials of every other project and realm on this machine."`
	TagsFlag    `embed:""`
}

func (c *LogoutCmd) Run(g *Globals) error {
	s, err := g.session(authOpts{})
	if err != nil {
		return err
	}
	cfg, a := s.Config, s.Auth
	ctx := g.Context()
	c.apply(g)
	var done []string
	switch {
	case c.AllRealms:
		done, err = a.LogoutAllRealms(ctx)
	case c.All && len(g.Tags) > 0:
		done, err = logoutTagged(s, g.Tags)
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
		} else if name, err = identityNamed(cfg, name); err != nil {
			return err
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

// logoutTagged is `logout --all --tags a,b` (Atmos's `logout --tags`):
// every provider with one of the tags ends its session (and forgets the
// identities chained from it), and every identity with one of them is
// logged out.
func logoutTagged(s *Session, tags []string) ([]string, error) {
	cfg, a := s.Config, s.Auth
	var done []string
	matched := false
	for _, n := range cfg.ProviderOrder {
		if cfg.Providers[n].HasTag(tags) {
			matched = true
			d, err := a.LogoutProvider(s.Ctx(), n)
			done = append(done, d...)
			if err != nil {
				return done, err
			}
		}
	}
	for _, n := range cfg.IdentityOrder {
		if cfg.Identities[n].HasTag(tags) {
			matched = true
			d, err := a.LogoutIdentity(n)
			done = append(done, d...)
			if err != nil {
				return done, err
			}
		}
	}
	if !matched {
		return nil, noTagMatch(cfg, "provider or identity", tags)
	}
	return done, nil
}
