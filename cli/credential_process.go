package cli

// CredentialProcessCmd: Print credentials as AWS credential_process JSON (used by the managed AWS profile).
// (Not built yet.)
type CredentialProcessCmd struct{}

func (c *CredentialProcessCmd) Run(g *Globals) error { return Configf("not built yet") }
