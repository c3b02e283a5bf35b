package engine

import "github.com/atmos-auth/atmos-auth/config"

// Credential types the clouds define.
const (
	CredAWSSSOToken = "aws/sso-token" // IAM Identity Center access token
	CredAWS         = "aws"           // AWS access key, secret, session token
	CredSAML        = "saml"          // a SAML assertion
	CredGCP         = "gcp"           // a GCP access token
	CredAzure       = "azure"         // an Azure access token
)

// Kinds is the registry every configuration is decoded with.
var Kinds = config.NewRegistry(config.Cloud{
	Name: "all",
	Kinds: []*config.KindInfo{
		awsSSOProviderKind, awsSAMLProviderKind, githubOIDCProviderKind,
		gcpADCProviderKind, gcpWIFProviderKind,
		azureCLIProviderKind, azureDeviceCodeProviderKind, azureOIDCProviderKind,
		awsPermissionSetKind, awsAssumeRoleKind, awsAssumeRootKind, awsUserKind, awsAmbientKind,
		ambientKind, azureSubscriptionKind, gcpServiceAccountKind, gcpProjectKind,
		awsECRIntegrationKind,
	},
	Creds: map[string]string{
		CredAWSSSOToken: "an IAM Identity Center session (aws/iam-identity-center)",
		CredAWS:         "AWS credentials",
		CredSAML:        "a SAML assertion",
		CredGCP:         "GCP credentials",
		CredAzure:       "Azure credentials",
	},
})
