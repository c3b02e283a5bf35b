package engine

import (
	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
)

func (s *GCPProject) Environment(c *auth.EnvContext, env *environ.Environment) {
	p := s.Principal
	env.SetVar("GOOGLE_CLOUD_PROJECT", p.ProjectID)
	env.SetVar("CLOUDSDK_CORE_PROJECT", p.ProjectID)
	env.SetVar("GCLOUD_PROJECT", p.ProjectID)
	if p.Region != "" {
		env.SetVar("GOOGLE_CLOUD_REGION", p.Region)
		env.SetVar("CLOUDSDK_COMPUTE_REGION", p.Region)
	}
	if p.Zone != "" {
		env.SetVar("GOOGLE_CLOUD_ZONE", p.Zone)
		env.SetVar("CLOUDSDK_COMPUTE_ZONE", p.Zone)
	}
}

func (s *GCPServiceAccount) Environment(c *auth.EnvContext, env *environ.Environment) {
	if p := s.Principal.ProjectID; p != "" {
		env.SetVar("GOOGLE_CLOUD_PROJECT", p)
		env.SetVar("CLOUDSDK_CORE_PROJECT", p)
	}
	env.SetVar("CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT", s.Principal.ServiceAccountEmail)
}

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
