package engine

import "time"

var awsAssumeRoleKind = &KindInfo{Name: "aws/assume-role", Role: RoleIdentity, Cloud: "aws",
	Produces: CredAWS, Accepts: []string{CredAWS, CredSAML, CredOIDC}, New: func() any { return &AWSAssumeRole{} }}

// AWSAssumeRole assumes an IAM role from AWS credentials (AssumeRole), an
// OIDC token (AssumeRoleWithWebIdentity) or a SAML assertion.
type AWSAssumeRole struct {
	IdentityBase `yaml:",inline"`
	Principal    struct {
		AssumeRole  string   `yaml:"assume_role"`
		SessionName string   `yaml:"session_name"`
		ExternalID  string   `yaml:"external_id"`
		Duration    Duration `yaml:"duration"`
		Region      string   `yaml:"region"`
	} `yaml:"principal"`
	Spec AWSEndpointSpec `yaml:"spec"`
}

func (s *AWSAssumeRole) validate(c *fieldChecker) {
	p := s.Principal
	if c.required("principal.assume_role", p.AssumeRole) {
		c.match("principal.assume_role", p.AssumeRole, reRoleARN, "IAM role ARN", "arn:aws:iam::123456789012:role/Name")
	}
	c.match("principal.session_name", p.SessionName, reSession, "role session name (2-64 of [A-Za-z0-9_+=,.@-])", "")
	if p.ExternalID != "" && (len(p.ExternalID) < 2 || len(p.ExternalID) > 1224) {
		c.errf("principal.external_id", "", "principal.external_id must be 2 to 1224 characters")
	}
	c.durationRange("principal.duration", p.Duration, 15*time.Minute, 12*time.Hour)
	c.region("principal.region", p.Region)
	s.Spec.check(c, "spec")
}
