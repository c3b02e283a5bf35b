package cli

// PromptCmd: Print a short prompt segment with the identity and time left.
// (Not built yet.)
type PromptCmd struct{}

func (c *PromptCmd) Run(g *Globals) error { return Configf("not built yet") }
