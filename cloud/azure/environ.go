package azure

import (
	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
)

// azureOverrideVars are the user's Azure variables that would make az,
// Terraform or an SDK use another identity, tenant, cloud or directory
// than the identity's: every Azure identity clears them.
var azureOverrideVars = []string{
	"AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PASSWORD",
	"AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", "AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_FEDERATED_TOKEN_FILE",
	"AZURE_AUTHORITY_HOST", "AZURE_ENVIRONMENT", "AZURE_CLOUD_NAME", "AZURE_CORE_CLOUD", "AZURE_DEFAULTS_GROUP", "AZURE_DEFAULTS_LOCATION",
	"AZURE_RESOURCE_GROUP", "AZURE_LOCATION", "AZURE_TOKEN_CREDENTIALS", "AZURE_ACCESS_TOKEN",
	"ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_CLIENT_SECRET_FILE_PATH", "ARM_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE_PATH",
	"ARM_CLIENT_CERTIFICATE_PASSWORD", "ARM_CLIENT_ID_FILE_PATH", "ARM_USE_MSI", "ARM_MSI_ENDPOINT", "ARM_MSI_API_VERSION",
	"ARM_USE_OIDC", "ARM_OIDC_TOKEN", "ARM_OIDC_TOKEN_FILE_PATH", "ARM_OIDC_REQUEST_TOKEN", "ARM_OIDC_REQUEST_URL",
	"ARM_OIDC_AZURE_SERVICE_CONNECTION_ID", "ARM_USE_CLI", "ARM_USE_AKS_WORKLOAD_IDENTITY", "ARM_ENVIRONMENT",
	"ARM_METADATA_HOSTNAME", "ARM_AUXILIARY_TENANT_IDS", "ARM_ACCESS_KEY", "ARM_SAS_TOKEN",
	"MSI_ENDPOINT", "MSI_SECRET", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IMDS_ENDPOINT",
}

// Environment points az, Terraform's azurerm/azapi and the SDKs at the
// identity: its subscription and tenant, its cloud, the isolated Azure CLI
// directory (no secret in the environment), and how Terraform signs in.
func (s *AzureSubscription) Environment(c *auth.EnvContext, env *environ.Environment) {
	oidc, isOIDC := c.Chain[len(c.Chain)-1].Spec.(*AzureOIDCProvider)
	for _, v := range azureOverrideVars {
		// A federated identity reading AZURE_FEDERATED_TOKEN_FILE keeps it.
		if !(isOIDC && v == "AZURE_FEDERATED_TOKEN_FILE" && oidc.Spec.TokenFilePath == "") {
			env.UnsetVar(v)
		}
	}
	p := s.Principal
	spec := chainSpec(c.Chain)
	cl, _ := spec.resolvedCloud()
	env.SetVar("AZURE_CONFIG_DIR", IsolatedConfigDir(c.Config, c.Dirs, c.Chain[0].Name))
	env.SetVar("AZURE_SUBSCRIPTION_ID", p.SubscriptionID)
	env.SetVar("ARM_SUBSCRIPTION_ID", p.SubscriptionID)
	if tenant := azureTenant(c.Chain); tenant != "" {
		env.SetVar("AZURE_TENANT_ID", tenant)
		env.SetVar("ARM_TENANT_ID", tenant)
	}
	if loc := auth.ChainRegion(c.Chain); loc != "" {
		env.SetVar("AZURE_LOCATION", loc)
		env.SetVar("AZURE_DEFAULTS_LOCATION", loc)
	}
	if p.ResourceGroup != "" {
		env.SetVar("AZURE_RESOURCE_GROUP", p.ResourceGroup)
		env.SetVar("AZURE_DEFAULTS_GROUP", p.ResourceGroup)
	}
	env.SetVar("ARM_ENVIRONMENT", cl.ARMName)
	env.SetVar("AZURE_ENVIRONMENT", cl.SDKName)
	if _, custom := spec.resolvedCloud(); custom {
		env.SetVar("AZURE_AUTHORITY_HOST", cl.Authority)
	}
	if o := oidc; isOIDC {
		// Terraform exchanges the federated token itself.
		env.SetVar("ARM_USE_OIDC", "true")
		env.SetVar("ARM_CLIENT_ID", o.Spec.ClientID)
		env.SetVar("AZURE_CLIENT_ID", o.Spec.ClientID)
		if f := o.specTokenFile(c.Config, c.Getenv); f != "" {
			env.SetVar("ARM_OIDC_TOKEN_FILE_PATH", f)
			env.SetVar("AZURE_FEDERATED_TOKEN_FILE", f)
		}
		return
	}
	// Terraform asks az, which reads the isolated directory.
	env.SetVar("ARM_USE_CLI", "true")
}

func azureTenant(chain []*config.Entry) string {
	if s := chainSpec(chain); s.TenantID != "" {
		return s.TenantID
	}
	return ""
}
