package engine

import "time"

var awsUserKind = &KindInfo{Name: "aws/user", Role: RoleIdentity, Cloud: "aws",
	Produces: CredAWS, Standalone: true, New: func() any { return &AWSUser{} }}

// AWSUser is a break-glass IAM user with static keys (from config, usually
// !env, or from the keyring via `atmos-auth user configure`).
type AWSUser struct {
	IdentityBase `yaml:",inline"`
	Credentials  struct {
		AccessKeyID     string `yaml:"access_key_id"`
		SecretAccessKey string `yaml:"secret_access_key"`
		Region          string `yaml:"region"`
		MFAARN          string `yaml:"mfa_arn"`
	} `yaml:"credentials"`
	Session SessionSpec     `yaml:"session"`
	Spec    AWSEndpointSpec `yaml:"spec"`
}

func (s *AWSUser) validate(c *fieldChecker) {
	cr := s.Credentials
	// Both keys or neither (then they come from the keyring). A key whose
	// !env variable is unset is reported at login, not here.
	if c.has("credentials.access_key_id") != c.has("credentials.secret_access_key") {
		c.errf("credentials", "set both, or neither to use keys stored with `atmos-auth user configure`",
			"credentials.access_key_id and credentials.secret_access_key must be set together")
	}
	c.region("credentials.region", cr.Region)
	c.match("credentials.mfa_arn", cr.MFAARN, reMFAARN, "MFA device ARN", "arn:aws:iam::123456789012:mfa/username")
	c.durationRange("session.duration", s.Session.Duration, 15*time.Minute, 36*time.Hour)
	s.Spec.check(c, "spec")
}
