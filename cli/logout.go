package cli

// LogoutCmd: Remove cached credentials, keyring entries and sessions.
// (Not built yet.)
type LogoutCmd struct{}

func (c *LogoutCmd) Run(g *Globals) error { return Configf("not built yet") }
