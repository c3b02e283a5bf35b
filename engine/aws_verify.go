package engine

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// CallerIdentity calls sts:GetCallerIdentity with an identity's AWS
// credentials (whoami --verify) and returns the ARN and account.
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
		return "", "", &StepError{Chain: chain, Err: err}
	}
	return aws.ToString(out.Arn), aws.ToString(out.Account), nil
}
