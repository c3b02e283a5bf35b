package cli

// AllowCmd: Trust a per-directory identity file.
// (Not built yet.)
type AllowCmd struct{}

func (c *AllowCmd) Run(g *Globals) error { return Configf("not built yet") }
