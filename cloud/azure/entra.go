package azure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// Microsoft Entra ID over plain OAuth 2.0 (net/http with the bounds of
// auth/http.go): the device authorization grant, refresh tokens and the
// client-assertion grant are three small form posts, and keeping them
// here (rather than in azidentity) keeps the refresh token ours to store
// in the keyring and every wait bounded by our own deadlines.

// azureCLIClientID is the Azure CLI's public client: the default client of
// azure/device-code, and the client az looks up in its token cache.
const azureCLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

const maxTokenBody = 1 << 20

// tokenResponse is a token endpoint's answer.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	// device authorization
	DeviceCode      string `json:"device_code"`
	UserCode        string `json:"user_code"`
	VerificationURI string `json:"verification_uri"`
	Interval        int64  `json:"interval"`
}

// AADError is an error answer of Entra ID: its OAuth error, its AADSTS
// code and what that code means.
type AADError struct {
	Endpoint    string
	Status      int
	OAuth       string // invalid_grant, authorization_pending, …
	Code        string // "53003"
	Description string // the server's text, made terminal-safe
}

func (e *AADError) Error() string {
	msg := "Microsoft Entra ID refused the request"
	if e.Code != "" {
		msg += ": AADSTS" + e.Code
		if m := aadstsMeaning(e.Code); m != "" {
			msg += " (" + m + ")"
		}
	} else if e.OAuth != "" {
		msg += ": " + e.OAuth
	}
	if e.Description != "" {
		d := strings.TrimPrefix(e.Description, "AADSTS"+e.Code+": ")
		if i := strings.IndexAny(d, "\r\n"); i >= 0 {
			d = d[:i]
		}
		if len(d) > 300 {
			d = d[:300] + "…"
		}
		msg += ": " + d
	}
	return msg
}

// Summary is the whole message (see auth.ErrSummary).
func (e *AADError) Summary() string { return e.Error() }

// Unwrap marks refusals of a refresh token or a token as
// auth.ErrCredentialsRefused.
func (e *AADError) Unwrap() error {
	if e.OAuth == "invalid_grant" || e.Status == http.StatusUnauthorized {
		return auth.ErrCredentialsRefused
	}
	return nil
}

// aadstsMeaning explains the AADSTS codes people meet at a command line.
func aadstsMeaning(code string) string {
	switch code {
	case "50076", "50079":
		return "multi-factor authentication is required: sign in again interactively"
	case "53003":
		return "blocked by a Conditional Access policy: ask your tenant's administrator which policy applies"
	case "53000", "53001":
		return "a Conditional Access policy requires a compliant or managed device"
	case "50126":
		return "invalid user name or password"
	case "50173", "700082", "70043", "50133":
		return "the refresh token expired or was revoked: sign in again"
	case "70016":
		return "authorization pending"
	case "70019", "70020":
		return "the device code expired before it was approved: run the login again"
	case "90002":
		return "tenant not found: check spec.tenant_id and spec.cloud_environment"
	case "700016":
		return "the application (spec.client_id) was not found in the tenant"
	case "700024":
		return "the federated token is expired or not yet valid"
	case "70021", "700212", "700213":
		return "no federated identity credential of the application matches the token's issuer, subject or audience"
	case "7000215":
		return "invalid client secret"
	case "65001":
		return "the application has no consent for the requested permissions"
	case "50020", "500200":
		return "the account does not belong to this tenant: check spec.tenant_id"
	case "50105":
		return "the user is not assigned to the application"
	}
	return ""
}

var reAADSTS = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^AADSTS(\d{3,8})\b`) })

// postForm sends one form post to an Entra ID endpoint, bounded, and
// decodes its answer.
func postForm(ctx context.Context, s *auth.Step, endpoint string, form url.Values) (*tokenResponse, error) {
	a := s.Auth
	ctx, cancel := context.WithTimeout(ctx, a.CallTimeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	body, status, err := do(ctx, a, req, "Entra ID", "spec.authority_host")
	if err != nil {
		return nil, err
	}
	var out tokenResponse
	if status/100 != 2 {
		return nil, aadErrorOf(endpoint, status, body)
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("Entra ID answered %s with something that is not JSON", hostOf(endpoint))
	}
	return &out, nil
}

// do sends req with the bounded client and reads at most maxTokenBody.
func do(ctx context.Context, a *auth.Authenticator, req *http.Request, service, setting string) ([]byte, int, error) {
	resp, err := a.HTTP().Do(req)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, 0, ctx.Err()
		}
		var ne net.Error
		return nil, 0, &auth.NetworkError{Service: service, Operation: req.Method, Endpoint: req.URL.Scheme + "://" + req.URL.Host,
			Bound: a.CallTimeout(), Timeout: errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout(), Setting: setting, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if err != nil {
		return nil, 0, &auth.NetworkError{Service: service, Operation: req.Method, Endpoint: req.URL.Scheme + "://" + req.URL.Host,
			Bound: a.CallTimeout(), Timeout: true, Setting: setting, Err: err}
	}
	return body, resp.StatusCode, nil
}

func aadErrorOf(endpoint string, status int, body []byte) *AADError {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Codes       []int  `json:"error_codes"`
	}
	_ = json.Unmarshal(body, &e)
	out := &AADError{Endpoint: hostOf(endpoint), Status: status, OAuth: termsafe.String(e.Error), Description: termsafe.String(e.Description)}
	if len(e.Codes) > 0 {
		out.Code = fmt.Sprint(e.Codes[0])
	} else if m := reAADSTS().FindStringSubmatch(e.Description); m != nil {
		out.Code = m[1]
	}
	if out.OAuth == "" && out.Description == "" {
		out.Description = fmt.Sprintf("HTTP %d from %s", status, out.Endpoint)
	}
	return out
}

func hostOf(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil {
		return u.Scheme + "://" + u.Host
	}
	return "the endpoint"
}

// tokenClaims are the claims of an access token this tool reads to
// describe it (never to trust it: the authority sent it over TLS and ARM
// checks it).
type tokenClaims struct {
	OID   string  `json:"oid"`
	TID   string  `json:"tid"`
	UPN   string  `json:"upn"`
	Pref  string  `json:"preferred_username"`
	Email string  `json:"unique_name"`
	AppID string  `json:"appid"`
	Exp   float64 `json:"exp"`
}

func claimsOf(tok string) tokenClaims {
	var c tokenClaims
	auth.JWTClaims(tok, &c)
	return c
}

func (c tokenClaims) username() string {
	for _, v := range []string{c.UPN, c.Pref, c.Email} {
		if v != "" {
			return v
		}
	}
	return ""
}

func (c tokenClaims) expiry() time.Time {
	if c.Exp == 0 {
		return time.Time{}
	}
	return time.Unix(int64(c.Exp), 0).UTC()
}

// Payload fields of CredAzure credentials (the token is auth.PayloadToken).
const (
	payTenant    = "tenant"
	payObjectID  = "oid"
	payUser      = "username"
	payClientID  = "client_id"
	payKind      = "principal_type" // "user" or "servicePrincipal"
	payAssertion = "client_assertion"
)

// credsFrom builds the envelope of an access token for spec.
func credsFrom(s *auth.Step, spec *AzureSpec, tok *tokenResponse, principalType, clientID string) *auth.Credentials {
	cl := claimsOf(tok.AccessToken)
	exp := s.Auth.Now().Add(time.Duration(tok.ExpiresIn) * time.Second).UTC()
	if tok.ExpiresIn <= 0 {
		if exp = cl.expiry(); exp.IsZero() {
			exp = s.Auth.Now().Add(time.Hour).UTC()
		}
	}
	tenant := cl.TID
	if tenant == "" {
		tenant = spec.TenantID
	}
	who := cl.username()
	if principalType == "servicePrincipal" || who == "" {
		who = clientID
	}
	if who == "" {
		who = cl.OID
	}
	return &auth.Credentials{Type: CredAzure, Expiration: exp, Principal: termsafe.String(who), Account: spec.SubscriptionID,
		Region: spec.Location, Role: "tenant " + termsafe.String(tenant),
		Payload: map[string]string{auth.PayloadToken: tok.AccessToken, payTenant: tenant, payObjectID: cl.OID,
			payUser: who, payClientID: clientID, payKind: principalType}}
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
