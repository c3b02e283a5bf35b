package github

import (
	"net/url"
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/lazyre"
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
	c.Match("region", p.Region, reSTSRegion, "AWS region", "us-east-1")
	// The request token goes to this endpoint: GitHub's hosts and the
	// runner's own token host (ACTIONS_ID_TOKEN_REQUEST_URL) are trusted.
	var runner []string
	if u, err := url.Parse(c.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL")); err == nil && u.Hostname() != "" {
		runner = append(runner, strings.ToLower(u.Hostname()))
	}
	c.EndpointURL("spec.endpoint_url", p.Spec.EndpointURL, GitHubEndpoints, runner...)
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *GitHubOIDCProvider) Describe() string {
	if p.Spec.Audience != "" {
		return "audience " + p.Spec.Audience
	}
	return "GitHub Actions OIDC token"
}

// RegionName is the region this step names ("" for none).
func (p *GitHubOIDCProvider) RegionName() string { return p.Region }

// GitHubEndpoints are GitHub's own hosts.
var GitHubEndpoints = config.Endpoints{What: "a GitHub endpoint", Example: "https://….actions.githubusercontent.com",
	Suffixes: []string{".actions.githubusercontent.com", ".github.com", ".githubusercontent.com"}}

// reSTSRegion: region is where AWS STS exchanges the token.
var reSTSRegion = lazyre.New(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$`)
