package gcp

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// The subject token a workload identity federation provider exchanges:
// token_source (url, file, environment), or in GitHub Actions the job's
// OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL with the bearer
// ACTIONS_ID_TOKEN_REQUEST_TOKEN).

// maxSubjectToken bounds a subject token (a JWT is a few KB).
const maxSubjectToken = 64 << 10

func subjectToken(ctx context.Context, s *auth.Step, set GCPWIFFields) (string, error) {
	ts := set.TokenSource
	env := s.Auth.Env
	var tok, from string
	var err error
	switch {
	case ts == nil:
		reqURL, bearerTok := env("ACTIONS_ID_TOKEN_REQUEST_URL"), env("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
		if reqURL == "" || bearerTok == "" {
			return "", fmt.Errorf("no token_source is configured and this is not a GitHub Actions job with `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set): set token_source (url, file or environment)")
		}
		aud := "https://iam.googleapis.com/" + strings.TrimPrefix(set.Audience(), "//iam.googleapis.com/")
		from = "the GitHub Actions OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL)"
		tok, err = fetchSubject(ctx, s, reqURL, aud, bearerTok, nil)
	case ts.Type == "url":
		u, perr := url.Parse(ts.URL)
		if perr != nil || !hostAllowed(ts, strings.ToLower(u.Hostname())) {
			return "", fmt.Errorf("token_source.url %q: its host is not in token_source.allowed_hosts: refused before any request", ts.URL)
		}
		// The job's request token goes only to the host the job's own
		// environment names for it.
		var b string
		if ru, err := url.Parse(env("ACTIONS_ID_TOKEN_REQUEST_URL")); err == nil && ru.Host != "" && strings.EqualFold(ru.Host, u.Host) && ru.Scheme == u.Scheme {
			b = env("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
		}
		from = "token_source.url " + u.Scheme + "://" + u.Host
		tok, err = fetchSubject(ctx, s, ts.URL, ts.Audience, b, func(h string) bool { return hostAllowed(ts, h) })
	case ts.Type == "file":
		p := ts.File
		if !filepath.IsAbs(p) && s.Auth.Config != nil && s.Auth.Config.AbsPath != "" {
			p = filepath.Join(filepath.Dir(s.Auth.Config.AbsPath), p)
		}
		from = "token_source.file " + p
		b, rerr := fsutil.ReadRegular(p, maxSubjectToken)
		if rerr != nil {
			return "", fmt.Errorf("%s: %v", from, rerr)
		}
		tok = string(b)
	case ts.Type == "environment":
		from = "token_source.environment_variable " + ts.EnvironmentVariable
		tok = env(ts.EnvironmentVariable)
		if tok == "" {
			return "", fmt.Errorf("%s is not set", from)
		}
	default:
		return "", fmt.Errorf("token_source.type %q is not url, file or environment", ts.Type)
	}
	if err != nil {
		return "", err
	}
	return checkSubject(tok, from, s.Auth.Now())
}

// fetchSubject GETs a subject token: a JSON answer's value, token or
// id_token, or the answer itself.
func fetchSubject(ctx context.Context, s *auth.Step, raw, audience, bearerTok string, allowed func(string) bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("the token source URL is not a URL")
	}
	if audience != "" {
		q := u.Query()
		q.Set("audience", audience)
		u.RawQuery = q.Encode()
	}
	h := http.Header{}
	if bearerTok != "" {
		h = bearer(bearerTok)
	}
	host := strings.ToLower(u.Hostname())
	if allowed == nil {
		allowed = func(h string) bool { return h == host }
	}
	body, err := call(ctx, s, request{Service: "token source", Op: "subject token", Method: "GET", URL: u.String(), Header: h,
		Setting: "token_source.url", Client: sameHostClient(s.Auth.HTTP(), allowed)})
	if err != nil {
		return "", err
	}
	var out struct {
		Value   string `json:"value"`
		Token   string `json:"token"`
		IDToken string `json:"id_token"`
	}
	if json.Unmarshal(body, &out) == nil {
		for _, v := range []string{out.Value, out.Token, out.IDToken} {
			if v != "" {
				return v, nil
			}
		}
		return "", fmt.Errorf("the token source answered JSON with no value, token or id_token")
	}
	return string(body), nil
}

// checkSubject trims a subject token and refuses one that cannot be one or
// that has expired (its exp claim, unverified: STS verifies).
func checkSubject(tok, from string, now time.Time) (string, error) {
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", fmt.Errorf("%s: the subject token is empty", from)
	}
	if len(tok) > maxSubjectToken {
		return "", fmt.Errorf("%s: the subject token is longer than %d bytes", from, maxSubjectToken)
	}
	if err := tokenOK(tok); err != nil {
		return "", fmt.Errorf("%s: %v", from, err)
	}
	// Only an OIDC token (a JWT) is sent to STS: a source naming another
	// secret (a GitHub token, a key, a password) is refused before it
	// leaves this machine.
	if !isJWT(tok) {
		return "", fmt.Errorf("%s: the subject token is not a JWT (an OIDC ID token), so it is not sent to Google STS: check the token source", from)
	}
	if exp := auth.JWTExpiry(tok); !exp.IsZero() && !exp.After(now) {
		return "", fmt.Errorf("%s: the subject token expired at %s: get a new one from its issuer", from, exp.Format(time.RFC3339))
	}
	return tok, nil
}

// isJWT reports a compact JWS: three base64url parts, the first a JSON
// header naming its algorithm.
func isJWT(tok string) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[1] == "" {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "="))
	if err != nil {
		return false
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(b, &hdr) != nil || hdr.Alg == "" {
		return false
	}
	_, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	return err == nil
}
