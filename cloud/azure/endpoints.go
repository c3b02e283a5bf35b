package azure

import (
	"net/url"
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
)

// azureCloud is one Azure cloud: where tokens come from and where ARM is.
type azureCloud struct {
	Name        string // az's cloud name (azureProfile.json environmentName, `az cloud set`)
	ARMName     string // ARM_ENVIRONMENT (Terraform azurerm)
	SDKName     string // AZURE_ENVIRONMENT (the Go SDK's names)
	Authority   string // authority host, no trailing slash
	ARM         string // Resource Manager endpoint, no trailing slash
	ARMAudience string // the token audience az asks for ARM (active_directory_resource_id)
}

var (
	cloudPublic = azureCloud{Name: "AzureCloud", ARMName: "public", SDKName: "AzurePublicCloud",
		Authority: "https://login.microsoftonline.com", ARM: "https://management.azure.com",
		ARMAudience: "https://management.core.windows.net/"}
	cloudUSGov = azureCloud{Name: "AzureUSGovernment", ARMName: "usgovernment", SDKName: "AzureUSGovernmentCloud",
		Authority: "https://login.microsoftonline.us", ARM: "https://management.usgovcloudapi.net",
		ARMAudience: "https://management.core.usgovcloudapi.net/"}
	cloudChina = azureCloud{Name: "AzureChinaCloud", ARMName: "china", SDKName: "AzureChinaCloud",
		Authority: "https://login.chinacloudapi.cn", ARM: "https://management.chinacloudapi.cn",
		ARMAudience: "https://management.core.chinacloudapi.cn/"}
)

// azureEndpoints are the hosts Entra ID and ARM answer on in every
// sovereign cloud: a repository's configuration may override the
// authority or ARM only towards them, this machine, or hosts the user
// trusts (config.EnvTrustedEndpoints).
var azureEndpoints = config.Endpoints{What: "a Microsoft Entra ID or Azure Resource Manager endpoint",
	Example: "https://login.microsoftonline.com",
	Suffixes: []string{".microsoftonline.com", ".microsoftonline.us", ".chinacloudapi.cn", ".azure.com",
		".usgovcloudapi.net", ".windows.net", ".azure.us", ".azure.cn"}}

// cloudOf maps cloud_environment to its cloud ("" is public).
func cloudOf(name string) azureCloud {
	switch strings.ToLower(name) {
	case "usgovernment", "azureusgovernmentcloud":
		return cloudUSGov
	case "china", "azurechinacloud":
		return cloudChina
	}
	return cloudPublic
}

// resolvedCloud is the provider's cloud with its overrides applied; Custom
// says an override is in effect (the isolated az then gets a custom cloud
// registered, see configdir.go).
func (s *AzureSpec) resolvedCloud() (c azureCloud, custom bool) {
	c = cloudOf(s.CloudEnvironment)
	if s.AuthorityHost != "" {
		c.Authority, custom = strings.TrimRight(s.AuthorityHost, "/"), true
	}
	if s.ResourceManagerEndpoint != "" {
		c.ARM, custom = strings.TrimRight(s.ResourceManagerEndpoint, "/"), true
	}
	return c, custom
}

// checkEndpoint validates an endpoint override: https only (tokens and
// the az CLI need it), and a host a repository may send tokens to.
func checkEndpoint(c *config.Checker, path, v string) {
	if v == "" {
		return
	}
	if u, err := url.Parse(v); err == nil && u.Host != "" && u.Scheme != "https" {
		c.Errf(path, "for example https://login.microsoftonline.com", "%s: %q is not an https URL: Azure tokens are sent only over TLS", path, v)
		return
	}
	if u, err := url.Parse(v); err == nil && (u.RawQuery != "" || u.Fragment != "" || u.User != nil) {
		c.Errf(path, "for example https://login.microsoftonline.com", "%s: %q must be a plain base URL (no user, query or fragment)", path, v)
		return
	}
	c.EndpointURL(path, v, azureEndpoints)
}
