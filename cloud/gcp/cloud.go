// Package gcp is the Google Cloud: application default credentials,
// workload identity federation, service accounts and projects.
package gcp

import "github.com/atmos-auth/atmos-auth/config"

// CredGCP is a GCP access token.
const CredGCP = "gcp"

// Cloud lists the GCP kinds: one line per kind.
func Cloud() config.Cloud {
	return config.Cloud{
		Name: "gcp",
		Kinds: []*config.KindInfo{
			gcpADCProviderKind,
			gcpWIFProviderKind,
			gcpServiceAccountKind,
			gcpProjectKind,
		},
		Creds: map[string]string{CredGCP: "GCP credentials"},
	}
}
