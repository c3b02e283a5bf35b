package aws

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// AWS service ids as used in the SDK's service-specific endpoint variables
// (AWS_ENDPOINT_URL_<ID>).
const (
	svcSTS     = "STS"
	svcSSO     = "SSO"
	svcSSOOIDC = "SSO_OIDC"
)

// SDK retries: the standard retryer, bounded.
const (
	maxAttempts = 5
	maxBackoff  = 5 * time.Second
)

// DefaultAWSRegion is used when no step of a chain names a region.
const DefaultAWSRegion = "us-east-1"

// awsEndpoint resolves the endpoint for a service at a chain step:
// spec.endpoint_url of the step, else of the nearest step towards the root
// that sets one, else the SDK's standard AWS_ENDPOINT_URL_<SERVICE> and
// AWS_ENDPOINT_URL variables (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS),
// else "" (the real AWS endpoint). The calls are ours (apiCall), not the
// SDK's, so the variables are read here, from the step's environment.
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

// apiCode returns the AWS error code of err ("" when it is not an API error).
func apiCode(err error) string {
	if ae, ok := errors.AsType[*awsAPIError](err); ok {
		return ae.code
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
	ae, _ := errors.AsType[*awsAPIError](e.err)
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
	return target == auth.ErrCredentialsRefused && refusedCode(apiCode(e.err))
}

// refusedCode reports the codes meaning the credentials sent were refused.
func refusedCode(code string) bool {
	switch code {
	case "UnauthorizedException", "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "InvalidAccessKeyId", "UnrecognizedClientException":
		return true
	}
	return false
}

// The payload fields of CredAWS credentials. Only this package knows them.
const (
	keyAccessKeyID     = "access_key_id"
	keySecretAccessKey = "secret_access_key"
	keySessionToken    = "session_token"
)

// awsKeys is CredAWS credentials holding an access key (and a session token
// unless the key is long-lived); empty fields are left out. With keysOf, it
// is the one place that knows how AWS keys are held in auth.Credentials.
func awsKeys(akid, secret, token string) *auth.Credentials {
	p := map[string]string{}
	for k, v := range map[string]string{keyAccessKeyID: akid, keySecretAccessKey: secret, keySessionToken: token} {
		if v != "" {
			p[k] = v
		}
	}
	return &auth.Credentials{Type: CredAWS, Payload: p}
}

// keysOf is the access key, secret key and session token of CredAWS
// credentials ("" for what they lack).
func keysOf(c *auth.Credentials) (akid, secret, token string) {
	return c.Secret(keyAccessKeyID), c.Secret(keySecretAccessKey), c.Secret(keySessionToken)
}

// arnAccount returns the account id field of an ARN.
func arnAccount(arn string) string {
	p := strings.Split(arn, ":")
	if len(p) > 4 {
		return p[4]
	}
	return ""
}
