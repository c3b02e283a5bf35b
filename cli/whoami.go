package cli

// WhoamiCmd: Show the identity in use, its account, region and expiry.
// (Not built yet.)
type WhoamiCmd struct{}

func (c *WhoamiCmd) Run(g *Globals) error { return Configf("not built yet") }
