package localcloud

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Google Cloud, under /gcp/ and /computeMetadata/: Google STS token
// exchange (/gcp/sts/v1/token), IAM Credentials generateAccessToken
// (/gcp/iamcredentials/v1/projects/-/serviceAccounts/EMAIL:generateAccessToken),
// the OAuth 2.0 token and tokeninfo endpoints (/gcp/oauth2/token,
// /gcp/oauth2/tokeninfo) and the GCE metadata server's token, email and
// project. Base URLs for clients: STS and IAM Credentials
// <url>/gcp/sts/ and <url>/gcp/iamcredentials/ (gcloud's
// api_endpoint_overrides), the token URL <url>/gcp/oauth2/token
// (CLOUDSDK_AUTH_TOKEN_HOST), GCE_METADATA_HOST the server's host:port.
//
// Like Google: subject tokens must be unexpired JWTs (signatures are not
// checked, as moto does not check AWS signatures); a subject whose "sub"
// starts with "denied" is refused by the pool's attribute condition; a
// service account whose name starts with "denied" refuses impersonation;
// an unknown or expired bearer token is UNAUTHENTICATED.

// GCP seed values.
const (
	// GCPRefreshToken is the one refresh token the OAuth endpoint accepts
	// (an authorized_user ADC file's).
	GCPRefreshToken = "1//localcloud-gcp-refresh"
	// GCPUser is who that refresh token belongs to.
	GCPUser = "localcloud-user@example.com"
	// GCPMetadataAccount and GCPMetadataProject are the metadata server's.
	GCPMetadataAccount = "localcloud-vm@localcloud-project.iam.gserviceaccount.com"
	GCPMetadataProject = "localcloud-project"
	gcpTokenTTL        = time.Hour
)

type gcpToken struct {
	principal string
	scopes    []string
	expires   time.Time
}

type gcpState struct {
	mu     sync.Mutex
	tokens map[string]*gcpToken
}

var (
	reGCPAudience = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^//iam\.googleapis\.com/projects/([0-9]+)/locations/global/workloadIdentityPools/([a-z0-9-]+)/providers/([a-z0-9-]+)$`)
	})
	reGCPServiceAccount = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([a-z0-9-]+)@[a-z0-9.-]+\.gserviceaccount\.com$`)
	})
)

// gcpRoute names the GCP operation of a request ("" when it is none).
func gcpRoute(r *http.Request) string {
	p := r.URL.Path
	switch {
	case p == "/gcp/sts/v1/token" && r.Method == http.MethodPost:
		return "ExchangeToken"
	case strings.HasPrefix(p, "/gcp/iamcredentials/v1/projects/-/serviceAccounts/") && strings.HasSuffix(p, ":generateAccessToken") && r.Method == http.MethodPost:
		return "GenerateAccessToken"
	case p == "/gcp/oauth2/token" && r.Method == http.MethodPost:
		return "GoogleOAuthToken"
	case p == "/actions/idtoken" && r.Method == http.MethodGet:
		return "ActionsIDToken"
	case p == "/gcp/oauth2/tokeninfo":
		return "TokenInfo"
	case p == "/computeMetadata/v1/instance/service-accounts/default/token":
		return "MetadataToken"
	case p == "/computeMetadata/v1/instance/service-accounts/default/email":
		return "MetadataEmail"
	case p == "/computeMetadata/v1/project/project-id":
		return "MetadataProjectID"
	}
	return ""
}

func writeGCPError(w http.ResponseWriter, status int, code, msg string) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.code = code
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": status, "status": code, "message": msg}})
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.code = code
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func (s *Server) writeGCPFault(w *statusRecorder, kind string, status int) {
	if kind == faultThrottle {
		writeGCPError(w, 429, "RESOURCE_EXHAUSTED", "Quota exceeded")
		return
	}
	writeGCPError(w, status, "INTERNAL", "injected server error")
}

// issueGCP mints an access token for principal.
func (s *Server) issueGCP(prefix, principal string, scopes []string, ttl time.Duration) (string, time.Time) {
	s.gcp.mu.Lock()
	defer s.gcp.mu.Unlock()
	if s.gcp.tokens == nil {
		s.gcp.tokens = map[string]*gcpToken{}
	}
	tok := "ya29." + prefix + "-" + randomID(24)
	exp := s.now().Add(ttl).UTC().Truncate(time.Second)
	s.gcp.tokens[tok] = &gcpToken{principal: principal, scopes: scopes, expires: exp}
	return tok, exp
}

// gcpBearer is the live token a request carries (nil when none).
func (s *Server) gcpToken(tok string) *gcpToken {
	s.gcp.mu.Lock()
	defer s.gcp.mu.Unlock()
	t := s.gcp.tokens[tok]
	if t == nil || !t.expires.After(s.now()) {
		return nil
	}
	return t
}

// ExpireGCPTokens makes every GCP access token issued so far expired.
func (s *Server) ExpireGCPTokens() {
	s.gcp.mu.Lock()
	defer s.gcp.mu.Unlock()
	past := s.now().Add(-time.Second)
	for _, t := range s.gcp.tokens {
		t.expires = past
	}
}

func (s *Server) serveGCP(w http.ResponseWriter, r *http.Request, op string) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	switch op {
	case "ExchangeToken":
		s.gcpExchangeToken(w, r)
	case "GenerateAccessToken":
		s.gcpGenerateAccessToken(w, r)
	case "GoogleOAuthToken":
		s.gcpOAuthToken(w, r)
	case "TokenInfo":
		s.gcpTokenInfo(w, r)
	case "ActionsIDToken":
		s.serveActionsToken(w, r)
	default:
		s.gcpMetadata(w, r, op)
	}
}

func (s *Server) liveJWT(tok string) (map[string]any, string) {
	claims, err := jwtClaims(tok)
	if err != nil {
		return nil, "The subject token is not a JWT."
	}
	exp, _ := claims["exp"].(float64)
	if exp == 0 || !time.Unix(int64(exp), 0).After(s.now()) {
		return nil, "The token has expired."
	}
	return claims, ""
}

// formOrJSON reads a form or JSON body into url.Values.
func formOrJSON(r *http.Request) (url.Values, bool) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if json.NewDecoder(r.Body).Decode(&m) != nil {
			return nil, false
		}
		v := url.Values{}
		for k, x := range m {
			if str, ok := x.(string); ok {
				v.Set(k, str)
			}
		}
		return v, true
	}
	if r.ParseForm() != nil {
		return nil, false
	}
	return r.Form, true
}

func (s *Server) gcpExchangeToken(w http.ResponseWriter, r *http.Request) {
	f, ok := formOrJSON(r)
	if !ok {
		writeOAuthError(w, 400, "invalid_request", "Malformed request body.")
		return
	}
	if f.Get("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange" {
		writeOAuthError(w, 400, "unsupported_grant_type", "Invalid grant_type.")
		return
	}
	m := reGCPAudience().FindStringSubmatch(f.Get("audience"))
	if m == nil {
		writeOAuthError(w, 400, "invalid_target", "The target service indicated by the \"audience\" parameters is invalid.")
		return
	}
	switch f.Get("subject_token_type") {
	case "urn:ietf:params:oauth:token-type:jwt", "urn:ietf:params:oauth:token-type:id_token":
	default:
		writeOAuthError(w, 400, "invalid_request", "Invalid subject_token_type.")
		return
	}
	claims, why := s.liveJWT(f.Get("subject_token"))
	if claims == nil {
		writeOAuthError(w, 400, "invalid_grant", why)
		return
	}
	// A pool provider's default allowed audience is its own https name.
	if aud, _ := claims["aud"].(string); strings.HasPrefix(aud, "https://iam.googleapis.com/") &&
		aud != "https://iam.googleapis.com/"+strings.TrimPrefix(f.Get("audience"), "//iam.googleapis.com/") {
		writeOAuthError(w, 400, "invalid_grant", "The audience in ID Token ["+aud+"] does not match the expected audience.")
		return
	}
	sub, _ := claims["sub"].(string)
	if sub == "" || strings.HasPrefix(sub, "denied") {
		writeOAuthError(w, 400, "invalid_grant", "The given credential is rejected by the attribute condition.")
		return
	}
	principal := "principal://iam.googleapis.com/projects/" + m[1] + "/locations/global/workloadIdentityPools/" + m[2] + "/subject/" + sub
	tok, _ := s.issueGCP("lcsts", principal, strings.Fields(f.Get("scope")), gcpTokenTTL)
	writeJSON(w, 200, map[string]any{"access_token": tok, "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
		"token_type": "Bearer", "expires_in": int(gcpTokenTTL / time.Second)})
}

func (s *Server) gcpGenerateAccessToken(w http.ResponseWriter, r *http.Request) {
	caller := s.gcpToken(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if caller == nil {
		writeGCPError(w, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
		return
	}
	email := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/gcp/iamcredentials/v1/projects/-/serviceAccounts/"), ":generateAccessToken")
	if e, err := url.PathUnescape(email); err == nil {
		email = e
	}
	m := reGCPServiceAccount().FindStringSubmatch(email)
	if m == nil {
		writeGCPError(w, 400, "INVALID_ARGUMENT", "Invalid form of account ID "+strconv.Quote(email)+".")
		return
	}
	var body struct {
		Scope     []string `json:"scope"`
		Lifetime  string   `json:"lifetime"`
		Delegates []string `json:"delegates"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || len(body.Scope) == 0 {
		writeGCPError(w, 400, "INVALID_ARGUMENT", "Scope required.")
		return
	}
	ttl := gcpTokenTTL
	if body.Lifetime != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(body.Lifetime, "s"))
		if err != nil || !strings.HasSuffix(body.Lifetime, "s") || n <= 0 || n > 43200 {
			writeGCPError(w, 400, "INVALID_ARGUMENT", "The lifetime must be between 1s and 43200s.")
			return
		}
		ttl = time.Duration(n) * time.Second
	}
	for _, d := range append([]string{email}, body.Delegates...) {
		name := d[strings.LastIndexByte(d, '/')+1:]
		if strings.HasPrefix(name, "denied") {
			writeGCPError(w, 403, "PERMISSION_DENIED", "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).")
			return
		}
	}
	tok, exp := s.issueGCP("lcsa", email, body.Scope, ttl)
	writeJSON(w, 200, map[string]string{"accessToken": tok, "expireTime": exp.Format(time.RFC3339)})
}

func (s *Server) gcpOAuthToken(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil {
		writeOAuthError(w, 400, "invalid_request", "Malformed request body.")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "refresh_token":
		if r.PostForm.Get("refresh_token") != GCPRefreshToken || r.PostForm.Get("client_id") == "" {
			writeOAuthError(w, 400, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		tok, _ := s.issueGCP("lcuser", GCPUser, nil, gcpTokenTTL)
		writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(gcpTokenTTL / time.Second),
			"scope": "https://www.googleapis.com/auth/cloud-platform openid https://www.googleapis.com/auth/userinfo.email"})
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		claims, why := s.liveJWT(r.PostForm.Get("assertion"))
		if claims == nil {
			writeOAuthError(w, 400, "invalid_grant", why)
			return
		}
		iss, _ := claims["iss"].(string)
		if !reGCPServiceAccount().MatchString(iss) {
			writeOAuthError(w, 400, "invalid_grant", "Invalid JWT: iss is not a service account.")
			return
		}
		scope, _ := claims["scope"].(string)
		tok, _ := s.issueGCP("lckey", iss, strings.Fields(scope), gcpTokenTTL)
		writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(gcpTokenTTL / time.Second)})
	default:
		writeOAuthError(w, 400, "unsupported_grant_type", "Invalid grant_type.")
	}
}

func (s *Server) gcpTokenInfo(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	t := s.gcpToken(r.Form.Get("access_token"))
	if t == nil {
		writeOAuthError(w, 400, "invalid_token", "Invalid Value")
		return
	}
	info := map[string]string{"azp": t.principal, "aud": t.principal, "sub": t.principal,
		"scope": strings.Join(t.scopes, " "), "exp": strconv.FormatInt(t.expires.Unix(), 10),
		"expires_in": strconv.Itoa(int(t.expires.Sub(s.now()) / time.Second))}
	if strings.Contains(t.principal, "@") && !strings.Contains(t.principal, "/") {
		info["email"], info["email_verified"] = t.principal, "true"
	}
	writeJSON(w, 200, info)
}

func (s *Server) gcpMetadata(w http.ResponseWriter, r *http.Request, op string) {
	if r.Header.Get("Metadata-Flavor") != "Google" {
		writeGCPError(w, 403, "FORBIDDEN", "Missing Metadata-Flavor: Google header.")
		return
	}
	w.Header().Set("Metadata-Flavor", "Google")
	switch op {
	case "MetadataToken":
		var scopes []string
		if v := r.URL.Query().Get("scopes"); v != "" {
			scopes = strings.Split(v, ",")
		}
		tok, _ := s.issueGCP("lcvm", GCPMetadataAccount, scopes, gcpTokenTTL)
		writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(gcpTokenTTL / time.Second)})
	case "MetadataEmail":
		w.Header().Set("Content-Type", "application/text")
		_, _ = w.Write([]byte(GCPMetadataAccount))
	case "MetadataProjectID":
		w.Header().Set("Content-Type", "application/text")
		_, _ = w.Write([]byte(GCPMetadataProject))
	}
}

// TestJWT is an unsigned OIDC-shaped token for sub expiring at exp, as a
// workload's identity provider would issue (the local STS does not check
// signatures).
func TestJWT(sub string, exp time.Time) string { return jwtFor(sub, "localcloud", exp) }

// GCPTokenPrincipal is who a live access token the server issued belongs
// to (ok false for an unknown or expired token).
func (s *Server) GCPTokenPrincipal(tok string) (string, bool) {
	t := s.gcpToken(tok)
	if t == nil {
		return "", false
	}
	return t.principal, true
}
