package cli

// HookCmd: Print the shell hook for your rc file.
// (Not built yet.)
type HookCmd struct{}

func (c *HookCmd) Run(g *Globals) error { return Configf("not built yet") }
