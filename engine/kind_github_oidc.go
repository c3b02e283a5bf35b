package engine

var githubOIDCProviderKind = &KindInfo{Name: "github/oidc", Role: RoleProvider, Cloud: "github",
	Produces: CredOIDC, New: func() any { return &GitHubOIDCProvider{} }}

// GitHubOIDCProvider fetches the GitHub Actions OIDC token
// (ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN).
type GitHubOIDCProvider struct {
	ProviderBase `yaml:",inline"`
	Region       string `yaml:"region"`
	Spec         struct {
		Audience    string `yaml:"audience"`
		EndpointURL string `yaml:"endpoint_url"`
	} `yaml:"spec"`
}

func (p *GitHubOIDCProvider) validate(c *fieldChecker) {
	c.region("region", p.Region)
	c.httpsURL("spec.endpoint_url", p.Spec.EndpointURL)
}
