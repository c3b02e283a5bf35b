package engine

var gcpProjectKind = &KindInfo{Name: "gcp/project", Role: RoleIdentity, Cloud: "gcp",
	Produces: CredGCP, Accepts: []string{CredGCP}, New: func() any { return &GCPProject{} }}

// GCPProject sets the project context.
type GCPProject struct {
	IdentityBase `yaml:",inline"`
	Principal    struct {
		ProjectID string `yaml:"project_id"`
		Region    string `yaml:"region"`
		Zone      string `yaml:"zone"`
	} `yaml:"principal"`
}

func (s *GCPProject) validate(c *fieldChecker) {
	p := s.Principal
	if c.required("principal.project_id", p.ProjectID) {
		c.match("principal.project_id", p.ProjectID, reGCPProject, "GCP project id", "my-project-123")
	}
	c.match("principal.region", p.Region, reGCPRegion, "GCP region", "us-central1")
	c.match("principal.zone", p.Zone, reGCPZone, "GCP zone", "us-central1-a")
}
