package localcloud

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// An Okta-style authentication API, following Okta's Authentication API
// (/api/v1/authn) as saml2aws and Okta's own SDKs use it: a primary
// authentication answering SUCCESS with a one-time sessionToken,
// MFA_REQUIRED with a stateToken and factors (token:software:totp, push),
// factor verification (a push answers MFA_CHALLENGE/WAITING until it is
// approved or REJECTED), /login/sessionCookieRedirect turning the
// sessionToken into a session cookie, and the AWS application's SSO URL
// (/app/amazon_aws/<id>/sso/saml) answering the auto-posting SAML form.
// What it leaves out: every other factor type, password expiry flows,
// rate limits, and the real error ids.

type oktaState struct {
	user  string
	polls int
}

func oktaJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func oktaError(w http.ResponseWriter, status int, code, summary string) {
	oktaJSON(w, status, map[string]any{"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae" + randHex(8), "errorCauses": []any{}})
}

func readJSON(r *http.Request, v any) error {
	return json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(v)
}

func (s *Server) oktaSuccess(w http.ResponseWriter, user string) {
	tok := randHex(16)
	s.saml.mu.Lock()
	s.saml.tokens[tok] = user
	s.saml.mu.Unlock()
	oktaJSON(w, 200, map[string]any{"status": "SUCCESS", "sessionToken": tok, "expiresAt": s.now().Add(5 * 60e9).UTC().Format("2006-01-02T15:04:05.000Z"),
		"_embedded": map[string]any{"user": map[string]any{"profile": map[string]any{"login": user}}}})
}

func (s *Server) oktaAuthn(w http.ResponseWriter, r *http.Request) {
	if err := s.saml.init(); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	var in struct{ Username, Password string }
	if err := readJSON(r, &in); err != nil {
		oktaError(w, 400, "E0000003", "The request body was not well-formed.")
		return
	}
	mfa, ok := samlUsers[in.Username]
	if !ok || in.Password != DefaultSAMLPassword {
		oktaError(w, 401, "E0000004", "Authentication failed")
		return
	}
	if mfa == "" {
		s.oktaSuccess(w, in.Username)
		return
	}
	st := randHex(16)
	s.saml.mu.Lock()
	s.saml.states[st] = &oktaState{user: in.Username}
	s.saml.mu.Unlock()
	base := s.URL() + "/api/v1/authn/factors/"
	factor := map[string]any{"id": "ost1totp", "factorType": "token:software:totp", "provider": "GOOGLE",
		"_links": map[string]any{"verify": map[string]any{"href": base + "ost1totp/verify"}}}
	if strings.HasPrefix(mfa, "push") {
		factor = map[string]any{"id": "opf1push", "factorType": "push", "provider": "OKTA",
			"_links": map[string]any{"verify": map[string]any{"href": base + "opf1push/verify"}}}
	}
	oktaJSON(w, 200, map[string]any{"status": "MFA_REQUIRED", "stateToken": st, "_embedded": map[string]any{"factors": []any{factor}}})
}

func (s *Server) oktaVerify(w http.ResponseWriter, r *http.Request) {
	var in struct{ StateToken, PassCode string }
	if err := readJSON(r, &in); err != nil {
		oktaError(w, 400, "E0000003", "The request body was not well-formed.")
		return
	}
	s.saml.mu.Lock()
	st := s.saml.states[in.StateToken]
	s.saml.mu.Unlock()
	if st == nil {
		oktaError(w, 401, "E0000011", "Invalid token provided")
		return
	}
	factor := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/authn/factors/"), "/verify")
	switch mfa := samlUsers[st.user]; {
	case factor == "ost1totp" && mfa == "totp":
		if in.PassCode != s.opts.mfaCode {
			oktaError(w, 403, "E0000068", "Invalid Passcode/Answer")
			return
		}
	case factor == "opf1push" && strings.HasPrefix(mfa, "push"):
		s.saml.mu.Lock()
		st.polls++
		n := st.polls
		s.saml.mu.Unlock()
		result := "WAITING"
		switch {
		case n >= 2 && mfa == "push-reject":
			result = "REJECTED"
		case n >= 2:
			result = ""
		}
		if result != "" {
			oktaJSON(w, 200, map[string]any{"status": "MFA_CHALLENGE", "stateToken": in.StateToken, "factorResult": result,
				"_links": map[string]any{"next": map[string]any{"name": "poll", "href": s.URL() + r.URL.Path}}})
			return
		}
	default:
		oktaError(w, 400, "E0000001", "Api validation failed: factorId")
		return
	}
	s.saml.mu.Lock()
	delete(s.saml.states, in.StateToken)
	s.saml.mu.Unlock()
	s.oktaSuccess(w, st.user)
}

// oktaSessionRedirect exchanges the one-time session token for a session
// cookie and redirects, on this host only.
func (s *Server) oktaSessionRedirect(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.saml.mu.Lock()
	user := s.saml.tokens[q.Get("token")]
	delete(s.saml.tokens, q.Get("token"))
	s.saml.mu.Unlock()
	next, err := url.Parse(q.Get("redirectUrl"))
	if user == "" || err != nil || (next.Host != "" && next.Host != r.Host) {
		http.Redirect(w, r, "/login/login.htm", http.StatusFound)
		return
	}
	setSAMLSession(w, s.saml.newSession(user))
	http.Redirect(w, r, next.RequestURI(), http.StatusFound)
}

// oktaApp is the AWS application's sign-in: the SAML form for a signed-in
// user, the sign-in page otherwise.
func (s *Server) oktaApp(w http.ResponseWriter, r *http.Request) {
	if err := s.saml.init(); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	user := s.saml.sessionUser(r)
	if user == "" {
		http.Redirect(w, r, "/login/login.htm?fromURI="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
		return
	}
	s.writeSAMLPost(w, user)
}
