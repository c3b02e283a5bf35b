package cli

// ExecCmd: Run a command with an identity's environment.
// (Not built yet.)
type ExecCmd struct{}

func (c *ExecCmd) Run(g *Globals) error { return Configf("not built yet") }
