package cli

// ValidateCmd is `atmos-auth validate`.
type ValidateCmd struct {
	Verbose bool `short:"v" help:"Print each identity's resolved chain."`
}

func (c *ValidateCmd) Run(g *Globals) error { return Configf("not built yet") }
