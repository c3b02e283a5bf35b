package cli

// EnvCmd: Print the identity's environment for a shell or a tool.
// (Not built yet.)
type EnvCmd struct{}

func (c *EnvCmd) Run(g *Globals) error { return Configf("not built yet") }
