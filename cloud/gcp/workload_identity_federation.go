package gcp

import "github.com/atmos-auth/atmos-auth/config"

var gcpWIFProviderKind = &config.KindInfo{Name: "gcp/workload-identity-federation", Role: config.RoleProvider, Cloud: "gcp",
	Produces: CredGCP, New: func() any { return &GCPWIFProvider{} }}

// GCPTokenSourceTypes are where the external (OIDC) token comes from.
var GCPTokenSourceTypes = []string{"url", "file", "environment"}

// GCPWIFFields are the provider's settings (top level or under spec:).
type GCPWIFFields struct {
	ProjectID                  string `yaml:"project_id"`
	ProjectNumber              string `yaml:"project_number"`
	WorkloadIdentityPoolID     string `yaml:"workload_identity_pool_id"`
	WorkloadIdentityProviderID string `yaml:"workload_identity_provider_id"`
	ServiceAccountEmail        string `yaml:"service_account_email"`
	TokenSource                *struct {
		Type                string   `yaml:"type"`
		URL                 string   `yaml:"url"`
		File                string   `yaml:"file"`
		EnvironmentVariable string   `yaml:"environment_variable"`
		Audience            string   `yaml:"audience"`
		AllowedHosts        []string `yaml:"allowed_hosts"`
	} `yaml:"token_source"`
}

// GCPWIFProvider exchanges an external OIDC token for GCP credentials.
type GCPWIFProvider struct {
	config.ProviderBase `yaml:",inline"`
	GCPWIFFields        `yaml:",inline"`
	Spec                GCPWIFFields `yaml:"spec"`
}

// Settings merges the top-level and spec: forms (spec wins field by field).
func (p *GCPWIFProvider) Settings() GCPWIFFields {
	s := p.GCPWIFFields
	o := p.Spec
	pick := func(a *string, b string) {
		if b != "" {
			*a = b
		}
	}
	pick(&s.ProjectID, o.ProjectID)
	pick(&s.ProjectNumber, o.ProjectNumber)
	pick(&s.WorkloadIdentityPoolID, o.WorkloadIdentityPoolID)
	pick(&s.WorkloadIdentityProviderID, o.WorkloadIdentityProviderID)
	pick(&s.ServiceAccountEmail, o.ServiceAccountEmail)
	if o.TokenSource != nil {
		s.TokenSource = o.TokenSource
	}
	return s
}

func (p *GCPWIFProvider) Validate(c *config.Checker) {
	s := p.Settings()
	at := func(field string) string {
		if c.Has("spec." + field) {
			return "spec." + field
		}
		return field
	}
	if c.Required(at("project_number"), s.ProjectNumber) {
		c.Match(at("project_number"), s.ProjectNumber, reGCPNumber, "GCP project number", `"123456789012"`)
	}
	if c.Required(at("workload_identity_pool_id"), s.WorkloadIdentityPoolID) {
		c.Match(at("workload_identity_pool_id"), s.WorkloadIdentityPoolID, reGCPPoolID, "pool id (4-32 of a-z0-9-)", "github-pool")
	}
	if c.Required(at("workload_identity_provider_id"), s.WorkloadIdentityProviderID) {
		c.Match(at("workload_identity_provider_id"), s.WorkloadIdentityProviderID, reGCPPoolID, "provider id (4-32 of a-z0-9-)", "github-provider")
	}
	c.Match(at("project_id"), s.ProjectID, reGCPProject, "GCP project id", "my-project-123")
	c.Match(at("service_account_email"), s.ServiceAccountEmail, reGCPSA, "service account email", "ci@my-project.iam.gserviceaccount.com")
	if ts := s.TokenSource; ts != nil {
		base := at("token_source")
		if c.Required(base+".type", ts.Type) {
			c.OneOf(base+".type", ts.Type, GCPTokenSourceTypes)
		}
		switch ts.Type {
		case "url":
			if c.Required(base+".url", ts.URL) {
				c.HTTPSURL(base+".url", ts.URL)
			}
		case "file":
			c.Required(base+".file", ts.File)
		case "environment":
			c.Required(base+".environment_variable", ts.EnvironmentVariable)
		}
	}
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *GCPWIFProvider) Describe() string {
	st := p.Settings()
	return "pool " + st.WorkloadIdentityPoolID + "/" + st.WorkloadIdentityProviderID
}
