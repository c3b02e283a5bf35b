package localcloud

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Azure is a local Microsoft Entra ID token authority and a minimal Azure
// Resource Manager, over HTTPS (the az CLI refuses plain-http authorities):
//
//	POST /{tenant}/oauth2/v2.0/devicecode            device authorization
//	POST /{tenant}/oauth2/v2.0/token                 device_code, refresh_token,
//	                                                 client_credentials + client_assertion
//	GET  /{tenant}/v2.0/.well-known/openid-configuration
//	GET  /subscriptions, /subscriptions/{id}          ARM (bearer token checked)
//
// and the same token endpoints AD FS-style under /adfs (/adfs/oauth2/token,
// /adfs/oauth2/devicecode, /adfs/.well-known/openid-configuration): the
// Azure CLI's MSAL asks Microsoft's instance discovery
// (login.microsoftonline.com) about any Entra-style authority it does not
// know, which cannot be answered offline, and skips it for AD FS
// authorities — so az is pointed at /adfs.
//
// Errors have Entra's shape ({"error", "error_description": "AADSTS…",
// "error_codes"}) and ARM's ({"error": {"code", "message"}}). Tokens are
// JWT-shaped (unsigned claims the client may read: oid, tid, upn, exp);
// the server checks bearer tokens against those it issued. It never logs
// a token.
type Azure struct {
	mu        sync.Mutex
	clock     func() time.Time
	tenant    string
	user, oid string
	subs      []AzureSubscription
	ttl       time.Duration
	approve   time.Duration // device codes approve themselves this long after issue
	devExpiry time.Duration
	fedAud    string
	devices   map[string]*azDevice
	access    map[string]*azToken
	refresh   map[string]*azToken
	calls     map[string]int
	faults    []string // AADSTS codes the next token requests fail with
	deviceOut string   // "", "declined", "expired": what the next device code does

	ln    net.Listener
	srv   *http.Server
	url   string
	caPEM []byte
	done  chan struct{}
}

// AzureSubscription is one subscription ARM serves.
type AzureSubscription struct {
	ID, Name string
}

// Defaults of the local Azure tenant.
const (
	AzureTenant        = "11111111-2222-3333-4444-555555555555"
	AzureSubscription1 = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	AzureUser          = "dev@contoso.example"
	AzureUserOID       = "99999999-8888-7777-6666-555555555555"
	AzureFedAudience   = "api://AzureADTokenExchange"
)

type azDevice struct {
	code, user, client, scope string
	created, expires          time.Time
	outcome                   string
}

type azToken struct {
	tenant, sub, client, scope string
	expires                    time.Time
	revoked                    bool
}

// NewAzure builds the local Azure cloud: one tenant, one user, one
// subscription, device codes approved at once.
func NewAzure() *Azure {
	return &Azure{clock: time.Now, tenant: AzureTenant, user: AzureUser, oid: AzureUserOID,
		subs: []AzureSubscription{{ID: AzureSubscription1, Name: "Local Subscription"}},
		ttl:  time.Hour, devExpiry: 15 * time.Minute, fedAud: AzureFedAudience,
		devices: map[string]*azDevice{}, access: map[string]*azToken{}, refresh: map[string]*azToken{}, calls: map[string]int{}}
}

// SetApproveDelay makes device codes approve themselves d after issue.
func (a *Azure) SetApproveDelay(d time.Duration) { a.mu.Lock(); a.approve = d; a.mu.Unlock() }

// SetClock injects the time source.
func (a *Azure) SetClock(now func() time.Time) { a.mu.Lock(); a.clock = now; a.mu.Unlock() }

// SetTokenTTL sets the lifetime of access tokens issued from now on.
func (a *Azure) SetTokenTTL(d time.Duration) { a.mu.Lock(); a.ttl = d; a.mu.Unlock() }

// NextDevice makes the next device authorization end as outcome:
// "declined" (the user refused) or "expired" (never approved).
func (a *Azure) NextDevice(outcome string) { a.mu.Lock(); a.deviceOut = outcome; a.mu.Unlock() }

// FailNextToken makes the next token request fail with an AADSTS code
// (53003: conditional access, 50076: MFA required, 70043: refresh token
// expired by a sign-in frequency policy, …).
func (a *Azure) FailNextToken(code string) {
	a.mu.Lock()
	a.faults = append(a.faults, code)
	a.mu.Unlock()
}

// RevokeRefreshTokens invalidates every refresh token issued so far.
func (a *Azure) RevokeRefreshTokens() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, t := range a.refresh {
		t.revoked = true
	}
}

// Calls is how many requests of op were served.
func (a *Azure) Calls(op string) int { a.mu.Lock(); defer a.mu.Unlock(); return a.calls[op] }

// AllCalls is a copy of every counter.
func (a *Azure) AllCalls() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]int{}
	for k, v := range a.calls {
		out[k] = v
	}
	return out
}

// URL is https://127.0.0.1:PORT once started.
func (a *Azure) URL() string { return a.url }

// CAPEM is the PEM of the self-signed certificate the server presents
// (for SSL_CERT_FILE and REQUESTS_CA_BUNDLE).
func (a *Azure) CAPEM() []byte { return a.caPEM }

// Start listens on addr over TLS with a fresh self-signed certificate for
// 127.0.0.1 and localhost.
func (a *Azure) Start(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	cert, caPEM, err := selfSigned()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("localcloud azure: listen on %s: %w", addr, err)
	}
	a.ln, a.caPEM = ln, caPEM
	a.url = "https://" + ln.Addr().String()
	a.srv = &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	a.done = make(chan struct{})
	go func() {
		defer close(a.done)
		_ = a.srv.Serve(tls.NewListener(ln, a.srv.TLSConfig))
	}()
	return nil
}

// Close stops the server.
func (a *Azure) Close() error {
	if a.srv == nil {
		return nil
	}
	err := a.srv.Close()
	<-a.done
	return err
}

// Shutdown stops the server gracefully within ctx.
func (a *Azure) Shutdown(ctx context.Context) error {
	if a.srv == nil {
		return nil
	}
	err := a.srv.Shutdown(ctx)
	<-a.done
	return err
}

func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "atmos-auth localcloud azure"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:        true, BasicConstraintsValid: true,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:    []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

func (a *Azure) count(op string) {
	a.mu.Lock()
	a.calls[op]++
	a.mu.Unlock()
}

// ServeHTTP routes Entra ID and ARM requests.
func (a *Azure) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(p) == 3 && p[0] == "adfs" && p[1] == ".well-known" && p[2] == "openid-configuration":
		a.count("OpenIDConfiguration")
		base := a.url + "/adfs"
		writeJSON(w, 200, map[string]any{"issuer": base, "token_endpoint": base + "/oauth2/token",
			"device_authorization_endpoint": base + "/oauth2/devicecode", "authorization_endpoint": base + "/oauth2/authorize",
			"jwks_uri": base + "/discovery/keys"})
	case len(p) == 3 && p[0] == "adfs" && p[1] == "oauth2" && p[2] == "devicecode" && r.Method == http.MethodPost:
		a.count("DeviceCode")
		a.serveDeviceCode(w, r, a.tenant)
	case len(p) == 3 && p[0] == "adfs" && p[1] == "oauth2" && p[2] == "token" && r.Method == http.MethodPost:
		a.serveToken(w, r, a.tenant)
	case len(p) == 2 && p[0] == "_actions" && p[1] == "idtoken" && r.Method == http.MethodGet:
		a.serveActionsToken(w, r)
	case len(p) >= 1 && p[0] == "subscriptions" && r.Method == http.MethodGet:
		a.serveARM(w, r, p[1:])
	case len(p) == 4 && p[1] == "oauth2" && p[2] == "v2.0" && p[3] == "devicecode" && r.Method == http.MethodPost:
		a.count("DeviceCode")
		if a.tenantOK(w, p[0]) {
			a.serveDeviceCode(w, r, p[0])
		}
	case len(p) == 4 && p[1] == "oauth2" && p[2] == "v2.0" && p[3] == "token" && r.Method == http.MethodPost:
		if a.tenantOK(w, p[0]) {
			a.serveToken(w, r, p[0])
		}
	case len(p) == 4 && p[1] == "v2.0" && p[2] == ".well-known" && p[3] == "openid-configuration":
		a.count("OpenIDConfiguration")
		if a.tenantOK(w, p[0]) {
			base := a.url + "/" + p[0]
			writeJSON(w, 200, map[string]any{"issuer": base + "/v2.0", "token_endpoint": base + "/oauth2/v2.0/token",
				"device_authorization_endpoint": base + "/oauth2/v2.0/devicecode", "authorization_endpoint": base + "/oauth2/v2.0/authorize",
				"jwks_uri": base + "/discovery/v2.0/keys", "tenant_region_scope": "NA"})
		}
	default:
		writeJSON(w, 404, map[string]any{"error": "not_found", "error_description": "no endpoint at " + r.Method + " " + r.URL.Path})
	}
}

// aadError writes an Entra ID error: the AADSTS code leads the description.
func aadError(w http.ResponseWriter, status int, oauthErr, code, desc string) {
	n, _ := strconv.Atoi(code)
	writeJSON(w, status, map[string]any{"error": oauthErr, "error_description": "AADSTS" + code + ": " + desc,
		"error_codes": []int{n}, "timestamp": time.Now().UTC().Format("2006-01-02 15:04:05Z"),
		"trace_id": randomUUID(), "correlation_id": randomUUID()})
}

func (a *Azure) tenantOK(w http.ResponseWriter, tenant string) bool {
	if strings.EqualFold(tenant, a.tenant) || tenant == "organizations" || tenant == "common" {
		return true
	}
	aadError(w, 400, "invalid_request", "90002", fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant))
	return false
}

func (a *Azure) serveDeviceCode(w http.ResponseWriter, r *http.Request, tenant string) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("client_id") == "" {
		aadError(w, 400, "invalid_request", "900144", "The request body must contain the following parameter: 'client_id'.")
		return
	}
	a.mu.Lock()
	now := a.clock()
	d := &azDevice{code: randomID(24), user: randomUpper(9, upperAlnum), client: r.PostForm.Get("client_id"),
		scope: r.PostForm.Get("scope"), created: now, expires: now.Add(a.devExpiry), outcome: a.deviceOut}
	a.deviceOut = ""
	a.devices[d.code] = d
	a.mu.Unlock()
	uri := a.url + "/devicelogin"
	writeJSON(w, 200, map[string]any{"device_code": d.code, "user_code": d.user, "verification_uri": uri,
		"expires_in": int(a.devExpiry.Seconds()), "interval": 1,
		"message": "To sign in, use a web browser to open the page " + uri + " and enter the code " + d.user + " to authenticate."})
}

func (a *Azure) serveToken(w http.ResponseWriter, r *http.Request, tenant string) {
	if err := r.ParseForm(); err != nil {
		aadError(w, 400, "invalid_request", "900144", "cannot parse the request body")
		return
	}
	f := r.PostForm
	grant := f.Get("grant_type")
	op := map[string]string{"urn:ietf:params:oauth:grant-type:device_code": "TokenDeviceCode", "refresh_token": "TokenRefresh",
		"client_credentials": "TokenClientAssertion"}[grant]
	if op == "" {
		a.count("Token")
		aadError(w, 400, "unsupported_grant_type", "70003", "The app requested an unsupported grant type '"+grant+"'.")
		return
	}
	a.count(op)
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.faults) > 0 && op != "TokenDeviceCode" || len(a.faults) > 0 && op == "TokenDeviceCode" && a.devices[f.Get("device_code")] != nil {
		code := a.faults[0]
		a.faults = a.faults[1:]
		aadError(w, 400, "invalid_grant", code, faultText(code))
		return
	}
	now := a.clock()
	switch op {
	case "TokenDeviceCode":
		d := a.devices[f.Get("device_code")]
		switch {
		case d == nil || d.client != f.Get("client_id"):
			aadError(w, 400, "invalid_grant", "70000", "The provided value for the 'device_code' is not valid.")
		case d.outcome == "declined":
			delete(a.devices, d.code)
			aadError(w, 400, "authorization_declined", "70000", "The user declined to authorize the request.")
		case d.outcome == "expired" || now.After(d.expires):
			delete(a.devices, d.code)
			aadError(w, 400, "expired_token", "70020", "The provided value for the input parameter 'device_code' is no longer valid (the code expired).")
		case now.Sub(d.created) < a.approve:
			aadError(w, 400, "authorization_pending", "70016", "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
		default:
			delete(a.devices, d.code)
			a.issue(w, tenant, a.oid, d.client, d.scope, true, now)
		}
	case "TokenRefresh":
		t := a.refresh[f.Get("refresh_token")]
		if t == nil || t.revoked || t.client != f.Get("client_id") || !strings.EqualFold(t.tenant, a.tenant) {
			aadError(w, 400, "invalid_grant", "700082", "The refresh token has expired or was revoked. Sign in again.")
			return
		}
		a.issue(w, tenant, t.sub, t.client, f.Get("scope"), true, now)
	case "TokenClientAssertion":
		client := f.Get("client_id")
		if f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || f.Get("client_assertion") == "" {
			aadError(w, 401, "invalid_client", "7000218", "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
			return
		}
		claims, cerr := jwtClaims(f.Get("client_assertion"))
		switch {
		case cerr != nil:
			aadError(w, 400, "invalid_client", "50027", "JWT token is invalid or malformed.")
		case !audienceHas(claims["aud"], a.fedAud):
			aadError(w, 400, "invalid_client", "700212", "No matching federated identity record found for presented assertion audience '"+fmt.Sprint(claims["aud"])+"'.")
		case claimTime(claims["exp"]).Before(now):
			aadError(w, 400, "invalid_client", "700024", "Client assertion is not within its valid time range.")
		case fmt.Sprint(claims["iss"]) == "" || claims["sub"] == nil:
			aadError(w, 400, "invalid_client", "70021", "No matching federated identity record found for presented assertion.")
		default:
			a.issue(w, tenant, client, client, f.Get("scope"), false, now)
		}
	}
}

// AzureActionsRequestToken is the bearer the local GitHub Actions-style
// ID token endpoint (/_actions/idtoken) accepts.
const AzureActionsRequestToken = "local-actions-request-token"

// serveActionsToken stands in for GitHub Actions' ID token endpoint
// (ACTIONS_ID_TOKEN_REQUEST_URL): a JWT-shaped token for the audience asked.
func (a *Azure) serveActionsToken(w http.ResponseWriter, r *http.Request) {
	a.count("ActionsIDToken")
	if r.Header.Get("Authorization") != "Bearer "+AzureActionsRequestToken {
		writeJSON(w, 401, map[string]string{"message": "bad request token"})
		return
	}
	now := a.clock()
	aud := r.URL.Query().Get("audience")
	if aud == "" {
		aud = "https://github.com/local"
	}
	writeJSON(w, 200, map[string]string{"value": fakeJWT(map[string]any{"aud": aud, "iss": "https://token.actions.githubusercontent.com",
		"sub": "repo:example/infra:ref:refs/heads/main", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()})})
}

func faultText(code string) string {
	switch code {
	case "53003":
		return "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."
	case "50076":
		return "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource."
	case "70043":
		return "The refresh token has expired or is invalid due to sign-in frequency checks by conditional access."
	}
	return "injected failure"
}

// issue answers a token request (mu held). sub is the object id (the
// user's, or the application's for a client assertion).
func (a *Azure) issue(w http.ResponseWriter, tenant, sub, client, scope string, withRefresh bool, now time.Time) {
	exp := now.Add(a.ttl)
	claims := map[string]any{"aud": "https://management.core.windows.net/", "iss": "https://sts.windows.net/" + a.tenant + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(), "tid": a.tenant, "oid": sub, "sub": sub, "appid": client,
		"jti": randomID(8)}
	if withRefresh {
		claims["upn"], claims["name"] = a.user, "Local Developer"
	} else {
		claims["idtyp"] = "app"
	}
	tok := fakeJWT(claims)
	a.access[tok] = &azToken{tenant: a.tenant, sub: sub, client: client, scope: scope, expires: exp}
	out := map[string]any{"token_type": "Bearer", "scope": scope, "expires_in": int(a.ttl.Seconds()),
		"ext_expires_in": int(a.ttl.Seconds()), "access_token": tok}
	if withRefresh {
		rt := "rt." + randomID(32)
		a.refresh[rt] = &azToken{tenant: a.tenant, sub: sub, client: client, scope: scope}
		out["refresh_token"] = rt
		out["id_token"] = fakeJWT(map[string]any{"aud": client, "iss": a.url + "/" + a.tenant + "/v2.0", "tid": a.tenant,
			"oid": sub, "sub": sub, "preferred_username": a.user, "name": "Local Developer", "exp": exp.Unix(), "iat": now.Unix()})
		out["client_info"] = base64.RawURLEncoding.EncodeToString([]byte(`{"uid":"` + sub + `","utid":"` + a.tenant + `"}`))
	}
	writeJSON(w, 200, out)
}

func (a *Azure) serveARM(w http.ResponseWriter, r *http.Request, rest []string) {
	op := "ARMListSubscriptions"
	if len(rest) > 0 {
		op = "ARMGetSubscription"
	}
	a.count(op)
	armErr := func(status int, code, msg string) {
		writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	a.mu.Lock()
	t := a.access[tok]
	now := a.clock()
	a.mu.Unlock()
	switch {
	case !ok || tok == "":
		armErr(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
		return
	case t == nil || t.revoked:
		armErr(401, "InvalidAuthenticationToken", "The access token is invalid.")
		return
	case now.After(t.expires):
		armErr(401, "ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time.")
		return
	}
	view := func(s AzureSubscription) map[string]any {
		return map[string]any{"id": "/subscriptions/" + s.ID, "subscriptionId": s.ID, "tenantId": a.tenant,
			"displayName": s.Name, "state": "Enabled"}
	}
	if len(rest) == 0 {
		var v []map[string]any
		for _, s := range a.subs {
			v = append(v, view(s))
		}
		writeJSON(w, 200, map[string]any{"value": v})
		return
	}
	for _, s := range a.subs {
		if strings.EqualFold(s.ID, rest[0]) {
			writeJSON(w, 200, view(s))
			return
		}
	}
	armErr(404, "SubscriptionNotFound", "The subscription '"+rest[0]+"' could not be found.")
}

func fakeJWT(claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + "." + base64.RawURLEncoding.EncodeToString([]byte(randomID(16)))
}

func audienceHas(aud any, want string) bool {
	switch v := aud.(type) {
	case string:
		return v == want
	case []any:
		for _, x := range v {
			if x == want {
				return true
			}
		}
	}
	return false
}

func claimTime(v any) time.Time {
	f, ok := v.(float64)
	if !ok {
		return time.Time{}
	}
	return time.Unix(int64(f), 0)
}

func randomUUID() string {
	h := randomID(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
