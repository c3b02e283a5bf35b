package cli

import (
	"context"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
)

// IdentityEnv returns the environment identity name produces. With login it
// first authenticates when nothing valid is cached (may prompt, open a
// browser); without, it reads no network and no keyring. It makes sure the
// managed AWS files exist so the exported AWS_PROFILE resolves.
//
// This is the one seam between the credential engine (login, caches) and
// the shell side (env, exec, shell, hook).
func (g *Globals) IdentityEnv(ctx context.Context, cfg *config.Config, name string, login bool) (*environ.Environment, error) {
	chain, err := cfg.Chain(name)
	if err != nil {
		return nil, ConfigErr(err)
	}
	dirs := config.ResolveDirs(g.Getenv)
	if login {
		if err := g.ensureLogin(ctx, cfg, name); err != nil {
			return nil, err
		}
	}
	ec := &auth.EnvContext{Config: cfg, Dirs: dirs, Chain: chain}
	if err := g.prepare(ec); err != nil {
		return nil, err
	}
	ec.Expiration = g.cachedExpiration(cfg, dirs, chain)
	return auth.IdentityEnvironment(ec)
}
