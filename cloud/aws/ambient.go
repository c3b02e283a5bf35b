package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

var awsAmbientKind = &config.KindInfo{Name: "aws/ambient", Role: config.RoleIdentity, Cloud: "aws",
	Produces: CredAWS, Standalone: true, New: func() any { return &AWSAmbient{} }}

// AWSAmbient resolves credentials through the AWS default credential chain
// (env, web identity/IRSA, shared files, ECS/EKS container endpoint, IMDS)
// and leaves the environment as it is, apart from an optional region.
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

// Authenticate resolves the default credential chain in the SDK's order
// (ambient_chain.go). The result is never written to disk.
func (s *AWSAmbient) Authenticate(ctx context.Context, st *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	// The chain may call STS, the SSO portal, a container endpoint or IMDS:
	// the bounded client, and one deadline over the whole resolution.
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, st.Auth.CallTimeout())
	defer cancel()
	r := newAmbientResolver(st, s.Principal.Region)
	v, err := r.resolve(ctx)
	if err != nil {
		if parent.Err() != nil {
			return nil, parent.Err() // Ctrl-C: not a network failure
		}
		if ctx.Err() != nil || isTimeout(err) {
			return nil, s.timeoutErr(st, err)
		}
		return nil, &ambientError{msg: "no ambient AWS credentials: ", err: err}
	}
	c := awsKeys(keysOf(v.creds))
	c.Region, c.Account, c.Role = r.region, v.account, "ambient ("+v.source+")"
	if !v.creds.Expiration.IsZero() {
		c.Expiration = v.creds.Expiration.UTC()
	} else {
		// Static ambient keys do not expire; treat them as good for an hour
		// so chained steps are cached on their own terms.
		c.Expiration = st.Auth.Now().Add(time.Hour).UTC()
	}
	return c, nil
}

// isTimeout: a call of the chain got no answer within its bound.
func isTimeout(err error) bool {
	ne, ok := errors.AsType[*auth.NetworkError](err)
	return ok && ne.Timeout
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
	return &ambientError{msg: fmt.Sprintf("no ambient AWS credentials: no answer within %s from %s: check the network and that variable, or pick another identity; %s sets the bound (",
		st.Auth.CallTimeout(), where, auth.EnvHTTPTimeout), err: err, suffix: ")"}
}

// ambientError is the chain's failure. Its summary (what the CLI prints)
// keeps where in the chain it failed — the profile, file and line — with
// the short form of the AWS or network error inside, rather than that
// short form alone.
type ambientError struct {
	msg, suffix string
	err         error
}

func (e *ambientError) Error() string { return e.msg + e.err.Error() + e.suffix }
func (e *ambientError) Unwrap() error { return e.err }

func (e *ambientError) Summary() string {
	s := e.err.Error()
	if in, ok := errors.AsType[interface {
		error
		Summary() string
	}](e.err); ok {
		s = strings.Replace(s, in.Error(), in.Summary(), 1)
	}
	return e.msg + s + e.suffix
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *AWSAmbient) Describe() string {
	return config.JoinNonEmpty("AWS default credential chain", s.Principal.Region)
}

// RegionName is the region this step names ("" for none).
func (s *AWSAmbient) RegionName() string { return s.Principal.Region }
