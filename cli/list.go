package cli

// ListCmd is `atmos-auth list`.
type ListCmd struct{}

func (c *ListCmd) Run(g *Globals) error { return Configf("not built yet") }
