package azure

import (
	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
)

func (s *AzureSubscription) Environment(c *auth.EnvContext, env *environ.Environment) {
	p := s.Principal
	env.SetVar("AZURE_SUBSCRIPTION_ID", p.SubscriptionID)
	env.SetVar("ARM_SUBSCRIPTION_ID", p.SubscriptionID)
	if tenant := azureTenant(c.Chain); tenant != "" {
		env.SetVar("AZURE_TENANT_ID", tenant)
		env.SetVar("ARM_TENANT_ID", tenant)
	}
	if p.Location != "" {
		env.SetVar("AZURE_LOCATION", p.Location)
	}
	if p.ResourceGroup != "" {
		env.SetVar("AZURE_RESOURCE_GROUP", p.ResourceGroup)
	}
}

func azureTenant(chain []*config.Entry) string {
	for _, e := range chain {
		switch s := e.Spec.(type) {
		case *AzureProvider:
			return s.Spec.TenantID
		case *AzureOIDCProvider:
			return s.Spec.TenantID
		}
	}
	return ""
}
