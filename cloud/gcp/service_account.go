package gcp

import (
	"strconv"
	"time"

	"github.com/atmos-auth/atmos-auth/config"
)

var gcpServiceAccountKind = &config.KindInfo{Name: "gcp/service-account", Role: config.RoleIdentity, Cloud: "gcp",
	Produces: CredGCP, Accepts: []string{CredGCP}, New: func() any { return &GCPServiceAccount{} }}

// GCPServiceAccount impersonates a service account.
type GCPServiceAccount struct {
	config.IdentityBase `yaml:",inline"`
	Principal           struct {
		ServiceAccountEmail string          `yaml:"service_account_email"`
		ProjectID           string          `yaml:"project_id"`
		Lifetime            config.Duration `yaml:"lifetime"`
		Delegates           []string        `yaml:"delegates"`
	} `yaml:"principal"`
}

func (s *GCPServiceAccount) Validate(c *config.Checker) {
	p := s.Principal
	if c.Required("principal.service_account_email", p.ServiceAccountEmail) {
		c.Match("principal.service_account_email", p.ServiceAccountEmail, reGCPSA, "service account email", "terraform@my-project.iam.gserviceaccount.com")
	}
	c.Match("principal.project_id", p.ProjectID, reGCPProject, "GCP project id", "my-project-123")
	c.DurationRange("principal.lifetime", p.Lifetime, time.Second, 12*time.Hour)
	for i, d := range p.Delegates {
		c.Match("principal.delegates["+strconv.Itoa(i)+"]", d, reGCPSA, "service account email", "")
	}
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *GCPServiceAccount) Describe() string {
	return s.Principal.ServiceAccountEmail
}
