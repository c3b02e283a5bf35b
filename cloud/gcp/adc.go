package gcp

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

var gcpADCProviderKind = &config.KindInfo{Name: "gcp/adc", Role: config.RoleProvider, Cloud: "gcp",
	Produces: CredGCP, New: func() any { return &GCPADCProvider{} }}

// GCPADCFields are gcp/adc's settings, accepted at the top level (as the
// reference writes them) or under spec: (as Atmos's code reads them).
type GCPADCFields struct {
	ProjectID string       `yaml:"project_id"`
	Region    string       `yaml:"region"`
	Scopes    []string     `yaml:"scopes"`
	Endpoints GCPEndpoints `yaml:"endpoints"`
}

// GCPADCProvider uses the user's Application Default Credentials:
// GOOGLE_APPLICATION_CREDENTIALS, else the well-known file `gcloud auth
// application-default login` writes, else the metadata server on GCP.
type GCPADCProvider struct {
	config.ProviderBase `yaml:",inline"`
	GCPADCFields        `yaml:",inline"`
	Spec                GCPADCFields `yaml:"spec"`
}

// Settings merges the top-level and spec: forms.
func (p *GCPADCProvider) Settings() GCPADCFields {
	s := p.GCPADCFields
	if p.Spec.ProjectID != "" {
		s.ProjectID = p.Spec.ProjectID
	}
	if p.Spec.Region != "" {
		s.Region = p.Spec.Region
	}
	if len(p.Spec.Scopes) > 0 {
		s.Scopes = p.Spec.Scopes
	}
	s.Endpoints = p.Spec.Endpoints.or(p.GCPADCFields.Endpoints)
	return s
}

func (p *GCPADCProvider) Validate(c *config.Checker) {
	for _, prefix := range []string{"", "spec."} {
		f := p.GCPADCFields
		if prefix != "" {
			f = p.Spec
		}
		c.Match(prefix+"project_id", f.ProjectID, reGCPProject, "GCP project id", "my-project-123")
		c.Match(prefix+"region", f.Region, reGCPRegion, "GCP region", "us-central1")
		for i, s := range f.Scopes {
			c.HTTPSURL(prefix+"scopes["+strconv.Itoa(i)+"]", s)
		}
		f.Endpoints.validate(c, prefix)
	}
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *GCPADCProvider) Describe() string {
	return config.JoinNonEmpty(config.Labelled("project ", p.Settings().ProjectID), p.Settings().Region)
}

// RegionName is the region this step names ("" for none).
func (p *GCPADCProvider) RegionName() string { return p.Settings().Region }

func (p *GCPADCProvider) Binding(chain []*config.Entry, getenv config.Env) string {
	return gcpBinding(chain, getenv)
}

// DefaultScopes are requested when a step names none.
var DefaultScopes = []string{"https://www.googleapis.com/auth/cloud-platform"}

func scopesOr(s []string) []string {
	if len(s) == 0 {
		return DefaultScopes
	}
	return s
}

// adcHint is what to do when the user has no ADC.
const adcHint = "run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a credentials file)"

// adcFile is the part of an ADC file gcp/adc reads.
type adcFile struct {
	Type           string `json:"type"`
	ClientID       string `json:"client_id"`
	ClientSecret   string `json:"client_secret"`
	RefreshToken   string `json:"refresh_token"`
	QuotaProjectID string `json:"quota_project_id"`
	Account        string `json:"account"`
	ClientEmail    string `json:"client_email"`
	PrivateKey     string `json:"private_key"`
	PrivateKeyID   string `json:"private_key_id"`
	ProjectID      string `json:"project_id"`
}

// Authenticate obtains an access token from the user's ADC.
func (p *GCPADCProvider) Authenticate(ctx context.Context, s *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	set := p.Settings()
	path, where, err := adcPath(s)
	if err != nil {
		return nil, err
	}
	var c *auth.Credentials
	if path == "" {
		c, err = metadataToken(ctx, s, set.Scopes)
	} else {
		c, err = fileToken(ctx, s, path, where, set.Scopes)
	}
	if err != nil {
		return nil, err
	}
	if set.ProjectID != "" {
		c.Account = set.ProjectID
	}
	c.Region = set.Region
	return c, nil
}

// managedRoot is where atmos-auth keeps the gcloud directories and
// credential files of identities: ADC found there is our own output, not
// the user's (a login run inside an identity's environment).
func managedRoot(d config.Dirs) string { return filepath.Join(d.Config, "gcp") }

func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// adcPath finds the user's ADC file ("" for the metadata server) and says
// where it was found.
func adcPath(s *auth.Step) (path, where string, err error) {
	env := s.Auth.Env
	root := managedRoot(s.Auth.Dirs)
	if v := env("GOOGLE_APPLICATION_CREDENTIALS"); v != "" && !within(v, root) {
		return v, "GOOGLE_APPLICATION_CREDENTIALS", nil
	}
	dir := env("CLOUDSDK_CONFIG")
	if dir == "" || within(dir, root) {
		dir = userGcloudDir(env)
	}
	if dir != "" {
		f := filepath.Join(dir, "application_default_credentials.json")
		if _, err := os.Stat(f); err == nil {
			return f, "the well-known ADC file", nil
		}
	}
	if env("GCE_METADATA_HOST") != "" || onGCE() {
		return "", "the metadata server", nil
	}
	return "", "", fmt.Errorf("no application default credentials: %s", adcHint)
}

// userGcloudDir is gcloud's default configuration directory.
func userGcloudDir(env func(string) string) string {
	if runtime.GOOS == "windows" {
		if a := env("APPDATA"); a != "" {
			return filepath.Join(a, "gcloud")
		}
		return ""
	}
	if h := env("HOME"); h != "" {
		return filepath.Join(h, ".config", "gcloud")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".config", "gcloud")
	}
	return ""
}

// onGCE reports a Google Compute Engine machine (as google-auth checks it:
// the DMI product name), without a network probe.
func onGCE() bool {
	b, err := fsutil.ReadRegular("/sys/class/dmi/id/product_name", 256)
	return err == nil && strings.Contains(string(b), "Google")
}

func fileToken(ctx context.Context, s *auth.Step, path, where string, scopes []string) (*auth.Credentials, error) {
	b, err := fsutil.ReadRegular(path, 64<<10)
	if err != nil {
		return nil, fmt.Errorf("read the application default credentials (%s %s): %v: %s", where, path, err, adcHint)
	}
	var f adcFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("the application default credentials (%s %s) are not JSON: %s", where, path, adcHint)
	}
	tokenURL := gcpEndpoint(s.Chain, svcOAuth2, s.Auth.Env) + "token"
	now := s.Auth.Now()
	c := &auth.Credentials{Type: CredGCP, Account: f.QuotaProjectID}
	var form url.Values
	switch f.Type {
	case "authorized_user":
		if f.RefreshToken == "" || f.ClientID == "" {
			return nil, fmt.Errorf("the application default credentials (%s %s) hold no refresh token: %s", where, path, adcHint)
		}
		form = url.Values{"grant_type": {"refresh_token"}, "refresh_token": {f.RefreshToken},
			"client_id": {f.ClientID}, "client_secret": {f.ClientSecret}}
		c.Principal = f.Account
		if c.Principal == "" {
			c.Principal = "user (application default credentials)"
		}
	case "service_account":
		jwt, err := signAssertion(f, tokenURL, scopesOr(scopes), now)
		if err != nil {
			return nil, fmt.Errorf("the service account key (%s %s): %w", where, path, err)
		}
		form = url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {jwt}}
		c.Principal = f.ClientEmail
		if c.Account == "" {
			c.Account = f.ProjectID
		}
	default:
		return nil, fmt.Errorf("the application default credentials (%s %s) are of type %q, which gcp/adc does not read (authorized_user and service_account are read): use a gcp/workload-identity-federation provider for external accounts", where, path, f.Type)
	}
	body, h := formBody(form)
	ans, err := call(ctx, s, request{Service: "Google OAuth", Op: "token", Method: "POST", URL: tokenURL, Header: h, Body: body,
		Setting: "endpoints.oauth2, CLOUDSDK_AUTH_TOKEN_HOST"})
	if err != nil {
		if ge, ok := errors.AsType[*googleError](err); ok && ge.Status == "invalid_grant" {
			return nil, explain("", err, fmt.Sprintf(": the application default credentials (%s) were refused: %s", where, adcHint))
		}
		return nil, err
	}
	tok, exp, err := parseOAuthToken("Google OAuth token", ans, now)
	if err != nil {
		return nil, err
	}
	c.Expiration, c.Payload = exp, map[string]string{PayloadAccessToken: tok}
	return c, nil
}

// signAssertion is a service account's RS256 JWT bearer assertion.
func signAssertion(f adcFile, aud string, scopes []string, now time.Time) (string, error) {
	blk, _ := pem.Decode([]byte(f.PrivateKey))
	if blk == nil || f.ClientEmail == "" {
		return "", errors.New("no private_key or client_email")
	}
	var key *rsa.PrivateKey
	if k, err := x509.ParsePKCS8PrivateKey(blk.Bytes); err == nil {
		key, _ = k.(*rsa.PrivateKey)
	} else if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
		key = k
	}
	if key == nil {
		return "", errors.New("the private_key is not an RSA key")
	}
	enc := base64.RawURLEncoding
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": f.PrivateKeyID})
	claims, _ := json.Marshal(map[string]any{"iss": f.ClientEmail, "scope": strings.Join(scopes, " "), "aud": aud,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	signing := enc.EncodeToString(hdr) + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signing + "." + enc.EncodeToString(sig), nil
}
