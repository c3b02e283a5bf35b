package aws

import (
	"context"
	"errors"
	"fmt"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// RefusedError says AWS refused credentials the cache held as valid
// (revoked, or expired on the server's clock): their cache entry was
// dropped, so nothing serves them any more, and a login renews them.
type RefusedError struct {
	Chain []*config.Entry
	Err   error
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s: AWS refused the cached credentials (%s); they were removed from the cache: run `atmos-auth login -i %s` to renew them",
		config.ChainString(e.Chain), auth.ErrSummary(e.Err), e.Chain[0].Name)
}

func (e *RefusedError) Unwrap() error { return e.Err }

// verifySTS calls sts:GetCallerIdentity with an identity's AWS credentials
// (whoami --verify) and returns the ARN and account. When AWS refuses them
// (ExpiredToken, InvalidClientTokenId, …) the identity's cached step is
// dropped — only that one: its bases are checked when the chain next runs —
// and a *RefusedError says how to renew.
func verifySTS(ctx context.Context, s *auth.Step, c *auth.Credentials) (arn, account string, err error) {
	if c == nil || c.Type != CredAWS {
		return "", "", fmt.Errorf("identity %q has no AWS credentials to verify", s.Name())
	}
	region := c.Region
	if region == "" {
		region = stepRegion(s)
	}
	arn, account, err = stsClient{a: s.Auth, region: region, endpoint: stepEndpoint(s, svcSTS), creds: c}.getCallerIdentity(ctx)
	if err != nil {
		if errors.Is(err, auth.ErrCredentialsRefused) {
			s.Auth.Invalidate(s)
			return "", "", &RefusedError{Chain: s.Chain, Err: err}
		}
		return "", "", &auth.StepError{Chain: s.Chain, Err: err}
	}
	return arn, account, nil
}
