package aws

import (
	"context"
	"fmt"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"
)

var awsAmbientKind = &config.KindInfo{Name: "aws/ambient", Role: config.RoleIdentity, Cloud: "aws",
	Produces: CredAWS, Standalone: true, New: func() any { return &AWSAmbient{} }}

// AWSAmbient resolves credentials through the AWS SDK's default chain (env,
// shared files, web identity/IRSA, ECS, IMDS) and leaves the environment
// as it is, apart from an optional region.
type AWSAmbient struct {
	config.IdentityBase `yaml:",inline"`
	Principal           struct {
		Region string `yaml:"region"`
	} `yaml:"principal"`
}

func (s *AWSAmbient) Validate(c *config.Checker) {
	checkRegion(c, "principal.region", s.Principal.Region)
}

func (s *AWSAmbient) NoCache() {}

// authenticate resolves the SDK's default credential chain (env, shared
// files, web identity/IRSA, ECS, IMDS). The result is never written to disk.
func (s *AWSAmbient) Authenticate(ctx context.Context, st *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	// The default chain may call IMDS, an ECS endpoint or STS: the same
	// bounded client and per-call deadline as every other AWS call.
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, st.Auth.CallTimeout())
	defer cancel()
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithHTTPClient(sdkHTTPClient(st.Auth)),
		awsconfig.WithAPIOptions([]func(*middleware.Stack) error{boundCalls(st.Auth.CallTimeout())})}
	if r := s.Principal.Region; r != "" {
		opts = append(opts, awsconfig.WithRegion(r))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load the AWS SDK default configuration: %w", err)
	}
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("no ambient AWS credentials found (env, shared files, web identity, ECS, IMDS)")
	}
	v, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		if parent.Err() != nil {
			return nil, parent.Err() // Ctrl-C: not a network failure
		}
		if ctx.Err() != nil {
			return nil, s.timeoutErr(st, err)
		}
		return nil, fmt.Errorf("no ambient AWS credentials: %w", err)
	}
	c := awsKeys(v.AccessKeyID, v.SecretAccessKey, v.SessionToken)
	c.Region, c.Account, c.Role = cfg.Region, v.AccountID, "ambient ("+v.Source+")"
	if v.CanExpire {
		c.Expiration = v.Expires.UTC()
	} else {
		// Static ambient keys do not expire; treat them as good for an hour
		// so chained steps are cached on their own terms.
		c.Expiration = st.Auth.Now().Add(time.Hour).UTC()
	}
	if c.Region == "" {
		c.Region = stepRegion(st)
	}
	return c, nil
}

// timeoutErr names where the default chain was waiting: the container
// endpoint when one is set, else IMDS and web identity.
func (s *AWSAmbient) timeoutErr(st *auth.Step, err error) error {
	where := "the instance metadata service (IMDS) or the web identity STS endpoint"
	for _, v := range []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		if u := st.Auth.Env(v); u != "" {
			where = fmt.Sprintf("the container credentials endpoint %q (%s)", u, v)
			break
		}
	}
	return fmt.Errorf("no ambient AWS credentials: no answer within %s from %s: check the network and that variable, or pick another identity; %s sets the bound (%w)",
		st.Auth.CallTimeout(), where, auth.EnvHTTPTimeout, err)
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *AWSAmbient) Describe() string {
	return config.JoinNonEmpty("AWS SDK default chain", s.Principal.Region)
}

// RegionName is the region this step names ("" for none).
func (s *AWSAmbient) RegionName() string { return s.Principal.Region }
