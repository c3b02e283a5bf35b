package cli

// DenyCmd: Revoke trust of a per-directory identity file.
// (Not built yet.)
type DenyCmd struct{}

func (c *DenyCmd) Run(g *Globals) error { return Configf("not built yet") }
