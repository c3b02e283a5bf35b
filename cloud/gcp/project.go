package gcp

import "github.com/atmos-auth/atmos-auth/config"

var gcpProjectKind = &config.KindInfo{Name: "gcp/project", Role: config.RoleIdentity, Cloud: "gcp",
	Produces: CredGCP, Accepts: []string{CredGCP}, New: func() any { return &GCPProject{} }}

// GCPProject sets the project context.
type GCPProject struct {
	config.IdentityBase `yaml:",inline"`
	Principal           struct {
		ProjectID string `yaml:"project_id"`
		Region    string `yaml:"region"`
		Zone      string `yaml:"zone"`
	} `yaml:"principal"`
}

func (s *GCPProject) Validate(c *config.Checker) {
	p := s.Principal
	if c.Required("principal.project_id", p.ProjectID) {
		c.Match("principal.project_id", p.ProjectID, reGCPProject, "GCP project id", "my-project-123")
	}
	c.Match("principal.region", p.Region, reGCPRegion, "GCP region", "us-central1")
	c.Match("principal.zone", p.Zone, reGCPZone, "GCP zone", "us-central1-a")
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *GCPProject) Describe() string {
	return config.JoinNonEmpty(config.Labelled("project ", s.Principal.ProjectID), s.Principal.Region)
}
