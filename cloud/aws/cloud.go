// Package aws is the AWS cloud: IAM Identity Center, SAML, permission
// sets, role chains, assume-root, IAM users, the SDK's ambient chain and
// ECR. Every AWS SDK import of the project is in this package.
package aws

import "github.com/atmos-auth/atmos-auth/config"

// Credential types AWS kinds produce and accept.
const (
	CredAWSSSOToken = "aws/sso-token" // IAM Identity Center access token
	CredAWS         = "aws"           // AWS access key, secret, session token
	CredSAML        = "saml"          // a SAML assertion
)

// Cloud lists the AWS kinds: one line per kind.
func Cloud() config.Cloud {
	return config.Cloud{
		Name: "aws",
		Kinds: []*config.KindInfo{
			awsSSOProviderKind,
			awsSAMLProviderKind,
			awsPermissionSetKind,
			awsAssumeRoleKind,
			awsAssumeRootKind,
			awsUserKind,
			awsAmbientKind,
			awsECRIntegrationKind,
			awsECRPublicIntegrationKind,
			awsEKSIntegrationKind,
		},
		Creds: map[string]string{
			CredAWSSSOToken: "an IAM Identity Center session (aws/iam-identity-center)",
			CredAWS:         "AWS credentials",
			CredSAML:        "a SAML assertion",
		},
	}
}
