package aws

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// apiCall is one AWS API call, made the way the SDK makes it, for the few
// operations this program needs (STS, the SSO portal, SSO-OIDC, ECR, ECR
// Public, EKS). The SDK's service packages cost every start of the binary
// — credential_process, the shell hook — their endpoint tables and
// schemas at package init: about 0.7× a Go hello world's whole run on the
// machine that measured it (docs/ARCHITECTURE.md, "Start-up cost"). Each
// protocol (awsjson.go, sts.go, sso_portal.go, sso_oidc.go) builds an
// apiCall and reads its answer; send keeps what matters of the SDK:
//
//   - one deadline, a.CallTimeout(), over every attempt, on the bounded
//     HTTP client (auth/http.go);
//   - up to maxAttempts, with jittered exponential backoff, for throttling,
//     5xx answers and transport failures — never for a denial;
//   - SigV4 signing when signing names a service, else an unsigned call;
//   - an answer bound of maxAnswer bytes;
//   - errors as the walker and the messages expect, worded as the SDK's:
//     an *apiError (with an *awsAPIError inside: "operation error STS:
//     AssumeRole, api error AccessDenied: …") when AWS answered with an
//     error, an *auth.NetworkError naming the endpoint when nothing
//     answered.
type apiCall struct {
	service  string            // the service id in messages: STS, SSO, SSO OIDC, ECR, …
	op       string            // the operation, in messages
	signing  string            // the SigV4 signing name; "" sends the call unsigned
	creds    *auth.Credentials // CredAWS credentials that sign it
	region   string
	endpoint string // base URL: scheme://host[:port][/path]; "" = the AWS endpoint of host in region
	host     string // the AWS endpoint's first labels: sts, portal.sso, oidc, api.ecr, …
	method   string
	path     string // path and query, appended to endpoint
	header   map[string]string
	body     []byte
	// errorOf reads the error code and message of a non-2xx answer.
	errorOf func(resp *http.Response, data []byte) (code, msg string)
}

// maxAnswer bounds what one answer may hold.
const maxAnswer = 1 << 20

// send makes the call and returns the body of its 2xx answer.
func (c apiCall) send(ctx context.Context, a *auth.Authenticator) ([]byte, error) {
	bound := a.CallTimeout()
	cctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	backoff := maxBackoff
	if a.RetryBackoff > 0 {
		backoff = a.RetryBackoff
	}
	var last error
	var endpoint string
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if attempt > 0 {
			d := min(backoff, time.Duration(1<<attempt)*100*time.Millisecond)
			t := time.NewTimer(rand.N(d) + 1)
			select {
			case <-t.C:
			case <-cctx.Done():
				t.Stop()
				return nil, c.failed(ctx, cctx, endpoint, bound, last)
			}
		}
		data, retry, ep, err := c.once(cctx, a)
		if ep != "" {
			endpoint = ep
		}
		if err == nil {
			return data, nil
		}
		last = err
		if !retry || cctx.Err() != nil {
			break
		}
	}
	return nil, c.failed(ctx, cctx, endpoint, bound, last)
}

// transportError is a failure to get an answer at all.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// failed turns the last attempt's error into what callers see.
func (c apiCall) failed(parent, cctx context.Context, endpoint string, bound time.Duration, err error) error {
	if ae, ok := errors.AsType[*awsAPIError](err); ok {
		return &apiError{op: c.op, err: c.wrap(ae)}
	}
	if parent.Err() != nil {
		return c.wrap(parent.Err()) // Ctrl-C: not a network failure
	}
	var te *transportError
	timeout := timedOut(cctx, err)
	if timeout || errors.As(err, &te) {
		if err == nil {
			err = cctx.Err()
		}
		if te != nil {
			err = te.err
		}
		return &auth.NetworkError{Service: c.service, Operation: c.op, Endpoint: endpoint, Bound: bound, Timeout: timeout,
			Setting: "spec.endpoint_url, AWS_ENDPOINT_URL*", Err: err}
	}
	return c.wrap(err)
}

func (c apiCall) wrap(err error) error {
	return &operationError{service: c.service, op: c.op, err: err}
}

// operationError is a failed call as the SDK words it: "operation error
// STS: AssumeRole, …".
type operationError struct {
	service, op string
	err         error
}

func (e *operationError) Error() string {
	return fmt.Sprintf("operation error %s: %s, %v", e.service, e.op, e.err)
}
func (e *operationError) Unwrap() error { return e.err }

// awsAPIError is an error answer of an AWS API: its code and message.
type awsAPIError struct {
	code, msg string
}

func (e *awsAPIError) Error() string        { return fmt.Sprintf("api error %s: %s", e.code, e.msg) }
func (e *awsAPIError) ErrorCode() string    { return e.code }
func (e *awsAPIError) ErrorMessage() string { return e.msg }

// once makes one attempt; retry says whether another may succeed, endpoint
// is where it was sent (scheme://host).
func (c apiCall) once(ctx context.Context, a *auth.Authenticator) (data []byte, retry bool, endpoint string, err error) {
	req, err := c.request(ctx, c.body)
	if err != nil {
		return nil, false, "", err
	}
	endpoint = req.URL.Scheme + "://" + req.URL.Host
	if c.signing != "" {
		sum := sha256.Sum256(c.body)
		c.signer(time.Now()).sign(req, hex.EncodeToString(sum[:]))
	}
	resp, data, err := exchange(a, req)
	if err != nil {
		return nil, errors.As(err, new(*transportError)) && ctx.Err() == nil, endpoint, err
	}
	if resp.StatusCode/100 != 2 {
		code, msg := c.errorOf(resp, data)
		if code == "" {
			code = fmt.Sprintf("HTTP%d", resp.StatusCode)
		}
		return nil, retryable(resp.StatusCode, code), endpoint, &awsAPIError{code: code, msg: msg}
	}
	return data, false, endpoint, nil
}

// request is the call's HTTP request, with its headers, carrying body.
func (c apiCall) request(ctx context.Context, body []byte) (*http.Request, error) {
	base := c.endpoint
	if base == "" {
		base = serviceEndpoint(c.host, c.region)
	}
	return newRequest(ctx, c.method, strings.TrimRight(base, "/")+c.path, body, c.header)
}

// newRequest is an HTTP request to url with header set.
func newRequest(ctx context.Context, method, url string, body []byte, header map[string]string) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req, nil
}

// errAnswerTooLarge: an answer held more than maxAnswer bytes.
var errAnswerTooLarge = fmt.Errorf("the answer is larger than %d bytes", maxAnswer)

// exchange sends req, as this program, on the bounded client and reads
// at most maxAnswer bytes of the answer (the body is closed). A failure to
// get or read an answer is a *transportError; a longer answer is
// errAnswerTooLarge.
func exchange(a *auth.Authenticator, req *http.Request) (*http.Response, []byte, error) {
	req.Header.Set("User-Agent", "atmos-auth")
	resp, err := a.HTTP().Do(req)
	if err != nil {
		return nil, nil, &transportError{err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, nil, &transportError{err}
	}
	if len(data) > maxAnswer {
		return nil, nil, errAnswerTooLarge
	}
	return resp, data, nil
}

// timedOut: a call bounded by cctx got no answer in time.
func timedOut(cctx context.Context, err error) bool {
	var ne net.Error
	return cctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// retryable: the SDK's standard retryer's codes (throttling, timeouts),
// STS's IDPCommunicationError, and 5xx/429 answers.
func retryable(status int, code string) bool {
	switch code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
		"BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
		"EC2ThrottledException", "RequestTimeout", "RequestTimeoutException", "IDPCommunicationError":
		return true
	}
	return status == http.StatusTooManyRequests || status >= 500
}

// serviceEndpoint is the AWS endpoint of a service in a region:
// https://<host>.<region>.<partition DNS suffix>.
func serviceEndpoint(host, region string) string {
	return "https://" + host + "." + region + "." + partitionOf(region).dnsSuffix
}

// queryString encodes parameters for a GET (sorted, as url.Values does).
func queryString(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// presign returns the call as a URL signed in its query string (SigV4
// presigning, the hash of the empty payload as the SDK sends it), its
// headers signed in: what EKS bearer tokens are.
func (c apiCall) presign(ctx context.Context) (string, error) {
	req, err := c.request(ctx, nil)
	if err != nil {
		return "", c.wrap(err)
	}
	sum := sha256.Sum256(nil)
	u, err := c.signer(time.Now()).presign(req, hex.EncodeToString(sum[:]))
	if err != nil {
		return "", c.wrap(err)
	}
	return u, nil
}

// signer signs the call with its credentials at t.
func (c apiCall) signer(t time.Time) sigv4 {
	id, secret, token := keysOf(c.creds)
	return sigv4{id: id, secret: secret, token: token, service: c.signing, region: c.region, time: t}
}
