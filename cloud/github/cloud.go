// Package github is GitHub Actions' OIDC token, which the clouds'
// federation kinds (aws/assume-role, gcp/workload-identity-federation,
// azure/oidc) exchange for credentials.
package github

import "github.com/atmos-auth/atmos-auth/config"

// Cloud lists the GitHub kinds: one line per kind.
func Cloud() config.Cloud {
	return config.Cloud{
		Name:  "github",
		Kinds: []*config.KindInfo{githubOIDCProviderKind},
	}
}
