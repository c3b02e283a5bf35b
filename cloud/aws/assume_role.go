package aws

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

var awsAssumeRoleKind = &config.KindInfo{Name: "aws/assume-role", Role: config.RoleIdentity, Cloud: "aws",
	Produces: CredAWS, Accepts: []string{CredAWS, CredSAML, config.CredOIDC}, New: func() any { return &AWSAssumeRole{} }}

// AWSAssumeRole assumes an IAM role from AWS credentials (AssumeRole), an
// OIDC token (AssumeRoleWithWebIdentity) or a SAML assertion.
type AWSAssumeRole struct {
	config.IdentityBase `yaml:",inline"`
	managedProfile      `yaml:",inline"`
	Principal           struct {
		AssumeRole  string          `yaml:"assume_role"`
		SessionName string          `yaml:"session_name"`
		ExternalID  string          `yaml:"external_id"`
		Duration    config.Duration `yaml:"duration"`
		Region      string          `yaml:"region"`
	} `yaml:"principal"`
	// Session is Atmos's identity session block: session.duration is the
	// role session's duration, like principal.duration.
	Session SessionSpec     `yaml:"session" json:",omitzero"` // unset: fingerprints as before the field existed
	Spec    AWSEndpointSpec `yaml:"spec"`
}

// duration is the role session duration asked for and the field that
// asked: principal.duration, else Atmos's session.duration.
func (s *AWSAssumeRole) duration() (config.Duration, string) {
	if s.Principal.Duration.IsSet() {
		return s.Principal.Duration, "principal.duration"
	}
	return s.Session.Duration, "session.duration"
}

func (s *AWSAssumeRole) Validate(c *config.Checker) {
	p := s.Principal
	if c.Required("principal.assume_role", p.AssumeRole) {
		c.Match("principal.assume_role", p.AssumeRole, reRoleARN, "IAM role ARN", "arn:aws:iam::123456789012:role/Name")
	}
	if n := len(p.SessionName); n > 0 && (n < 2 || n > 64 || !reSession.MatchString(p.SessionName)) {
		c.Errf("principal.session_name", "", "principal.session_name: %q is not a valid role session name (2-64 of [A-Za-z0-9_+=,.@-])", p.SessionName)
	}
	if n := len(p.AssumeRole); n > 2048 {
		c.Errf("principal.assume_role", "", "principal.assume_role is longer than 2048 characters")
	}
	if p.ExternalID != "" && (len(p.ExternalID) < 2 || len(p.ExternalID) > 1224) {
		c.Errf("principal.external_id", "", "principal.external_id must be 2 to 1224 characters")
	}
	c.DurationRange("principal.duration", p.Duration, 15*time.Minute, 12*time.Hour)
	c.DurationRange("session.duration", s.Session.Duration, 15*time.Minute, 12*time.Hour)
	if p.Duration.IsSet() && s.Session.Duration.IsSet() {
		c.Errf("session.duration", "keep one of them", "session.duration and principal.duration both set the role session's duration")
	}
	checkRegion(c, "principal.region", p.Region)
	s.Spec.check(c, "spec")
}

// SessionName returns the role session name: principal.session_name, else
// "atmos-auth-<identity>" sanitised to STS's [\w+=,.@-]{2,64}.
func (s *AWSAssumeRole) SessionName(identity string) string {
	if s.Principal.SessionName != "" {
		return s.Principal.SessionName
	}
	return sanitizeSessionName("atmos-auth-" + identity)
}

func sanitizeSessionName(n string) string {
	b := []byte(n)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0) {
			b[i] = '-'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	for len(b) < 2 {
		b = append(b, '-')
	}
	return string(b)
}

// authenticate assumes the role: AssumeRole from AWS credentials,
// AssumeRoleWithWebIdentity from an OIDC token, AssumeRoleWithSAML from a
// SAML assertion.
func (s *AWSAssumeRole) Authenticate(ctx context.Context, st *auth.Step, base *auth.Credentials) (*auth.Credentials, error) {
	if base == nil {
		return nil, fmt.Errorf("aws/assume-role needs base credentials")
	}
	p := s.Principal
	region := stepRegion(st)
	var dur time.Duration
	if d, _ := s.duration(); d.IsSet() {
		dur = d.Duration
	}
	name := s.SessionName(st.Name())
	var c *auth.Credentials
	var err error
	switch base.Type {
	case CredAWS:
		c, err = stepSTS(st, base).assumeRole(ctx, params("RoleArn", p.AssumeRole, "RoleSessionName", name,
			"DurationSeconds", seconds(dur), "ExternalId", p.ExternalID))
	case config.CredOIDC:
		c, err = stepSTS(st, nil).assumeRoleWithWebIdentity(ctx, params("RoleArn", p.AssumeRole, "RoleSessionName", name,
			"WebIdentityToken", base.Secret(auth.PayloadToken), "DurationSeconds", seconds(dur)))
	case CredSAML:
		c, err = s.assumeWithSAML(ctx, st, base)
	default:
		return nil, fmt.Errorf("aws/assume-role cannot use %s credentials", base.Type)
	}
	if err != nil {
		return nil, err
	}
	c.Account = arnAccount(p.AssumeRole)
	c.Region = region
	c.Role = p.AssumeRole[strings.LastIndexByte(p.AssumeRole, '/')+1:]
	return c, nil
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *AWSAssumeRole) Describe() string {
	return s.Principal.AssumeRole
}

// RegionName is the region this step names ("" for none).
func (s *AWSAssumeRole) RegionName() string { return s.Principal.Region }

// CheckBase: AssumeRole with credentials that are themselves a role session
// (role chaining) is limited by AWS to one hour, whatever the role's
// maximum; asking for more fails at login, so validate says it.
func (s *AWSAssumeRole) CheckBase(c *config.Checker, base *config.Entry) {
	d, path := s.duration()
	if !d.IsSet() || d.Duration <= time.Hour {
		return
	}
	switch base.Kind {
	case "aws/permission-set", "aws/assume-role":
		c.Errf(path, "use 1h or less, or chain it from an aws/user or a provider",
			path+": %s is longer than the 1h AWS allows when chaining from a role session (%s %q)", d.Raw, base.Kind, base.Name)
	}
}
