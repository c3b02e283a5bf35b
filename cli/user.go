package cli

// UserCmd: Manage aws/user identities (configure stores keys in the keyring).
// (Not built yet.)
type UserCmd struct{}

func (c *UserCmd) Run(g *Globals) error { return Configf("not built yet") }
