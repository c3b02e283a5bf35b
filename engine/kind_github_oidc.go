package engine

import (
	"net/url"
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
)

var githubOIDCProviderKind = &config.KindInfo{Name: "github/oidc", Role: config.RoleProvider, Cloud: "github",
	Produces: config.CredOIDC, New: func() any { return &GitHubOIDCProvider{} }}

// GitHubOIDCProvider fetches the GitHub Actions OIDC token
// (ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN).
type GitHubOIDCProvider struct {
	config.ProviderBase `yaml:",inline"`
	Region              string `yaml:"region"`
	Spec                struct {
		Audience    string `yaml:"audience"`
		EndpointURL string `yaml:"endpoint_url"`
	} `yaml:"spec"`
}

func (p *GitHubOIDCProvider) Validate(c *config.Checker) {
	checkRegion(c, "region", p.Region)
	// The request token goes to this endpoint: the runner's own token
	// host (ACTIONS_ID_TOKEN_REQUEST_URL) is trusted, like AWS's.
	var runner []string
	if u, err := url.Parse(c.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL")); err == nil && u.Hostname() != "" {
		runner = append(runner, strings.ToLower(u.Hostname()))
	}
	c.EndpointURL("spec.endpoint_url", p.Spec.EndpointURL, AWSEndpoints, runner...)
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *GitHubOIDCProvider) Describe() string {
	if p.Spec.Audience != "" {
		return "audience " + p.Spec.Audience
	}
	return "GitHub Actions OIDC token"
}

// AWSRegion is the AWS region this step names ("" for none).
func (p *GitHubOIDCProvider) AWSRegion() string { return p.Region }
