package gcp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// Every GCP identity gets its own gcloud configuration directory, per
// project (auth.ProjectKey) and identity:
//
//	<config dir>/gcp/<project>/<identity>/
//	  active_config                        atmos-auth
//	  configurations/config_atmos-auth     [core] project, [compute] region/zone,
//	                                       [auth] access_token_file
//	  access_token                         the identity's current access token (0600)
//	  application_default_credentials.json the same token for client libraries (0600)
//
// CLOUDSDK_CONFIG points gcloud there, so the user's ~/.config/gcloud is
// never read or written inside an identity. No token is ever in the
// environment: gcloud reads the token file on each run, and atmos-auth
// rewrites it whenever it renews the identity (login, and env, exec,
// shell and the hook, which renew a GCP identity silently when its cached
// token is no longer valid: see auth.RenewsOnUse).

// gcloudConfigName is the one gcloud configuration of each directory.
const gcloudConfigName = "atmos-auth"

const (
	tokenFileName = "access_token"
	adcFileName   = "application_default_credentials.json"
)

// UserGCPVars are the user's variables that would make gcloud, client
// libraries or Terraform use other credentials, another account or another
// configuration than the identity's: unset inside every GCP identity.
var UserGCPVars = []string{
	"CLOUDSDK_AUTH_ACCESS_TOKEN", "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
	"CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT", "CLOUDSDK_CORE_ACCOUNT",
	"GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_CREDENTIALS", "GOOGLE_CLOUD_KEYFILE_JSON", "GCLOUD_KEYFILE_JSON",
	"GOOGLE_IMPERSONATE_SERVICE_ACCOUNT", "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES",
}

// gcloudDir is an identity's gcloud directory. The identity's name is
// reduced to characters every tool reads alike, with a hash keeping
// distinct names apart.
func gcloudDir(c *config.Config, d config.Dirs, identity string) string {
	h := sha256.Sum256([]byte(identity))
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, identity)
	if len(clean) > 32 {
		clean = clean[:32]
	}
	return filepath.Join(managedRoot(d), auth.ProjectKey(c), clean+"-"+hex.EncodeToString(h[:4]))
}

// GcloudDir is where an identity's gcloud configuration lives.
func GcloudDir(c *config.Config, d config.Dirs, identity string) string {
	return gcloudDir(c, d, identity)
}

// gcpContext is the project, region and zone of a chain: the nearest step
// naming each, from the identity towards its provider.
type gcpContext struct{ Project, Region, Zone string }

func chainContext(chain []*config.Entry) gcpContext {
	var g gcpContext
	pick := func(a *string, b string) {
		if *a == "" {
			*a = b
		}
	}
	for _, e := range chain {
		switch s := e.Spec.(type) {
		case *GCPProject:
			pick(&g.Project, s.Principal.ProjectID)
			pick(&g.Region, s.Principal.Region)
			pick(&g.Zone, s.Principal.Zone)
		case *GCPServiceAccount:
			pick(&g.Project, s.Principal.ProjectID)
			pick(&g.Project, projectOfEmail(s.Principal.ServiceAccountEmail))
			pick(&g.Region, s.Principal.Region)
		case *GCPWIFProvider:
			pick(&g.Project, s.Settings().ProjectID)
			pick(&g.Region, s.Settings().Region)
		case *GCPADCProvider:
			pick(&g.Project, s.Settings().ProjectID)
			pick(&g.Region, s.Settings().Region)
		}
	}
	return g
}

// cached is the identity's cached credentials (valid or not; nil when none).
// The binding is read from the environment the login saw (os.Getenv when
// the context has none, as EnvContext says).
func cached(c *auth.EnvContext) *auth.Credentials {
	getenv := c.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	cr, ok := auth.ReadStep(auth.ProjectDirs(c.Dirs, c.Config), c.Chain, gcpBinding(c.Chain, getenv))
	if !ok {
		return nil
	}
	return cr
}

// contextOf completes the configuration's context with what the login
// learnt (an ADC file's quota project, a metadata server's project).
func contextOf(c *auth.EnvContext, cr *auth.Credentials) gcpContext {
	g := chainContext(c.Chain)
	if g.Project == "" && cr != nil && reGCPProject.MatchString(cr.Account) {
		g.Project = cr.Account
	}
	return g
}

// gcloudEnvironment is embedded by the GCP identities: their environment,
// the files it points at, whoami --verify and the endpoint binding of
// their cached steps. It has no fields: nothing in the YAML or the
// fingerprint.
type gcloudEnvironment struct{}

func (gcloudEnvironment) Environment(c *auth.EnvContext, env *environ.Environment) {
	for _, v := range UserGCPVars {
		env.UnsetVar(v)
	}
	dir := gcloudDir(c.Config, c.Dirs, c.Chain[0].Name)
	env.SetVar("CLOUDSDK_CONFIG", dir)
	env.SetVar("CLOUDSDK_ACTIVE_CONFIG_NAME", gcloudConfigName)
	env.SetVar("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(dir, adcFileName))
	g := contextOf(c, cached(c))
	for _, v := range []struct {
		value string
		names []string
	}{
		{g.Project, []string{"GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT", "GOOGLE_PROJECT"}},
		{g.Region, []string{"GOOGLE_CLOUD_REGION", "CLOUDSDK_COMPUTE_REGION", "GOOGLE_REGION"}},
		{g.Zone, []string{"GOOGLE_CLOUD_ZONE", "CLOUDSDK_COMPUTE_ZONE", "GOOGLE_ZONE"}},
	} {
		for _, n := range v.names {
			if v.value != "" {
				env.SetVar(n, v.value)
			} else {
				env.UnsetVar(n)
			}
		}
	}
}

// RenewOnUse: programs read the token file atmos-auth writes, and cannot
// call back for a fresh one (see auth.RenewsOnUse).
func (gcloudEnvironment) RenewOnUse() {}

func (gcloudEnvironment) Binding(chain []*config.Entry, getenv config.Env) string {
	return gcpBinding(chain, getenv)
}

// Prepare writes the identity's gcloud directory: the configuration, and
// the token files from the cache (removed when the cache holds no valid
// token, so no program uses an expired one). Files are rewritten only when
// their content changes.
func (gcloudEnvironment) Prepare(c *auth.EnvContext) error {
	dir := gcloudDir(c.Config, c.Dirs, c.Chain[0].Name)
	if i := strings.IndexAny(dir, "\n\r\x00"); i >= 0 {
		return config.Invalid(fmt.Errorf("the gcloud directory %q holds a line break: set XDG_CONFIG_HOME to a plain path", dir))
	}
	cr := cached(c)
	g := contextOf(c, cr)
	ini := func(v string) string { return strings.ReplaceAll(v, "%", "%%") }
	var b strings.Builder
	b.WriteString("# atmos-auth managed file, do not edit: identity " + strings.Map(printable, c.Chain[0].Name) + "\n[core]\n")
	if g.Project != "" {
		b.WriteString("project = " + g.Project + "\n")
	}
	if cr != nil && reGCPSA.MatchString(cr.Principal) {
		b.WriteString("account = " + cr.Principal + "\n")
	}
	b.WriteString("disable_usage_reporting = True\n")
	if g.Region != "" || g.Zone != "" {
		b.WriteString("[compute]\n")
		if g.Region != "" {
			b.WriteString("region = " + g.Region + "\n")
		}
		if g.Zone != "" {
			b.WriteString("zone = " + g.Zone + "\n")
		}
	}
	b.WriteString("[auth]\naccess_token_file = " + ini(filepath.Join(dir, tokenFileName)) + "\n")
	b.WriteString("[component_manager]\ndisable_update_check = True\n")
	if err := writeIfChanged(filepath.Join(dir, "configurations", "config_"+gcloudConfigName), []byte(b.String())); err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(dir, "active_config"), []byte(gcloudConfigName)); err != nil {
		return err
	}
	tokPath, adcPath := filepath.Join(dir, tokenFileName), filepath.Join(dir, adcFileName)
	tok := cr.Secret(PayloadAccessToken)
	if tok == "" || !cr.Expiration.After(time.Now()) {
		_, _ = auth.RemoveFile(tokPath)
		_, _ = auth.RemoveFile(adcPath)
		return nil
	}
	if err := writeIfChanged(tokPath, []byte(tok+"\n")); err != nil {
		return err
	}
	return writeIfChanged(adcPath, adcJSON(tok, cr.Expiration, g.Project))
}

func printable(r rune) rune {
	if r < ' ' || r == 0x7f {
		return '?'
	}
	return r
}

// adcJSON is the credentials file GOOGLE_APPLICATION_CREDENTIALS names: an
// external_account_authorized_user holding the current token and its
// expiry, and nothing long-lived (no refresh token): Google's Python
// google-auth (gcloud's own, the Python client libraries) uses the token
// until it expires. atmos-auth rewrites it with each renewal.
func adcJSON(tok string, exp time.Time, project string) []byte {
	m := map[string]string{"type": "external_account_authorized_user", "token": tok,
		"expiry": exp.UTC().Format("2006-01-02T15:04:05Z"), "universe_domain": "googleapis.com"}
	if project != "" {
		m["quota_project_id"] = project
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

func writeIfChanged(path string, data []byte) error {
	if old, err := fsutil.ReadRegular(path, int64(len(data))+1); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := auth.WriteFileAtomic(path, data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Verify asks Google's tokeninfo endpoint who the token is (whoami --verify).
func (gcloudEnvironment) Verify(ctx context.Context, s *auth.Step, c *auth.Credentials) (string, string, error) {
	tok := c.Secret(PayloadAccessToken)
	if c == nil || c.Type != CredGCP || tok == "" {
		return "", "", fmt.Errorf("identity %q has no GCP access token to verify", s.Name())
	}
	body, h := formBody(url.Values{"access_token": {tok}})
	ans, err := call(ctx, s, request{Service: "Google OAuth", Op: "tokeninfo", Method: "POST",
		URL: gcpEndpoint(s.Chain, svcOAuth2, s.Auth.Env) + "tokeninfo", Header: h, Body: body,
		Setting: "endpoints.oauth2, CLOUDSDK_AUTH_TOKEN_HOST"})
	if err != nil {
		var ge *googleError
		if errors.As(err, &ge) && ge.HTTP == 400 {
			s.Auth.Invalidate(s)
			return "", "", fmt.Errorf("%s: Google does not know the cached token (%s); it was removed from the cache: run `atmos-auth login -i %s`", config.ChainString(s.Chain), ge.Error(), s.Name())
		}
		return "", "", &auth.StepError{Chain: s.Chain, Err: err}
	}
	var info struct {
		Email string `json:"email"`
		Azp   string `json:"azp"`
		Sub   string `json:"sub"`
	}
	_ = json.Unmarshal(ans, &info)
	who := info.Email
	if who == "" {
		who = info.Azp
	}
	if who == "" {
		who = info.Sub
	}
	return who, c.Account, nil
}

// Logout removes the identity's token files (auth.LogsOut): gcloud and
// client libraries have nothing to use until the next login.
func (gcloudEnvironment) Logout(_ context.Context, s *auth.Step) ([]string, error) {
	a, identity := s.Auth, s.Chain[0].Name
	dir := gcloudDir(a.Config, a.Dirs, identity)
	n := 0
	for _, f := range []string{tokenFileName, adcFileName} {
		if ok, _ := auth.RemoveFile(filepath.Join(dir, f)); ok {
			n++
		}
	}
	if n == 0 {
		return nil, nil
	}
	return []string{"removed the gcloud token files of " + identity}, nil
}
