package gcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// The plain HTTP client of the Google APIs a chain calls (STS, IAM
// Credentials, OAuth 2.0, the metadata server): every call is bounded
// (auth.Authenticator.HTTP and CallTimeout), every answer read is capped,
// and failures name the service, the operation and the endpoint.

// maxAnswer caps what is read of one answer: a token answer is a few KB.
const maxAnswer = 1 << 20

// PayloadAccessToken is the payload field of the "gcp" credential type.
const PayloadAccessToken = "access_token"

// call retries throttling and server errors at most this often.
const maxAttempts = 3

// request is one Google API call.
type request struct {
	Service, Op string // "IAM Credentials", "generateAccessToken"
	Method, URL string
	Header      http.Header
	Body        []byte
	// Setting names what configures the endpoint, for messages.
	Setting string
	// Client overrides the authenticator's bounded client (redirect rules).
	Client *http.Client
}

// googleError is an error answer of a Google API (either the
// {"error": {"code", "status", "message"}} shape of the Cloud APIs or
// OAuth's {"error", "error_description"}).
type googleError struct {
	Op      string
	HTTP    int
	Status  string // PERMISSION_DENIED, invalid_grant
	Message string
}

func (e *googleError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.HTTP)
	}
	return fmt.Sprintf("%s %s: %s", e.Op, e.Status, termsafe.String(msg))
}

// Summary is the whole message (see auth.ErrSummary).
func (e *googleError) Summary() string { return e.Error() }

// Is makes an answer refusing the credentials sent (401, expired or
// revoked although the cache says valid) auth.ErrCredentialsRefused.
func (e *googleError) Is(target error) bool {
	return target == auth.ErrCredentialsRefused && (e.HTTP == http.StatusUnauthorized || e.Status == "UNAUTHENTICATED")
}

func parseGoogleError(op string, code int, body []byte) *googleError {
	e := &googleError{Op: op, HTTP: code, Status: "HTTP " + strconv.Itoa(code)}
	var cloud struct {
		Error struct {
			Code    int    `json:"code"`
			Status  string `json:"status"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &cloud) == nil && (cloud.Error.Status != "" || cloud.Error.Message != "") {
		if cloud.Error.Status != "" {
			e.Status = cloud.Error.Status
		}
		e.Message = cloud.Error.Message
		return e
	}
	var oauth struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &oauth) == nil && oauth.Error != "" {
		e.Status, e.Message = oauth.Error, oauth.Description
	}
	if len(e.Message) > 300 {
		e.Message = e.Message[:300] + "…"
	}
	return e
}

// call sends r and returns the answer's body when it is a 2xx; throttling
// and 5xx answers are retried with a bounded back-off.
func call(ctx context.Context, s *auth.Step, r request) ([]byte, error) {
	a := s.Auth
	total := a.CallTimeout()
	cctx, cancel := context.WithTimeout(ctx, total)
	defer cancel()
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, fmt.Errorf("%s %s: bad endpoint URL", r.Service, r.Op)
	}
	endpoint := u.Scheme + "://" + u.Host
	client := r.Client
	if client == nil {
		client = a.HTTP()
	}
	backoff := 500 * time.Millisecond
	if a.RetryBackoff > 0 {
		backoff = min(backoff, a.RetryBackoff)
	}
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(cctx, r.Method, r.URL, bytes.NewReader(r.Body))
		if err != nil {
			return nil, err
		}
		for k, v := range r.Header {
			req.Header[k] = v
		}
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err() // Ctrl-C: not a network failure
			}
			var ne net.Error
			timeout := cctx.Err() != nil || (errors.As(err, &ne) && ne.Timeout())
			if refused, ok := errors.AsType[*redirectRefused](err); ok {
				return nil, refused
			}
			return nil, &auth.NetworkError{Service: r.Service, Operation: r.Op, Endpoint: endpoint, Bound: total,
				Timeout: timeout, Setting: r.Setting, Err: err}
		}
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
		resp.Body.Close()
		if rerr != nil {
			return nil, &auth.NetworkError{Service: r.Service, Operation: r.Op, Endpoint: endpoint, Bound: total,
				Timeout: cctx.Err() != nil, Setting: r.Setting, Err: rerr}
		}
		if len(body) > maxAnswer {
			return nil, fmt.Errorf("%s %s: the answer of %s is larger than %d bytes: refused", r.Service, r.Op, endpoint, maxAnswer)
		}
		if resp.StatusCode/100 == 2 {
			return body, nil
		}
		retry := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		if !retry || attempt >= maxAttempts {
			return nil, parseGoogleError(r.Service+" "+r.Op, resp.StatusCode, body)
		}
		if err := a.Pause(cctx, backoff); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, parseGoogleError(r.Service+" "+r.Op, resp.StatusCode, body)
		}
		backoff *= 2
	}
}

func jsonBody(v any) ([]byte, http.Header) {
	b, _ := json.Marshal(v)
	return b, http.Header{"Content-Type": {"application/json"}}
}

func formBody(v url.Values) ([]byte, http.Header) {
	return []byte(v.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
}

func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

func merge(hs ...http.Header) http.Header {
	out := http.Header{}
	for _, h := range hs {
		for k, v := range h {
			out[k] = v
		}
	}
	return out
}

// oauthToken is an OAuth 2.0 token answer (the OAuth endpoint, STS, the
// metadata server).
type oauthToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// parseOAuthToken checks a token answer and returns the token and expiry.
func parseOAuthToken(op string, body []byte, now time.Time) (string, time.Time, error) {
	var t oauthToken
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return "", time.Time{}, fmt.Errorf("%s: the answer holds no access_token", op)
	}
	if t.ExpiresIn <= 0 || t.ExpiresIn > 7*24*3600 {
		return "", time.Time{}, fmt.Errorf("%s: the answer's expires_in (%d) is not a lifetime", op, t.ExpiresIn)
	}
	if err := tokenOK(t.AccessToken); err != nil {
		return "", time.Time{}, fmt.Errorf("%s: %w", op, err)
	}
	return t.AccessToken, now.Add(time.Duration(t.ExpiresIn) * time.Second).UTC(), nil
}

// tokenOK refuses a token a file, a header or a shell line cannot carry.
func tokenOK(tok string) error {
	if len(tok) > 16<<10 {
		return errors.New("the token is longer than 16 KiB")
	}
	if strings.IndexFunc(tok, func(r rune) bool { return r <= ' ' || r == 0x7f || r > 0x7e }) >= 0 {
		return errors.New("the token holds blanks or control characters")
	}
	return nil
}

// redirectRefused is a redirect to a host the request may not go to.
type redirectRefused struct{ from, to string }

func (e *redirectRefused) Error() string {
	return fmt.Sprintf("%s redirected to %s, which is not an allowed host: refused", e.from, e.to)
}

// sameHostClient is the bounded client that follows redirects only within
// the hosts allowed (a bearer never follows a redirect elsewhere).
func sameHostClient(base *http.Client, allowed func(host string) bool) *http.Client {
	c := *base
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if !allowed(strings.ToLower(req.URL.Hostname())) {
			return &redirectRefused{from: via[0].URL.Host, to: req.URL.Host}
		}
		return nil
	}
	return &c
}

// explained is an error with what it means for this step: its Summary
// keeps the explanation (auth.ErrSummary reports the outermost summary),
// and errors.Is still sees the cause.
type explained struct {
	prefix string
	err    error
	suffix string
}

func explain(prefix string, err error, suffix string) error {
	return &explained{prefix: prefix, err: err, suffix: suffix}
}

func (e *explained) Error() string   { return e.prefix + auth.ErrSummary(e.err) + e.suffix }
func (e *explained) Summary() string { return e.Error() }
func (e *explained) Unwrap() error   { return e.err }
