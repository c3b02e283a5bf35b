package gcp

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// ServeTokens is `exec --server` for a GCP identity: for the life of the
// command, a token endpoint on 127.0.0.1 answers Google's STS token
// exchange with the identity's current token, renewed on demand, and
// GOOGLE_APPLICATION_CREDENTIALS names an external_account file (0600)
// pointing at it. Every Google client library (Go's x/oauth2 and
// cloud.google.com/go/auth, Python google-auth, Node) and Terraform's
// google provider read that file type and refresh through it, so a command
// that runs for hours keeps a valid token. The subject token the clients
// present is a random secret in a 0600 file next to it: other users of the
// machine cannot get a token from the endpoint. Both files go when the
// command ends.
func (gcloudEnvironment) ServeTokens(c *auth.EnvContext, fresh func(context.Context) (*auth.Credentials, error)) (map[string]string, func(), error) {
	dir := gcloudDir(c.Config, c.Dirs, c.Chain[0].Name)
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, nil, err
	}
	secret := hex.EncodeToString(b)
	id := secret[:12]
	subjectFile := filepath.Join(dir, "server-"+id+".subject")
	credFile := filepath.Join(dir, "server-"+id+".json")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: tokenHandler(secret, fresh), ReadHeaderTimeout: 10 * time.Second}
	cleanup := func() {
		_ = srv.Close()
		_, _ = auth.RemoveFile(subjectFile)
		_, _ = auth.RemoveFile(credFile)
	}
	file, _ := json.MarshalIndent(map[string]any{
		"type":               "external_account",
		"audience":           "//iam.googleapis.com/projects/0/locations/global/workloadIdentityPools/atmos-auth/providers/exec-server",
		"subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
		"token_url":          "http://" + ln.Addr().String() + "/v1/token",
		"credential_source":  map[string]string{"file": subjectFile},
		"universe_domain":    "googleapis.com",
	}, "", "  ")
	if err := auth.WriteFileAtomic(subjectFile, []byte(secret)); err != nil {
		_ = ln.Close()
		return nil, nil, err
	}
	if err := auth.WriteFileAtomic(credFile, append(file, '\n')); err != nil {
		_ = ln.Close()
		cleanup()
		return nil, nil, err
	}
	go func() { _ = srv.Serve(ln) }()
	return map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": credFile}, cleanup, nil
}

// tokenHandler answers POST /v1/token (an RFC 8693 token exchange whose
// subject token is the secret) with the identity's current token.
func tokenHandler(secret string, fresh func(context.Context) (*auth.Credentials, error)) http.Handler {
	oauthErr := func(w http.ResponseWriter, status int, code, desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/token" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			oauthErr(w, 400, "invalid_request", "malformed request")
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("subject_token")), []byte(secret)) != 1 {
			oauthErr(w, 401, "invalid_grant", "not this command's subject token")
			return
		}
		c, err := fresh(r.Context())
		tok := c.Secret(PayloadAccessToken)
		if err != nil || tok == "" {
			msg := "no GCP access token"
			if err != nil {
				msg = termsafe.String(auth.ErrSummary(err))
			}
			oauthErr(w, 503, "temporarily_unavailable", "atmos-auth could not renew the identity: "+msg)
			return
		}
		left := int64(time.Until(c.Expiration) / time.Second)
		if left < 1 {
			left = 1
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": left,
			"issued_token_type": "urn:ietf:params:oauth:token-type:access_token"})
	})
}
