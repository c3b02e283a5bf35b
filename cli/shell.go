package cli

// ShellCmd: Start a subshell with an identity's environment.
// (Not built yet.)
type ShellCmd struct{}

func (c *ShellCmd) Run(g *Globals) error { return Configf("not built yet") }
