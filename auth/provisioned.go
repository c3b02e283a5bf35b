package auth

import "github.com/atmos-auth/atmos-auth/config"

// Provisioner is implemented by providers that discover identities at
// login (IAM Identity Center's accounts and roles): Provisioned returns
// those the last login cached in the project dirs d, nothing when the
// provider does not provision.
type Provisioner interface {
	Provisioned(d config.Dirs, provider *config.Entry) []*config.Entry
}

// MergeProvisioned adds the cached auto-provisioned identities of every
// provisioning provider to c. Identities the configuration defines keep
// their definition. It reads small cache files only.
func MergeProvisioned(c *config.Config, d config.Dirs) {
	d = ProjectDirs(d, c)
	for _, pn := range c.ProviderOrder {
		pe := c.Providers[pn]
		p, ok := pe.Spec.(Provisioner)
		if !ok {
			continue
		}
		for _, e := range p.Provisioned(d, pe) {
			if _, exists := c.Identities[e.Name]; exists {
				continue
			}
			if c.Identities == nil {
				c.Identities = map[string]*config.Entry{}
			}
			c.Identities[e.Name] = e
			c.IdentityOrder = append(c.IdentityOrder, e.Name)
		}
	}
}
