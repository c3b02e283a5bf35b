package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// DefaultGitHubAudience is the audience requested when spec.audience is
// not set (what aws-actions/configure-aws-credentials uses).
const DefaultGitHubAudience = "sts.amazonaws.com"

func (p *GitHubOIDCProvider) NoCache() {}

// authenticate fetches the GitHub Actions OIDC token:
// GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=… with the bearer
// $ACTIONS_ID_TOKEN_REQUEST_TOKEN, answering {"value": "<jwt>"}.
func (p *GitHubOIDCProvider) Authenticate(ctx context.Context, st *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	reqURL, bearer := st.Auth.Env("ACTIONS_ID_TOKEN_REQUEST_URL"), st.Auth.Env("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	if reqURL == "" || bearer == "" {
		return nil, fmt.Errorf("ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: run in GitHub Actions with `permissions: id-token: write`")
	}
	aud := p.Spec.Audience
	if aud == "" {
		aud = DefaultGitHubAudience
	}
	u, err := url.Parse(reqURL)
	if err != nil {
		return nil, fmt.Errorf("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL")
	}
	q := u.Query()
	q.Set("audience", aud)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Accept", "application/json")
	resp, err := st.Auth.HTTP().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err() // Ctrl-C: not a network failure
		}
		var ne net.Error
		return nil, &auth.NetworkError{Service: "GitHub OIDC", Operation: "token request", Endpoint: u.Scheme + "://" + u.Host,
			Bound: auth.BoundsWithin(st.Auth.CallTimeout()).Attempt, Timeout: errors.As(err, &ne) && ne.Timeout(), Setting: "ACTIONS_ID_TOKEN_REQUEST_URL", Err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GitHub OIDC token request: HTTP %d", resp.StatusCode)
	}
	var out struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Value == "" {
		return nil, fmt.Errorf("GitHub OIDC token response has no value")
	}
	c := &auth.Credentials{Type: config.CredOIDC, Payload: map[string]string{auth.PayloadToken: out.Value}, Region: p.Region}
	c.Expiration = auth.JWTExpiry(out.Value)
	if c.Expiration.IsZero() {
		c.Expiration = st.Auth.Now().Add(5 * time.Minute)
	}
	return c, nil
}
