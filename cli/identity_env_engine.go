package cli

import (
	"context"
	"time"

	"github.com/atmos-auth/atmos-auth/engine"
)

// The credential engine's side of IdentityEnv. (Stubs until it lands.)

// ensureLogin authenticates identity name unless valid credentials are cached.
func (g *Globals) ensureLogin(ctx context.Context, cfg *engine.Config, name string) error {
	return Configf("login is not built yet")
}

// ensureManagedFiles writes the managed AWS config/credentials files when
// they are missing or stale.
func (g *Globals) ensureManagedFiles(cfg *engine.Config, dirs engine.Dirs) error { return nil }

// cachedExpiration returns when the identity's cached credentials expire,
// zero when nothing is cached. It must not touch network or keyring.
func (g *Globals) cachedExpiration(cfg *engine.Config, dirs engine.Dirs, chain []*engine.Entry) time.Time {
	return time.Time{}
}
