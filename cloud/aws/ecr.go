package aws

import "github.com/atmos-auth/atmos-auth/config"

var awsECRIntegrationKind = &config.KindInfo{Name: "aws/ecr", Role: config.RoleIntegration, Cloud: "aws",
	Accepts: []string{CredAWS}, New: func() any { return &AWSECRIntegration{} }}

// AWSECRIntegration logs docker in to an ECR registry with an identity.
type AWSECRIntegration struct {
	config.IntegrationBase `yaml:",inline"`
	Spec                   struct {
		AutoProvision *bool `yaml:"auto_provision"`
		Registry      struct {
			AccountID string `yaml:"account_id"`
			Region    string `yaml:"region"`
		} `yaml:"registry"`
		EndpointURL string `yaml:"endpoint_url"`
	} `yaml:"spec"`
}

// AutoProvision reports whether login runs this integration (default true).
func (s *AWSECRIntegration) AutoProvision() bool {
	return s.Spec.AutoProvision == nil || *s.Spec.AutoProvision
}

func (s *AWSECRIntegration) Validate(c *config.Checker) {
	r := s.Spec.Registry
	if c.Required("spec.registry.account_id", r.AccountID) {
		checkAccountID(c, "spec.registry.account_id", r.AccountID)
	}
	if c.Required("spec.registry.region", r.Region) {
		checkRegion(c, "spec.registry.region", r.Region)
	}
	c.EndpointURL("spec.endpoint_url", s.Spec.EndpointURL, AWSEndpoints)
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *AWSECRIntegration) Describe() string {
	return s.Spec.Registry.AccountID + ".dkr.ecr." + s.Spec.Registry.Region + ".amazonaws.com"
}
