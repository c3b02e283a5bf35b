package azure

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// azure/oidc: a federated token (a file, or GitHub Actions' token
// endpoint) exchanged at Entra ID for an application's token by the
// client-assertion grant (workload identity federation).

// DefaultFederatedAudience is the audience Entra ID expects of a federated
// token unless the federated credential names another.
const DefaultFederatedAudience = "api://AzureADTokenExchange"

const maxFederatedToken = 64 << 10

func (p *AzureOIDCProvider) audience() string {
	if p.Spec.Audience != "" {
		return p.Spec.Audience
	}
	return DefaultFederatedAudience
}

// specTokenFile is spec.token_file_path made absolute: relative to the
// atmos.yaml that names it, ~ the home directory.
func (p *AzureOIDCProvider) specTokenFile(cfg *config.Config, getenv func(string) string) string {
	f := p.Spec.TokenFilePath
	switch {
	case f == "" || filepath.IsAbs(f):
		return f
	case f == "~" || strings.HasPrefix(f, "~/"):
		home := ""
		if getenv != nil {
			home = getenv("HOME")
		}
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		return filepath.Join(home, strings.TrimPrefix(f, "~"))
	case cfg != nil && cfg.AbsPath != "":
		return filepath.Join(filepath.Dir(cfg.AbsPath), f)
	}
	return f
}

// tokenFile is where the federated token is read from: spec.token_file_path,
// else AZURE_FEDERATED_TOKEN_FILE ("" for GitHub Actions' endpoint).
func (p *AzureOIDCProvider) tokenFile(cfg *config.Config, getenv func(string) string) string {
	if p.Spec.TokenFilePath != "" {
		return p.specTokenFile(cfg, getenv)
	}
	if getenv != nil {
		return getenv("AZURE_FEDERATED_TOKEN_FILE")
	}
	return ""
}

// Authenticate exchanges the federated token for a Resource Manager token.
func (p *AzureOIDCProvider) Authenticate(ctx context.Context, s *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	assertion, err := p.federatedToken(ctx, s)
	if err != nil {
		return nil, err
	}
	tok, err := postForm(ctx, s, p.Spec.endpoint("token"), url.Values{"grant_type": {"client_credentials"},
		"client_id": {p.Spec.ClientID}, "scope": {p.Spec.armScope()},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {assertion}})
	if err != nil {
		return nil, err
	}
	if tok.AccessToken == "" {
		return nil, fmt.Errorf("Entra ID answered without an access token")
	}
	c := credsFrom(s, &p.Spec.AzureSpec, tok, "servicePrincipal", p.Spec.ClientID)
	c.Payload[payAssertion] = assertion
	if err := checkTenant(s, &p.Spec.AzureSpec, c); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *AzureOIDCProvider) federatedToken(ctx context.Context, s *auth.Step) (string, error) {
	a := s.Auth
	if f := p.tokenFile(a.Config, a.Env); f != "" {
		b, err := fsutil.ReadRegular(f, maxFederatedToken)
		if err != nil {
			return "", fmt.Errorf("read the federated token (spec.token_file_path or AZURE_FEDERATED_TOKEN_FILE): %w", err)
		}
		t := strings.TrimSpace(string(b))
		if t == "" || strings.ContainsAny(t, " \t\r\n") {
			return "", fmt.Errorf("the federated token file %q does not hold one token", f)
		}
		return t, nil
	}
	reqURL, bearer := a.Env("ACTIONS_ID_TOKEN_REQUEST_URL"), a.Env("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	if reqURL == "" || bearer == "" {
		return "", fmt.Errorf("provider %s has no federated token: set spec.token_file_path or AZURE_FEDERATED_TOKEN_FILE, or run in GitHub Actions with `permissions: id-token: write`", s.Name())
	}
	u, err := url.Parse(reqURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL")
	}
	q := u.Query()
	q.Set("audience", p.audience())
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, a.CallTimeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Accept", "application/json")
	body, status, err := do(ctx, a, req, "GitHub OIDC", "ACTIONS_ID_TOKEN_REQUEST_URL")
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("GitHub OIDC token request: HTTP %d", status)
	}
	var out struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(body, &out) != nil || out.Value == "" {
		return "", fmt.Errorf("GitHub OIDC token response has no value")
	}
	return out.Value, nil
}
