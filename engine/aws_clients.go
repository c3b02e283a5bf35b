package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// AWS service ids as used in the SDK's service-specific endpoint variables
// (AWS_ENDPOINT_URL_<ID>).
const (
	svcSTS     = "STS"
	svcSSO     = "SSO"
	svcSSOOIDC = "SSO_OIDC"
)

// DefaultAWSRegion is used when no step of a chain names a region.
const DefaultAWSRegion = "us-east-1"

// awsEndpoint resolves the endpoint for a service at a chain step:
// spec.endpoint_url of the step, else of the nearest step towards the root
// that sets one, else the SDK's standard AWS_ENDPOINT_URL_<SERVICE> and
// AWS_ENDPOINT_URL variables (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS),
// else "" (the real AWS endpoint). We build aws.Config ourselves, so the
// variables are read here rather than by config.LoadDefaultConfig.
func awsEndpoint(chain []*config.Entry, service string, getenv func(string) string) string {
	for _, e := range chain {
		if u := endpointOf(e); u != "" {
			return u
		}
	}
	if getenv == nil {
		return ""
	}
	if strings.EqualFold(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return ""
	}
	if v := getenv("AWS_ENDPOINT_URL_" + service); v != "" {
		return v
	}
	return getenv("AWS_ENDPOINT_URL")
}

func endpointOf(e *config.Entry) string {
	switch s := e.Spec.(type) {
	case *AWSSSOProvider:
		return s.Spec.EndpointURL
	case *AWSPermissionSet:
		return s.Spec.EndpointURL
	case *AWSAssumeRole:
		return s.Spec.EndpointURL
	case *AWSAssumeRoot:
		return s.Spec.EndpointURL
	case *AWSUser:
		return s.Spec.EndpointURL
	case *AWSSAMLProvider:
		return s.Spec.EndpointURL
	}
	return ""
}

// awsConfig builds an SDK config for one call site. creds may be nil for
// unsigned operations (sso-oidc, the SSO portal, AssumeRoleWithWebIdentity).
func (a *Authenticator) awsConfig(region, endpoint string, creds *Credentials) aws.Config {
	cfg := aws.Config{
		Region:     region,
		HTTPClient: a.httpClient(),
		Retryer: func() aws.Retryer {
			// The standard retryer retries throttling, 5xx and transient
			// network errors; AccessDenied and friends are not retried.
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = maxAttempts
				backoff := maxBackoff
				if a.RetryBackoff > 0 {
					backoff = a.RetryBackoff
				}
				o.Backoff = retry.NewExponentialJitterBackoff(backoff)
			})
		},
		APIOptions: []func(*middleware.Stack) error{boundCalls(a.callTimeout())},
	}
	if endpoint != "" {
		cfg.BaseEndpoint = aws.String(endpoint)
	}
	if creds != nil {
		cfg.Credentials = credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	} else {
		cfg.Credentials = aws.AnonymousCredentials{}
	}
	return cfg
}

// EnvHTTPTimeout bounds every network operation (one SDK call with all its
// retries, or one plain HTTP request), a Go duration; DefaultCallTimeout
// when unset.
const EnvHTTPTimeout = "ATMOS_AUTH_HTTP_TIMEOUT"

// Network bounds: a blackholed endpoint fails in about a minute with a
// message naming it, not after minutes of silent retries.
const (
	DefaultCallTimeout = 60 * time.Second
	dialTimeout        = 5 * time.Second
	tlsTimeout         = 5 * time.Second
	headerTimeout      = 15 * time.Second
	attemptTimeout     = 30 * time.Second
	maxAttempts        = 5
	maxBackoff         = 5 * time.Second
)

// callTimeout is the bound of one network operation (EnvHTTPTimeout).
func (a *Authenticator) callTimeout() time.Duration {
	if d, err := time.ParseDuration(strings.TrimSpace(a.getenv(EnvHTTPTimeout))); err == nil && d > 0 {
		return d
	}
	return DefaultCallTimeout
}

var boundedClients sync.Map // time.Duration → *http.Client

func (a *Authenticator) httpClient() *http.Client {
	if a.HTTPClient != nil {
		return a.HTTPClient
	}
	total := a.callTimeout()
	if c, ok := boundedClients.Load(total); ok {
		return c.(*http.Client)
	}
	c, _ := boundedClients.LoadOrStore(total, newBoundedClient(total))
	return c.(*http.Client)
}

// newBoundedClient: connect, TLS handshake, response headers and the whole
// attempt each have a deadline (none longer than total).
// stageBounds are the per-stage bounds of one attempt, none longer than
// the whole call's bound.
type stageBounds struct{ dial, tls, header, attempt time.Duration }

func boundsWithin(total time.Duration) stageBounds {
	return stageBounds{dial: min(dialTimeout, total), tls: min(tlsTimeout, total),
		header: min(headerTimeout, total), attempt: min(attemptTimeout, total)}
}

func newBoundedClient(total time.Duration) *http.Client {
	b := boundsWithin(total)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: b.dial, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = b.tls
	tr.ResponseHeaderTimeout = b.header
	return &http.Client{Transport: tr, Timeout: b.attempt}
}

// sdkHTTPClient is the bounded client as the SDK's buildable client, for
// config.LoadDefaultConfig (which adds a custom CA bundle through it).
func (a *Authenticator) sdkHTTPClient() *awshttp.BuildableClient {
	b := boundsWithin(a.callTimeout())
	return awshttp.NewBuildableClient().WithTimeout(b.attempt).
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = b.dial }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.TLSHandshakeTimeout = b.tls
			tr.ResponseHeaderTimeout = b.header
		})
}

// NetworkError is a call that got no answer: the endpoint could not be
// reached or did not answer within the bound.
type NetworkError struct {
	Service, Operation string
	Endpoint           string // scheme://host of the last attempt ("" if none was sent)
	Bound              time.Duration
	Timeout            bool
	// Setting names what configures the endpoint (default: the AWS ones).
	Setting string
	Err     error
}

func (e *NetworkError) Error() string {
	ep := e.Endpoint
	if ep == "" {
		ep = strings.TrimSpace("the " + e.Service + " endpoint")
	}
	what := strings.TrimSpace(e.Service + " " + e.Operation)
	if what == "" {
		what = "AWS request"
	}
	setting := e.Setting
	if setting == "" {
		setting = "spec.endpoint_url, AWS_ENDPOINT_URL*"
	}
	if e.Timeout {
		return fmt.Sprintf("%s: no answer from %s within %s: check the network (proxy, VPN, firewall) and the endpoint (%s); %s sets the bound", what, ep, e.Bound, setting, EnvHTTPTimeout)
	}
	return fmt.Sprintf("%s: cannot reach %s (%s): check the network (proxy, VPN, firewall) and the endpoint (%s)", what, ep, netCause(e.Err), setting)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// Summary is the whole message: no SDK wrapping adds to it (see ErrSummary).
func (e *NetworkError) Summary() string { return e.Error() }

// netCause is the innermost useful text of a transport error.
func netCause(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

type callInfoKey struct{}

type callInfo struct {
	mu       sync.Mutex
	endpoint string
}

// boundCalls gives every SDK operation (all attempts) a deadline and turns
// a failure to get an answer into a NetworkError naming the endpoint.
func boundCalls(total time.Duration) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		deadline := middleware.InitializeMiddlewareFunc("atmosAuthDeadline", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			info := &callInfo{}
			cctx, cancel := context.WithTimeout(context.WithValue(ctx, callInfoKey{}, info), total)
			defer cancel()
			out, md, err := next.HandleInitialize(cctx, in)
			if err != nil && ctx.Err() == nil {
				var se *smithyhttp.RequestSendError
				var ne net.Error
				timeout := cctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
				if timeout || errors.As(err, &se) {
					info.mu.Lock()
					ep := info.endpoint
					info.mu.Unlock()
					err = &NetworkError{Service: awsmiddleware.GetServiceID(ctx), Operation: awsmiddleware.GetOperationName(ctx),
						Endpoint: ep, Bound: total, Timeout: timeout, Err: err}
				} else if _, ok := errors.AsType[smithy.APIError](err); ok {
					err = &apiError{op: awsmiddleware.GetOperationName(ctx), err: err}
				}
			}
			return out, md, err
		})
		if err := st.Initialize.Add(deadline, middleware.After); err != nil {
			return err
		}
		record := middleware.DeserializeMiddlewareFunc("atmosAuthEndpoint", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			if req, ok := in.Request.(*smithyhttp.Request); ok && req.URL != nil {
				if info, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
					info.mu.Lock()
					info.endpoint = req.URL.Scheme + "://" + req.URL.Host
					info.mu.Unlock()
				}
			}
			return next.HandleDeserialize(ctx, in)
		})
		return st.Deserialize.Add(record, middleware.After)
	}
}

// apiCode returns the AWS error code of err ("" when it is not an API error).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// apiError is an AWS API error as the cloud-neutral walker sees it: its
// Summary is the short form, and it is ErrCredentialsRefused when AWS
// refused the credentials sent (revoked or expired on the server although
// the cache says valid), so that the walker renews the step that made them.
type apiError struct {
	op  string
	err error
}

func (e *apiError) Error() string { return e.err.Error() }
func (e *apiError) Unwrap() error { return e.err }

// Summary renders "AssumeRole AccessDenied: message", without the request
// ids and HTTP noise.
func (e *apiError) Summary() string {
	ae, _ := errors.AsType[smithy.APIError](e.err)
	op := ""
	if e.op != "" {
		op = e.op + " "
	}
	if ae.ErrorMessage() == "" {
		return op + ae.ErrorCode()
	}
	return fmt.Sprintf("%s%s: %s", op, ae.ErrorCode(), ae.ErrorMessage())
}

func (e *apiError) Is(target error) bool {
	return target == ErrCredentialsRefused && refusedCode(apiCode(e.err))
}

// refusedCode reports the codes meaning the credentials sent were refused.
func refusedCode(code string) bool {
	switch code {
	case "UnauthorizedException", "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "InvalidAccessKeyId", "UnrecognizedClientException":
		return true
	}
	return false
}

// credsFromSTS converts STS credentials.
func awsCreds(akid, secret, token *string, exp *time.Time) *Credentials {
	c := &Credentials{Type: CredAWS, AccessKeyID: aws.ToString(akid), SecretAccessKey: aws.ToString(secret), SessionToken: aws.ToString(token)}
	if exp != nil {
		c.Expiration = exp.UTC()
	}
	return c
}

// arnAccount returns the account id field of an ARN.
func arnAccount(arn string) string {
	p := strings.Split(arn, ":")
	if len(p) > 4 {
		return p[4]
	}
	return ""
}
