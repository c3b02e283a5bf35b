package gcp

import (
	"context"
	"fmt"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

var gcpProjectKind = &config.KindInfo{Name: "gcp/project", Role: config.RoleIdentity, Cloud: "gcp",
	Produces: CredGCP, Accepts: []string{CredGCP}, New: func() any { return &GCPProject{} }}

// GCPProject sets the project context (project, region, zone) on top of
// any GCP credential: the same token, another project.
type GCPProject struct {
	config.IdentityBase `yaml:",inline"`
	gcloudEnvironment   `yaml:"-"`
	Principal           struct {
		ProjectID string `yaml:"project_id"`
		Region    string `yaml:"region"`
		Zone      string `yaml:"zone"`
	} `yaml:"principal"`
	Spec struct {
		Endpoints GCPEndpoints `yaml:"endpoints"`
	} `yaml:"spec"`
}

func (s *GCPProject) Validate(c *config.Checker) {
	p := s.Principal
	if c.Required("principal.project_id", p.ProjectID) {
		c.Match("principal.project_id", p.ProjectID, reGCPProject, "GCP project id", "my-project-123")
	}
	c.Match("principal.region", p.Region, reGCPRegion, "GCP region", "us-central1")
	c.Match("principal.zone", p.Zone, reGCPZone, "GCP zone", "us-central1-a")
	s.Spec.Endpoints.validate(c, "spec.")
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *GCPProject) Describe() string {
	return config.JoinNonEmpty(config.Labelled("project ", s.Principal.ProjectID), s.Principal.Region)
}

// RegionName is the region this step names ("" for none).
func (s *GCPProject) RegionName() string { return s.Principal.Region }

// Authenticate passes the base token on with this project's context.
func (s *GCPProject) Authenticate(_ context.Context, _ *auth.Step, base *auth.Credentials) (*auth.Credentials, error) {
	if base == nil || base.Type != CredGCP || base.Secret(PayloadAccessToken) == "" {
		return nil, fmt.Errorf("no GCP access token to use in project %s", s.Principal.ProjectID)
	}
	c := *base
	c.Payload = map[string]string{PayloadAccessToken: base.Secret(PayloadAccessToken)}
	c.Account = s.Principal.ProjectID
	if s.Principal.Region != "" {
		c.Region = s.Principal.Region
	}
	return &c, nil
}
