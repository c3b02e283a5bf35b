package gcp

import (
	"strconv"

	"github.com/atmos-auth/atmos-auth/config"
)

var gcpADCProviderKind = &config.KindInfo{Name: "gcp/adc", Role: config.RoleProvider, Cloud: "gcp",
	Produces: CredGCP, New: func() any { return &GCPADCProvider{} }}

// GCPADCFields are gcp/adc's settings, accepted at the top level (as the
// reference writes them) or under spec: (as Atmos's code reads them).
type GCPADCFields struct {
	ProjectID string   `yaml:"project_id"`
	Region    string   `yaml:"region"`
	Scopes    []string `yaml:"scopes"`
}

// GCPADCProvider uses Application Default Credentials.
type GCPADCProvider struct {
	config.ProviderBase `yaml:",inline"`
	GCPADCFields        `yaml:",inline"`
	Spec                GCPADCFields `yaml:"spec"`
}

// Settings merges the top-level and spec: forms.
func (p *GCPADCProvider) Settings() GCPADCFields {
	s := p.GCPADCFields
	if p.Spec.ProjectID != "" {
		s.ProjectID = p.Spec.ProjectID
	}
	if p.Spec.Region != "" {
		s.Region = p.Spec.Region
	}
	if len(p.Spec.Scopes) > 0 {
		s.Scopes = p.Spec.Scopes
	}
	return s
}

func (p *GCPADCProvider) Validate(c *config.Checker) {
	for _, prefix := range []string{"", "spec."} {
		f := p.GCPADCFields
		if prefix != "" {
			f = p.Spec
		}
		c.Match(prefix+"project_id", f.ProjectID, reGCPProject, "GCP project id", "my-project-123")
		c.Match(prefix+"region", f.Region, reGCPRegion, "GCP region", "us-central1")
		for i, s := range f.Scopes {
			c.HTTPSURL(prefix+"scopes["+strconv.Itoa(i)+"]", s)
		}
	}
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *GCPADCProvider) Describe() string {
	return config.JoinNonEmpty(config.Labelled("project ", p.Settings().ProjectID), p.Settings().Region)
}
