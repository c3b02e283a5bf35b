package cli

// CompletionCmd: Print shell completions.
// (Not built yet.)
type CompletionCmd struct{}

func (c *CompletionCmd) Run(g *Globals) error { return Configf("not built yet") }
