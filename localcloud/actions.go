package localcloud

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"
)

// The GitHub Actions OIDC token endpoint of a job
// (ACTIONS_ID_TOKEN_REQUEST_URL = <url>/actions/idtoken, bearer
// ACTIONS_ID_TOKEN_REQUEST_TOKEN = ActionsRequestToken): it answers
// {"value": <JWT>} for the audience asked, as the runner does.

// ActionsRequestToken is the one request token the endpoint accepts.
const ActionsRequestToken = "localcloud-actions-request-token"

// ActionsSubject is the sub claim of the job's tokens.
const ActionsSubject = "repo:atmos-auth/demo:ref:refs/heads/main"

func (s *Server) serveActionsToken(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+ActionsRequestToken {
		writeGCPError(w, 401, "UNAUTHENTICATED", "Bad request token.")
		return
	}
	aud := r.URL.Query().Get("audience")
	if aud == "" {
		aud = "https://github.com/atmos-auth"
	}
	writeJSON(w, 200, map[string]string{"value": jwtFor(ActionsSubject, aud, s.now().Add(10*time.Minute))})
}

// jwtFor is an unsigned OIDC-shaped token (the local STS checks no
// signatures).
func jwtFor(sub, aud string, exp time.Time) string {
	enc := base64.RawURLEncoding
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "localcloud"})
	claims, _ := json.Marshal(map[string]any{"iss": "https://token.localcloud.invalid", "sub": sub,
		"aud": aud, "iat": exp.Add(-time.Hour).Unix(), "exp": exp.Unix()})
	return enc.EncodeToString(hdr) + "." + enc.EncodeToString(claims) + ".c2lnbmF0dXJl"
}
