package cli

// LoginCmd: Authenticate an identity (or a provider) and cache its credentials.
// (Not built yet.)
type LoginCmd struct{}

func (c *LoginCmd) Run(g *Globals) error { return Configf("not built yet") }
