package gcp

import (
	"github.com/atmos-auth/atmos-auth/auth"
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
