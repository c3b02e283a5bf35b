package azure

import "github.com/atmos-auth/atmos-auth/config"

// The three Azure providers share one spec shape.
var (
	azureCLIProviderKind = &config.KindInfo{Name: "azure/cli", Role: config.RoleProvider, Cloud: "azure",
		Produces: CredAzure, New: func() any { return &AzureProvider{} }}
	azureDeviceCodeProviderKind = &config.KindInfo{Name: "azure/device-code", Role: config.RoleProvider, Cloud: "azure",
		Produces: CredAzure, New: func() any { return &AzureProvider{} }}
	azureOIDCProviderKind = &config.KindInfo{Name: "azure/oidc", Role: config.RoleProvider, Cloud: "azure",
		Produces: CredAzure, New: func() any { return &AzureOIDCProvider{} }}
)

// AzureCloudEnvironments are the accepted cloud_environment values.
var AzureCloudEnvironments = []string{"AzurePublicCloud", "AzureUSGovernmentCloud", "AzureChinaCloud", "public", "usgovernment", "china"}

// AzureSpec is the common spec of Azure providers.
type AzureSpec struct {
	TenantID         string `yaml:"tenant_id"`
	SubscriptionID   string `yaml:"subscription_id"`
	Location         string `yaml:"location"`
	ClientID         string `yaml:"client_id"`
	CloudEnvironment string `yaml:"cloud_environment"`
}

// AzureProvider is azure/cli and azure/device-code.
type AzureProvider struct {
	config.ProviderBase `yaml:",inline"`
	Spec                AzureSpec `yaml:"spec"`
}

func (p *AzureProvider) Validate(c *config.Checker) { p.Spec.check(c) }

func (s *AzureSpec) check(c *config.Checker) {
	if c.Required("spec.tenant_id", s.TenantID) {
		c.Match("spec.tenant_id", s.TenantID, reTenant, "tenant id (a GUID or a domain)", "12345678-1234-1234-1234-123456789012")
	}
	c.Match("spec.subscription_id", s.SubscriptionID, reUUID, "subscription id (a GUID)", "12345678-1234-1234-1234-123456789012")
	c.Match("spec.client_id", s.ClientID, reUUID, "client id (a GUID)", "")
	c.OneOf("spec.cloud_environment", s.CloudEnvironment, AzureCloudEnvironments)
}

// AzureOIDCProvider federates an OIDC token (e.g. GitHub Actions) into Azure.
type AzureOIDCProvider struct {
	config.ProviderBase `yaml:",inline"`
	Spec                struct {
		AzureSpec     `yaml:",inline"`
		Audience      string `yaml:"audience"`
		TokenFilePath string `yaml:"token_file_path"`
	} `yaml:"spec"`
}

func (p *AzureOIDCProvider) Validate(c *config.Checker) {
	p.Spec.AzureSpec.check(c)
	c.Required("spec.client_id", p.Spec.ClientID)
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *AzureProvider) Describe() string {
	return "tenant " + p.Spec.TenantID
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *AzureOIDCProvider) Describe() string {
	return "tenant " + p.Spec.TenantID
}
