package localcloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// IAM Identity Center OIDC (service "sso-oidc", restJson1).

const (
	grantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"
	grantRefresh    = "refresh_token"
)

type oidcClient struct {
	id, secret    string
	name          string
	scopes        []string
	grantTypes    []string
	secretExpires time.Time
}

type deviceAuth struct {
	deviceCode, userCode string
	clientID             string
	scopes               []string
	created, expires     time.Time
	lastPoll             time.Time
	approved, denied     bool
	redeemed             bool
}

type accessToken struct {
	token    string
	clientID string
	expires  time.Time
	revoked  bool
	refresh  []string // refresh tokens issued in the same chain
}

type refreshTok struct {
	token    string
	clientID string
	scopes   []string
	expires  time.Time
	revoked  bool
	chain    *[]string // every access token of this login, for logout
}

func writeOIDCError(w http.ResponseWriter, status int, typ, oauthErr, desc string) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.code = typ
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", typ)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": oauthErr, "error_description": desc})
}

func (s *Server) serveOIDC(w http.ResponseWriter, r *http.Request, op string) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeOIDCError(w, 400, "InvalidRequestException", "invalid_request", "request body is not JSON")
		return
	}
	switch op {
	case "RegisterClient":
		s.registerClient(w, body)
	case "StartDeviceAuthorization":
		s.startDeviceAuthorization(w, r, body)
	case "CreateToken":
		s.createToken(w, body)
	}
}

func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

func strs(m map[string]any, k string) []string {
	l, _ := m[k].([]any)
	var out []string
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (s *Server) registerClient(w http.ResponseWriter, body map[string]any) {
	name, typ := str(body, "clientName"), str(body, "clientType")
	if name == "" || typ == "" {
		writeOIDCError(w, 400, "InvalidRequestException", "invalid_request", "clientName and clientType are required")
		return
	}
	if typ != "public" {
		writeOIDCError(w, 400, "InvalidClientMetadataException", "invalid_client_metadata", "clientType must be public")
		return
	}
	for _, g := range strs(body, "grantTypes") {
		switch g {
		case grantDeviceCode, grantRefresh, "authorization_code":
		default:
			writeOIDCError(w, 400, "InvalidClientMetadataException", "invalid_client_metadata", "unsupported grant type "+g)
			return
		}
	}
	now := s.now()
	c := &oidcClient{
		id:            "lc-client-" + randomID(10),
		secret:        "lc-secret-" + randomID(32),
		name:          name,
		scopes:        strs(body, "scopes"),
		grantTypes:    strs(body, "grantTypes"),
		secretExpires: now.Add(s.opts.clientSecretTTL),
	}
	s.mu.Lock()
	s.clients[c.id] = c
	s.mu.Unlock()
	s.opts.logger.Debug("registered client", "clientId", c.id, "name", name)
	writeJSON(w, 200, map[string]any{
		"clientId":              c.id,
		"clientSecret":          c.secret,
		"clientIdIssuedAt":      now.Unix(),
		"clientSecretExpiresAt": c.secretExpires.Unix(),
	})
}

// client checks a client id and secret. Call with s.mu held.
func (s *Server) client(w http.ResponseWriter, id, secret string) *oidcClient {
	c, ok := s.clients[id]
	if !ok || c.secret != secret {
		writeOIDCError(w, 401, "InvalidClientException", "invalid_client", "invalid client id or secret")
		return nil
	}
	if !s.now().Before(c.secretExpires) {
		writeOIDCError(w, 401, "InvalidClientException", "invalid_client", "client secret has expired")
		return nil
	}
	return c
}

func (s *Server) startDeviceAuthorization(w http.ResponseWriter, r *http.Request, body map[string]any) {
	start := str(body, "startUrl")
	if start == "" {
		writeOIDCError(w, 400, "InvalidRequestException", "invalid_request", "startUrl is required")
		return
	}
	if u, err := url.Parse(start); err != nil || u.Scheme == "" || u.Host == "" {
		writeOIDCError(w, 400, "InvalidRequestException", "invalid_request", "startUrl is not a URL")
		return
	}
	s.mu.Lock()
	c := s.client(w, str(body, "clientId"), str(body, "clientSecret"))
	if c == nil {
		s.mu.Unlock()
		return
	}
	now := s.now()
	d := &deviceAuth{
		deviceCode: "lc-device-" + randomID(24),
		userCode:   randomUpper(4, "BCDFGHJKLMNPQRSTVWXZ") + "-" + randomUpper(4, "BCDFGHJKLMNPQRSTVWXZ"),
		clientID:   c.id,
		scopes:     c.scopes,
		created:    now,
		expires:    now.Add(s.opts.deviceExpiry),
	}
	if s.opts.autoApprove && s.opts.autoApproveDelay == 0 {
		d.approved = true
	}
	s.devices[d.deviceCode] = d
	s.userCode[d.userCode] = d
	s.mu.Unlock()
	s.opts.logger.Info("device authorization started", "clientId", c.id, "userCode", d.userCode)
	interval := int(s.opts.pollInterval / time.Second)
	if interval < 1 {
		interval = 1
	}
	base := s.baseURL(r)
	writeJSON(w, 200, map[string]any{
		"deviceCode":              d.deviceCode,
		"userCode":                d.userCode,
		"verificationUri":         base + "/device",
		"verificationUriComplete": base + "/device?user_code=" + url.QueryEscape(d.userCode),
		"expiresIn":               int(s.opts.deviceExpiry / time.Second),
		"interval":                interval,
	})
}

func (s *Server) createToken(w http.ResponseWriter, body map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.client(w, str(body, "clientId"), str(body, "clientSecret"))
	if c == nil {
		return
	}
	now := s.now()
	switch grant := str(body, "grantType"); grant {
	case grantDeviceCode:
		d, ok := s.devices[str(body, "deviceCode")]
		if !ok || d.clientID != c.id {
			writeOIDCError(w, 400, "InvalidGrantException", "invalid_grant", "invalid device code")
			return
		}
		if !now.Before(d.expires) {
			writeOIDCError(w, 400, "ExpiredTokenException", "expired_token", "device code has expired")
			return
		}
		if d.denied {
			writeOIDCError(w, 400, "AccessDeniedException", "access_denied", "the user denied the authorization")
			return
		}
		if d.redeemed {
			writeOIDCError(w, 400, "InvalidGrantException", "invalid_grant", "device code already used")
			return
		}
		if s.opts.autoApprove && !now.Before(d.created.Add(s.opts.autoApproveDelay)) {
			d.approved = true
		}
		last := d.lastPoll
		d.lastPoll = now
		if !d.approved {
			if s.opts.pollInterval > 0 && !last.IsZero() && now.Sub(last) < s.opts.pollInterval {
				writeOIDCError(w, 400, "SlowDownException", "slow_down", "client is polling too fast")
				return
			}
			writeOIDCError(w, 400, "AuthorizationPendingException", "authorization_pending", "authorization is pending")
			return
		}
		d.redeemed = true
		chain := &[]string{}
		s.writeTokens(w, c, d.scopes, chain)
	case grantRefresh:
		rt, ok := s.refresh[str(body, "refreshToken")]
		if !ok || rt.clientID != c.id {
			writeOIDCError(w, 400, "InvalidGrantException", "invalid_grant", "invalid refresh token")
			return
		}
		if rt.revoked || !now.Before(rt.expires) {
			writeOIDCError(w, 400, "InvalidGrantException", "invalid_grant", "refresh token is expired or revoked")
			return
		}
		rt.revoked = true // rotation: each refresh token is good once
		s.writeTokens(w, c, rt.scopes, rt.chain)
	case "":
		writeOIDCError(w, 400, "InvalidRequestException", "invalid_request", "grantType is required")
	default:
		writeOIDCError(w, 400, "UnsupportedGrantTypeException", "unsupported_grant_type", "unsupported grant type")
	}
}

// writeTokens issues an access token (and a refresh token when the client
// registered scopes or the refresh_token grant). Call with s.mu held.
func (s *Server) writeTokens(w http.ResponseWriter, c *oidcClient, scopes []string, chain *[]string) {
	now := s.now()
	at := &accessToken{token: "lc-at-" + randomID(32), clientID: c.id, expires: now.Add(s.opts.accessTokenTTL)}
	s.access[at.token] = at
	*chain = append(*chain, at.token)
	out := map[string]any{
		"accessToken": at.token,
		"tokenType":   "Bearer",
		"expiresIn":   int(s.opts.accessTokenTTL / time.Second),
	}
	if len(c.scopes) > 0 || slices.Contains(c.grantTypes, grantRefresh) {
		rt := &refreshTok{token: "lc-rt-" + randomID(32), clientID: c.id, scopes: scopes, expires: now.Add(s.opts.refreshTokenTTL), chain: chain}
		s.refresh[rt.token] = rt
		*chain = append(*chain, rt.token)
		out["refreshToken"] = rt.token
	}
	s.opts.logger.Info("token issued", "clientId", c.id)
	writeJSON(w, 200, out)
}

// Approve approves a pending device authorization by its user code, as the
// Approve button does.
func (s *Server) Approve(userCode string) error { return s.decide(userCode, true) }

// Deny denies a pending device authorization by its user code.
func (s *Server) Deny(userCode string) error { return s.decide(userCode, false) }

func (s *Server) decide(userCode string, approve bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.userCode[strings.ToUpper(strings.TrimSpace(userCode))]
	if !ok {
		return fmt.Errorf("localcloud: user code %q: %w", userCode, errNotFound)
	}
	if !s.now().Before(d.expires) {
		return fmt.Errorf("localcloud: user code %q has expired", userCode)
	}
	if approve {
		d.approved = true
	} else {
		d.denied = true
	}
	s.opts.logger.Info("device authorization decided", "userCode", d.userCode, "approved", approve)
	return nil
}

// PendingUserCodes lists the user codes waiting for a decision.
func (s *Server) PendingUserCodes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	now := s.now()
	for code, d := range s.userCode {
		if !d.approved && !d.denied && now.Before(d.expires) {
			out = append(out, code)
		}
	}
	return out
}

// validAccessToken checks an SSO bearer token. Call with s.mu held.
func (s *Server) validAccessToken(tok string) *accessToken {
	at, ok := s.access[tok]
	if !ok || at.revoked || !s.now().Before(at.expires) {
		return nil
	}
	return at
}

// logout revokes an access token and every token of its login.
func (s *Server) revokeLogin(at *accessToken) {
	at.revoked = true
	for _, rt := range s.refresh {
		if rt.chain != nil && slices.Contains(*rt.chain, at.token) {
			rt.revoked = true
			for _, t := range *rt.chain {
				if a, ok := s.access[t]; ok {
					a.revoked = true
				}
			}
		}
	}
}
