package gcp

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

var gcpWIFProviderKind = &config.KindInfo{Name: "gcp/workload-identity-federation", Role: config.RoleProvider, Cloud: "gcp",
	Produces: CredGCP, New: func() any { return &GCPWIFProvider{} }}

// GCPTokenSourceTypes are where the external (OIDC) token comes from.
var GCPTokenSourceTypes = []string{"url", "file", "environment"}

// GCPTokenSource is where the subject token comes from.
type GCPTokenSource struct {
	Type                string   `yaml:"type"`
	URL                 string   `yaml:"url"`
	File                string   `yaml:"file"`
	EnvironmentVariable string   `yaml:"environment_variable"`
	Audience            string   `yaml:"audience"`
	AllowedHosts        []string `yaml:"allowed_hosts"`
}

// GCPWIFFields are the provider's settings (top level or under spec:).
type GCPWIFFields struct {
	ProjectID                  string          `yaml:"project_id"`
	ProjectNumber              string          `yaml:"project_number"`
	WorkloadIdentityPoolID     string          `yaml:"workload_identity_pool_id"`
	WorkloadIdentityProviderID string          `yaml:"workload_identity_provider_id"`
	ServiceAccountEmail        string          `yaml:"service_account_email"`
	Region                     string          `yaml:"region"`
	Scopes                     []string        `yaml:"scopes"`
	TokenSource                *GCPTokenSource `yaml:"token_source"`
	Endpoints                  GCPEndpoints    `yaml:"endpoints"`
}

// GCPWIFProvider exchanges an external OIDC token for GCP credentials at
// Google STS, then impersonates service_account_email when set.
type GCPWIFProvider struct {
	config.ProviderBase `yaml:",inline"`
	GCPWIFFields        `yaml:",inline"`
	Spec                GCPWIFFields `yaml:"spec"`
}

// Settings merges the top-level and spec: forms (spec wins field by field).
func (p *GCPWIFProvider) Settings() GCPWIFFields {
	s := p.GCPWIFFields
	o := p.Spec
	pick := func(a *string, b string) {
		if b != "" {
			*a = b
		}
	}
	pick(&s.ProjectID, o.ProjectID)
	pick(&s.ProjectNumber, o.ProjectNumber)
	pick(&s.WorkloadIdentityPoolID, o.WorkloadIdentityPoolID)
	pick(&s.WorkloadIdentityProviderID, o.WorkloadIdentityProviderID)
	pick(&s.ServiceAccountEmail, o.ServiceAccountEmail)
	pick(&s.Region, o.Region)
	if len(o.Scopes) > 0 {
		s.Scopes = o.Scopes
	}
	if o.TokenSource != nil {
		s.TokenSource = o.TokenSource
	}
	s.Endpoints = o.Endpoints.or(s.Endpoints)
	return s
}

func (p *GCPWIFProvider) Validate(c *config.Checker) {
	s := p.Settings()
	at := func(field string) string {
		if c.Has("spec." + field) {
			return "spec." + field
		}
		return field
	}
	if c.Required(at("project_number"), s.ProjectNumber) {
		c.Match(at("project_number"), s.ProjectNumber, reGCPNumber, "GCP project number", `"123456789012"`)
	}
	if c.Required(at("workload_identity_pool_id"), s.WorkloadIdentityPoolID) {
		c.Match(at("workload_identity_pool_id"), s.WorkloadIdentityPoolID, reGCPPoolID, "pool id (4-32 of a-z0-9-)", "github-pool")
	}
	if c.Required(at("workload_identity_provider_id"), s.WorkloadIdentityProviderID) {
		c.Match(at("workload_identity_provider_id"), s.WorkloadIdentityProviderID, reGCPPoolID, "provider id (4-32 of a-z0-9-)", "github-provider")
	}
	c.Match(at("project_id"), s.ProjectID, reGCPProject, "GCP project id", "my-project-123")
	c.Match(at("region"), s.Region, reGCPRegion, "GCP region", "us-central1")
	c.Match(at("service_account_email"), s.ServiceAccountEmail, reGCPSA, "service account email", "ci@my-project.iam.gserviceaccount.com")
	for i, sc := range s.Scopes {
		c.HTTPSURL(at("scopes")+"["+strconv.Itoa(i)+"]", sc)
	}
	p.GCPWIFFields.Endpoints.validate(c, "")
	p.Spec.Endpoints.validate(c, "spec.")
	if ts := s.TokenSource; ts != nil {
		base := at("token_source")
		if c.Required(base+".type", ts.Type) {
			c.OneOf(base+".type", ts.Type, GCPTokenSourceTypes)
		}
		switch ts.Type {
		case "url":
			if c.Required(base+".url", ts.URL) {
				if u := c.HTTPSURL(base+".url", ts.URL); u != nil && !hostAllowed(ts, strings.ToLower(u.Hostname())) {
					c.Errf(base+".url", "add the host to "+base+".allowed_hosts, or correct the URL",
						"%s.url: host %q is not in %s.allowed_hosts %v: the token source is refused before any request", base, u.Hostname(), base, ts.AllowedHosts)
				}
			}
		case "file":
			c.Required(base+".file", ts.File)
		case "environment":
			c.Required(base+".environment_variable", ts.EnvironmentVariable)
		}
	}
}

// hostAllowed: a url token source may only be fetched from its
// allowed_hosts (an exact host, or ".example.com" for its subdomains);
// with none listed, only from this machine.
func hostAllowed(ts *GCPTokenSource, host string) bool {
	if len(ts.AllowedHosts) == 0 {
		return config.IsLoopbackHost(host)
	}
	return slices.ContainsFunc(ts.AllowedHosts, func(a string) bool {
		a = strings.ToLower(strings.TrimSpace(a))
		return a == host || (strings.HasPrefix(a, ".") && strings.HasSuffix(host, a))
	})
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *GCPWIFProvider) Describe() string {
	st := p.Settings()
	return "pool " + st.WorkloadIdentityPoolID + "/" + st.WorkloadIdentityProviderID
}

// RegionName is the region this step names ("" for none).
func (p *GCPWIFProvider) RegionName() string { return p.Settings().Region }

func (p *GCPWIFProvider) Binding(chain []*config.Entry, getenv config.Env) string {
	return gcpBinding(chain, getenv)
}

// Audience is the pool provider's resource name, STS's audience.
func (s GCPWIFFields) Audience() string {
	return "//iam.googleapis.com/projects/" + s.ProjectNumber + "/locations/global/workloadIdentityPools/" +
		s.WorkloadIdentityPoolID + "/providers/" + s.WorkloadIdentityProviderID
}

// Authenticate: subject token → Google STS token exchange → (optionally)
// IAM Credentials generateAccessToken for service_account_email.
func (p *GCPWIFProvider) Authenticate(ctx context.Context, s *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	set := p.Settings()
	subject, err := subjectToken(ctx, s, set)
	if err != nil {
		return nil, err
	}
	now := s.Auth.Now()
	scopes := scopesOr(set.Scopes)
	body, h := formBody(url.Values{
		"grant_type":           {"urn:ietf:params:oauth:grant-type:token-exchange"},
		"audience":             {set.Audience()},
		"scope":                {strings.Join(scopes, " ")},
		"requested_token_type": {"urn:ietf:params:oauth:token-type:access_token"},
		"subject_token":        {subject},
		"subject_token_type":   {"urn:ietf:params:oauth:token-type:jwt"},
	})
	ans, err := call(ctx, s, request{Service: "Google STS", Op: "token exchange", Method: "POST",
		URL: gcpEndpoint(s.Chain, svcSTS, s.Auth.Env) + "v1/token", Header: h, Body: body,
		Setting: "endpoints.sts, CLOUDSDK_API_ENDPOINT_OVERRIDES_STS"})
	if err != nil {
		return nil, explain("", err, " (the subject token, for audience "+set.Audience()+")")
	}
	tok, exp, err := parseOAuthToken("Google STS token exchange", ans, now)
	if err != nil {
		return nil, err
	}
	c := &auth.Credentials{Type: CredGCP, Expiration: exp, Account: set.ProjectID, Region: set.Region,
		Principal: "principalSet://iam.googleapis.com/projects/" + set.ProjectNumber + "/locations/global/workloadIdentityPools/" + set.WorkloadIdentityPoolID,
		Payload:   map[string]string{PayloadAccessToken: tok}}
	if set.ServiceAccountEmail == "" {
		return c, nil
	}
	sa, err := generateAccessToken(ctx, s, c, set.ServiceAccountEmail, nil, scopes, 0)
	if err != nil {
		return nil, explain("impersonate "+set.ServiceAccountEmail+": ", err, "")
	}
	sa.Account, sa.Region = set.ProjectID, set.Region
	return sa, nil
}
