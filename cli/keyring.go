package cli

// KeyringCmd is `atmos-auth keyring`: diagnostics for the credential store.
// (Filled in by the keyring work; see keyring/.)
type KeyringCmd struct{}

func (c *KeyringCmd) Run(g *Globals) error {
	return Configf("keyring diagnostics are not built yet")
}
