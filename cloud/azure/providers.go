package azure

import (
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
)

// The three Azure providers share one spec shape; each has its own type
// (device_code.go, cli_provider.go, oidc.go) for its way of signing in.
var (
	azureCLIProviderKind = &config.KindInfo{Name: "azure/cli", Role: config.RoleProvider, Cloud: "azure",
		Produces: CredAzure, New: func() any { return &AzureCLIProvider{} }}
	azureDeviceCodeProviderKind = &config.KindInfo{Name: "azure/device-code", Role: config.RoleProvider, Cloud: "azure",
		Produces: CredAzure, New: func() any { return &AzureDeviceCodeProvider{} }}
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
	// AuthorityHost and ResourceManagerEndpoint override the cloud's
	// (Azure Stack Hub, a private authority, the local cloud). An
	// authority whose path ends in /adfs is an AD FS authority.
	AuthorityHost           string `yaml:"authority_host"`
	ResourceManagerEndpoint string `yaml:"resource_manager_endpoint"`
}

// AzureProvider is the spec azure/cli and azure/device-code share.
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
	c.Match("spec.location", s.Location, reLocation, "Azure location", "eastus")
	c.OneOf("spec.cloud_environment", s.CloudEnvironment, AzureCloudEnvironments)
	checkEndpoint(c, "spec.authority_host", s.AuthorityHost)
	checkEndpoint(c, "spec.resource_manager_endpoint", s.ResourceManagerEndpoint)
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
	if strings.ContainsAny(p.Spec.Audience, "\x00\r\n") {
		c.Errf("spec.audience", "for example api://AzureADTokenExchange", "spec.audience: %q holds control characters", p.Spec.Audience)
	}
	if strings.ContainsRune(p.Spec.TokenFilePath, 0) {
		c.Errf("spec.token_file_path", "", "spec.token_file_path: %q holds a NUL byte", p.Spec.TokenFilePath)
	}
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *AzureProvider) Describe() string {
	return "tenant " + p.Spec.TenantID
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *AzureOIDCProvider) Describe() string {
	return "tenant " + p.Spec.TenantID
}

// RegionName is the provider's location ("" for none).
func (p *AzureProvider) RegionName() string { return p.Spec.Location }

// RegionName is the provider's location ("" for none).
func (p *AzureOIDCProvider) RegionName() string { return p.Spec.Location }

// specOf is the common spec of an Azure provider entry (nil for others).
func specOf(e *config.Entry) *AzureSpec {
	switch s := e.Spec.(type) {
	case *AzureCLIProvider:
		return &s.Spec
	case *AzureDeviceCodeProvider:
		return &s.Spec
	case *AzureOIDCProvider:
		return &s.Spec.AzureSpec
	}
	return nil
}

// chainSpec is the spec of the chain's Azure provider.
func chainSpec(chain []*config.Entry) *AzureSpec {
	for _, e := range chain {
		if s := specOf(e); s != nil {
			return s
		}
	}
	return &AzureSpec{}
}

// tokenEndpoint and deviceEndpoint of the spec's authority: Entra ID's v2
// endpoints under the tenant, or an AD FS authority's own.
func (s *AzureSpec) endpoint(name string) string {
	c, _ := s.resolvedCloud()
	if isADFS(c.Authority) {
		return c.Authority + "/oauth2/" + name
	}
	return c.Authority + "/" + s.TenantID + "/oauth2/v2.0/" + name
}

func isADFS(authority string) bool {
	return strings.HasSuffix(strings.ToLower(strings.TrimRight(authority, "/")), "/adfs")
}

// armScope is the .default scope of Resource Manager.
func (s *AzureSpec) armScope() string {
	c, _ := s.resolvedCloud()
	return c.ARMAudience + "/.default"
}
