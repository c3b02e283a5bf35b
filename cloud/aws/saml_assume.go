package aws

import (
	"context"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// assumeWithSAML is aws/assume-role after an aws/saml provider: the role is
// principal.assume_role, found among the assertion's Role attribute values
// (each names the role and the IAM SAML provider to pass as PrincipalArn);
// the session lasts principal.duration, else the provider's
// session.duration, at most the assertion's SessionDuration.
func (s *AWSAssumeRole) assumeWithSAML(ctx context.Context, st *auth.Step, base *auth.Credentials) (*auth.Credentials, error) {
	a, err := parseSAMLResponse(base.Secret(payloadSAMLResponse), st.Auth.Now(), samlTestACS(st.Auth.Env))
	if err != nil {
		return nil, err
	}
	r, err := a.role(s.Principal.AssumeRole)
	if err != nil {
		return nil, err
	}
	asked := s.Principal.Duration.Duration
	if !s.Principal.Duration.IsSet() && len(st.Chain) > 1 {
		if p, ok := st.Chain[1].Spec.(*AWSSAMLProvider); ok && p.Session.Duration.IsSet() {
			asked = p.Session.Duration.Duration
		}
	}
	var dur time.Duration
	if asked > 0 {
		if a.MaxDuration > 0 && asked > a.MaxDuration {
			st.Auth.Log().Info("session duration clamped to the assertion's SessionDuration", "identity", st.Name(), "asked", asked, "max", a.MaxDuration)
			asked = a.MaxDuration
		}
		asked = max(asked, 15*time.Minute)
		dur = asked
	}
	return stepSTS(st, nil).assumeRoleWithSAML(ctx, params("RoleArn", r.Role, "PrincipalArn", r.Principal,
		"SAMLAssertion", a.Raw, "DurationSeconds", seconds(dur)))
}
