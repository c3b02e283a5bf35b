package gcp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

var gcpServiceAccountKind = &config.KindInfo{Name: "gcp/service-account", Role: config.RoleIdentity, Cloud: "gcp",
	Produces: CredGCP, Accepts: []string{CredGCP}, New: func() any { return &GCPServiceAccount{} }}

// DefaultLifetime is a service account token's lifetime when none is set;
// Google allows up to 12h where the organization permits it.
const DefaultLifetime = time.Hour

// GCPServiceAccount impersonates a service account (IAM Credentials
// generateAccessToken) with the base credentials.
type GCPServiceAccount struct {
	config.IdentityBase `yaml:",inline"`
	gcloudEnvironment   `yaml:"-"`
	Principal           struct {
		ServiceAccountEmail string          `yaml:"service_account_email"`
		ProjectID           string          `yaml:"project_id"`
		Region              string          `yaml:"region"`
		Lifetime            config.Duration `yaml:"lifetime"`
		Delegates           []string        `yaml:"delegates"`
		Scopes              []string        `yaml:"scopes"`
	} `yaml:"principal"`
	Spec struct {
		Endpoints GCPEndpoints `yaml:"endpoints"`
	} `yaml:"spec"`
}

func (s *GCPServiceAccount) Validate(c *config.Checker) {
	p := s.Principal
	if c.Required("principal.service_account_email", p.ServiceAccountEmail) {
		c.Match("principal.service_account_email", p.ServiceAccountEmail, reGCPSA, "service account email", "terraform@my-project.iam.gserviceaccount.com")
	}
	c.Match("principal.project_id", p.ProjectID, reGCPProject, "GCP project id", "my-project-123")
	c.Match("principal.region", p.Region, reGCPRegion, "GCP region", "us-central1")
	c.DurationRange("principal.lifetime", p.Lifetime, time.Second, 12*time.Hour)
	for i, d := range p.Delegates {
		c.Match("principal.delegates["+strconv.Itoa(i)+"]", d, reGCPSA, "service account email", "")
	}
	for i, sc := range p.Scopes {
		c.HTTPSURL("principal.scopes["+strconv.Itoa(i)+"]", sc)
	}
	s.Spec.Endpoints.validate(c, "spec.")
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *GCPServiceAccount) Describe() string {
	return s.Principal.ServiceAccountEmail
}

// RegionName is the region this step names ("" for none).
func (s *GCPServiceAccount) RegionName() string { return s.Principal.Region }

// Authenticate impersonates the service account with the base token.
func (s *GCPServiceAccount) Authenticate(ctx context.Context, st *auth.Step, base *auth.Credentials) (*auth.Credentials, error) {
	p := s.Principal
	c, err := generateAccessToken(ctx, st, base, p.ServiceAccountEmail, p.Delegates, scopesOr(p.Scopes), p.Lifetime.Duration)
	if err != nil {
		return nil, err
	}
	c.Account = p.ProjectID
	if c.Account == "" {
		c.Account = projectOfEmail(p.ServiceAccountEmail)
	}
	if c.Account == "" && base != nil {
		c.Account = base.Account
	}
	c.Region = auth.ChainRegion(st.Chain)
	return c, nil
}

// projectOfEmail is the project of a user-managed service account
// (name@PROJECT.iam.gserviceaccount.com).
func projectOfEmail(email string) string {
	_, dom, ok := strings.Cut(email, "@")
	if p, ok2 := strings.CutSuffix(dom, ".iam.gserviceaccount.com"); ok && ok2 && reGCPProject.MatchString(p) {
		return p
	}
	return ""
}

// generateAccessToken calls IAM Credentials generateAccessToken for email
// with the base token.
func generateAccessToken(ctx context.Context, st *auth.Step, base *auth.Credentials, email string, delegates, scopes []string, lifetime time.Duration) (*auth.Credentials, error) {
	tok := base.Secret(PayloadAccessToken)
	if base == nil || base.Type != CredGCP || tok == "" {
		return nil, fmt.Errorf("no GCP access token to impersonate %s with", email)
	}
	if lifetime <= 0 {
		lifetime = DefaultLifetime
	}
	req := map[string]any{"scope": scopes, "lifetime": strconv.FormatInt(int64(lifetime/time.Second), 10) + "s"}
	if len(delegates) > 0 {
		ds := make([]string, len(delegates))
		for i, d := range delegates {
			ds[i] = "projects/-/serviceAccounts/" + d
		}
		req["delegates"] = ds
	}
	body, h := jsonBody(req)
	ans, err := call(ctx, st, request{Service: "IAM Credentials", Op: "generateAccessToken", Method: "POST",
		URL:    gcpEndpoint(st.Chain, svcIAMCredentials, st.Auth.Env) + "v1/projects/-/serviceAccounts/" + url.PathEscape(email) + ":generateAccessToken",
		Header: merge(h, bearer(tok)), Body: body, Setting: "spec.endpoints.iamcredentials, CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS"})
	if err != nil {
		return nil, err
	}
	var out struct {
		AccessToken string `json:"accessToken"`
		ExpireTime  string `json:"expireTime"`
	}
	if json.Unmarshal(ans, &out) != nil || out.AccessToken == "" {
		return nil, fmt.Errorf("generateAccessToken: the answer holds no accessToken")
	}
	if err := tokenOK(out.AccessToken); err != nil {
		return nil, fmt.Errorf("generateAccessToken: %w", err)
	}
	exp, err := time.Parse(time.RFC3339, out.ExpireTime)
	if err != nil {
		return nil, fmt.Errorf("generateAccessToken: the answer's expireTime %q is not a time", out.ExpireTime)
	}
	return &auth.Credentials{Type: CredGCP, Expiration: exp.UTC(), Principal: email, Role: "service account",
		Payload: map[string]string{PayloadAccessToken: out.AccessToken}}, nil
}
