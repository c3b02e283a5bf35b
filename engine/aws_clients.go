package engine

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
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
func awsEndpoint(chain []*Entry, service string, getenv func(string) string) string {
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

func endpointOf(e *Entry) string {
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
				o.MaxAttempts = 5
				if a.RetryBackoff > 0 {
					o.Backoff = retry.NewExponentialJitterBackoff(a.RetryBackoff)
				}
			})
		},
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

func (a *Authenticator) httpClient() *http.Client {
	if a.HTTPClient != nil {
		return a.HTTPClient
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// apiCode returns the AWS error code of err ("" when it is not an API error).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// describeErr renders an SDK error as "AssumeRole AccessDenied: message",
// without the request ids and HTTP noise; other errors as they are.
func describeErr(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		op := ""
		var oe *smithy.OperationError
		if errors.As(err, &oe) {
			op = oe.OperationName + " "
		}
		msg := ae.ErrorMessage()
		if msg == "" {
			return op + ae.ErrorCode()
		}
		return fmt.Sprintf("%s%s: %s", op, ae.ErrorCode(), msg)
	}
	return err.Error()
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
