package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
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
		config.ChainString(e.Chain), ErrSummary(e.Err), e.Chain[0].Name)
}

func (e *RefusedError) Unwrap() error { return e.Err }

// CallerIdentity calls sts:GetCallerIdentity with an identity's AWS
// credentials (whoami --verify) and returns the ARN and account. When AWS
// refuses them (ExpiredToken, InvalidClientTokenId, …) the identity's
// cached step is dropped — only that one: its bases are checked when the
// chain next runs — and a *RefusedError says how to renew.
func (a *Authenticator) CallerIdentity(ctx context.Context, identity string, c *Credentials) (arn, account string, err error) {
	chain, err := a.Config.Chain(identity)
	if err != nil {
		return "", "", err
	}
	if c == nil || c.Type != CredAWS {
		return "", "", fmt.Errorf("identity %q has no AWS credentials to verify", identity)
	}
	s := &step{a: a, chain: chain}
	region := c.Region
	if region == "" {
		region = s.region()
	}
	out, err := sts.NewFromConfig(a.awsConfig(region, s.endpoint(svcSTS), c)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		if errors.Is(err, ErrCredentialsRefused) {
			a.invalidate(s)
			return "", "", &RefusedError{Chain: chain, Err: err}
		}
		return "", "", &StepError{Chain: chain, Err: err}
	}
	return aws.ToString(out.Arn), aws.ToString(out.Account), nil
}
