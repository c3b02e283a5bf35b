package engine

import "sort"

// Credential types flowing along a chain. An identity kind accepts some as
// its base and produces one.
const (
	CredAWSSSOToken = "aws/sso-token" // IAM Identity Center access token
	CredAWS         = "aws"           // AWS access key, secret, session token
	CredSAML        = "saml"          // a SAML assertion
	CredOIDC        = "oidc"          // an OIDC id token (web identity)
	CredGCP         = "gcp"           // a GCP access token
	CredAzure       = "azure"         // an Azure access token
	CredAmbient     = "ambient"       // the environment, untouched
	CredNone        = ""              // integrations produce nothing chainable
)

// KindInfo describes one provider, identity or integration kind.
type KindInfo struct {
	Name     string
	Role     Role
	Cloud    string // aws, gcp, azure, github, "" (ambient)
	Produces string
	// Accepts lists the credential types an identity can be chained from.
	// Standalone identities (aws/user, aws/ambient, ambient) accept none and
	// must have no via.
	Accepts    []string
	Standalone bool
	// New returns a pointer to a zero spec, decoded strictly from YAML.
	New func() any
}

// kindRegistry lists every kind: one line to add one. Each kind's spec,
// validation and credential logic live in its own kind_*.go file.
var kindRegistry = map[string]*KindInfo{
	// providers
	"aws/iam-identity-center":          awsSSOProviderKind,
	"aws/saml":                         awsSAMLProviderKind,
	"github/oidc":                      githubOIDCProviderKind,
	"gcp/adc":                          gcpADCProviderKind,
	"gcp/workload-identity-federation": gcpWIFProviderKind,
	"azure/cli":                        azureCLIProviderKind,
	"azure/device-code":                azureDeviceCodeProviderKind,
	"azure/oidc":                       azureOIDCProviderKind,
	// identities
	"aws/permission-set":  awsPermissionSetKind,
	"aws/assume-role":     awsAssumeRoleKind,
	"aws/assume-root":     awsAssumeRootKind,
	"aws/user":            awsUserKind,
	"aws/ambient":         awsAmbientKind,
	"ambient":             ambientKind,
	"azure/subscription":  azureSubscriptionKind,
	"gcp/service-account": gcpServiceAccountKind,
	"gcp/project":         gcpProjectKind,
	// integrations
	"aws/ecr": awsECRIntegrationKind,
}

// Kind returns the registered kind with that name.
func Kind(name string) (*KindInfo, bool) {
	k, ok := kindRegistry[name]
	return k, ok
}

// KindNames returns the sorted names of every kind of the given role.
func KindNames(role Role) []string {
	var out []string
	for n, k := range kindRegistry {
		if k.Role == role {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Base is what every entry has.
type Base struct {
	Kind string `yaml:"kind"`
}

func (b *Base) base() *Base { return b }

// IdentityBase is what every identity has. Via is kept on standalone kinds
// too, so its presence is reported as a chain error rather than as an
// unknown field.
type IdentityBase struct {
	Base    `yaml:",inline"`
	Default bool `yaml:"default"`
	Via     *Via `yaml:"via"`
}

func (b *IdentityBase) identityBase() *IdentityBase { return b }

// IntegrationBase is what every integration has.
type IntegrationBase struct {
	Base `yaml:",inline"`
	Via  *Via `yaml:"via"`
}

func (b *IntegrationBase) integrationBase() *IntegrationBase { return b }

type hasIntegrationBase interface{ integrationBase() *IntegrationBase }

// ProviderBase is what every provider has.
type ProviderBase struct {
	Base `yaml:",inline"`
}

type hasIdentityBase interface{ identityBase() *IdentityBase }
type hasBase interface{ base() *Base }

// specValidator is implemented by specs that check their own fields.
type specValidator interface {
	Validate(v *Checker)
}
