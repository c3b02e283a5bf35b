// Package azure is the Azure cloud: the az CLI's sign-in, device code,
// OIDC federation and subscriptions.
package azure

import "github.com/atmos-auth/atmos-auth/config"

// CredAzure is an Azure access token.
const CredAzure = "azure"

// Cloud lists the Azure kinds: one line per kind.
func Cloud() config.Cloud {
	return config.Cloud{
		Name: "azure",
		Kinds: []*config.KindInfo{
			azureCLIProviderKind,
			azureDeviceCodeProviderKind,
			azureOIDCProviderKind,
			azureSubscriptionKind,
		},
		Creds: map[string]string{CredAzure: "Azure credentials"},
	}
}
