package cli

// StatusCmd: Show the hook's state: the identity file in effect and whether it is trusted.
// (Not built yet.)
type StatusCmd struct{}

func (c *StatusCmd) Run(g *Globals) error { return Configf("not built yet") }
