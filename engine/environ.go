package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
)

// EnvContext is what computing an identity's environment needs. It holds no
// secrets: credentials reach programs through the managed AWS config's
// credential_process (see AWSFiles), never through the environment.
type EnvContext struct {
	Config *config.Config
	Dirs   config.Dirs
	// Chain is the identity's chain, identity first (see Config.Chain).
	Chain []*config.Entry
	// Expiration is when the identity's cached credentials expire (zero
	// when unknown); exported as AWS_CREDENTIAL_EXPIRATION for prompts.
	Expiration time.Time
}

// EnvProducer is implemented by identity kinds: it adds the kind's
// variables to env. Kinds without it produce only ATMOS_IDENTITY.
type EnvProducer interface {
	Environment(c *EnvContext, env *environ.Environment)
}

// IdentityEnvironment returns the environment an identity produces: the
// variables it sets and those it clears. It reads no network and no
// keyring, so the prompt hook and `env` can call it cheaply.
func IdentityEnvironment(c *EnvContext) (*environ.Environment, error) {
	if len(c.Chain) == 0 {
		return nil, fmt.Errorf("empty chain")
	}
	id := c.Chain[0]
	env := environ.New()
	if p, ok := id.Spec.(EnvProducer); ok {
		p.Environment(c, env)
	}
	env.SetVar("ATMOS_IDENTITY", id.Name)
	return env, nil
}

// AWSCredentialVars are cleared by every isolating AWS identity so that
// nothing ambient leaks into the managed profile.
var AWSCredentialVars = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
}

// AWSFiles are the shared config and credentials files atmos-auth manages.
// The config file holds one profile per identity whose credential_process
// points back at atmos-auth, which serves cached credentials and refreshes
// them when needed: a long-lived shell never holds stale keys. The
// credentials file is managed too (and holds no static keys for managed
// profiles) so that ~/.aws/credentials cannot shadow them.
type AWSFiles struct {
	Config      string
	Credentials string
}

// ManagedAWSFiles returns the managed file paths for one configuration:
// <config dir>/aws/<configKey>/. Each atmos.yaml (and profile set) has its
// own pair — its profiles name that file in their credential_process — so a
// shell in one project never reads profiles another project wrote under the
// same identity names.
func ManagedAWSFiles(c *config.Config, d config.Dirs) AWSFiles {
	dir := filepath.Join(d.Config, "aws", configKey(c))
	return AWSFiles{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
}

// ProjectKey is the scope of everything a login leaves behind: the cache
// directory (session credentials, SSO tokens, provisioned identities,
// locks) and every keyring entry (SSO sessions, IAM user keys), so one
// repository's configuration never reaches the secrets another project
// obtained. Today a project is one configuration (configKey); a scope
// shared on purpose (a realm) replaces it here, in this one place.
func ProjectKey(c *config.Config) string { return configKey(c) }

// configKey names one configuration: "<directory name>-<hash>" of its
// absolute atmos.yaml path and active profiles. The 96-bit hash is long
// enough that a hostile repository cannot choose a path (or profile set)
// colliding with another project's key.
func configKey(c *config.Config) string {
	if c == nil || c.AbsPath == "" {
		return "default"
	}
	h := sha256.Sum256([]byte(c.AbsPath + "\x00" + strings.Join(c.Profiles, ",")))
	name := filepath.Base(filepath.Dir(c.AbsPath))
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, name)
	if len(clean) > 24 {
		clean = clean[:24]
	}
	return clean + "-" + hex.EncodeToString(h[:12])
}

// AWSRegion returns the region for a chain: the nearest step that names one,
// from the identity towards its provider.
func AWSRegion(chain []*config.Entry) string {
	for _, e := range chain {
		if r := awsRegionOf(e); r != "" {
			return r
		}
	}
	return ""
}

// AWSRegioner is implemented by kinds that name an AWS region: the AWS
// kinds, and providers whose tokens AWS STS consumes.
type AWSRegioner interface{ AWSRegion() string }

func awsRegionOf(e *config.Entry) string {
	if r, ok := e.Spec.(AWSRegioner); ok {
		return r.AWSRegion()
	}
	return ""
}

// awsIsolatedEnvironment is the environment of every AWS kind but the
// ambient ones: clear ambient credentials, point the SDKs at the managed
// files and profile, disable IMDS, export region and expiry.
func awsIsolatedEnvironment(c *EnvContext, env *environ.Environment) {
	for _, v := range AWSCredentialVars {
		env.UnsetVar(v)
	}
	f := ManagedAWSFiles(c.Config, c.Dirs)
	env.SetVar("AWS_CONFIG_FILE", f.Config)
	env.SetVar("AWS_SHARED_CREDENTIALS_FILE", f.Credentials)
	env.SetVar("AWS_PROFILE", c.Chain[0].Name)
	env.UnsetVar("AWS_DEFAULT_PROFILE")
	env.SetVar("AWS_EC2_METADATA_DISABLED", "true")
	if r := AWSRegion(c.Chain); r != "" {
		env.SetVar("AWS_REGION", r)
		env.SetVar("AWS_DEFAULT_REGION", r)
	}
	if !c.Expiration.IsZero() {
		env.SetVar("AWS_CREDENTIAL_EXPIRATION", c.Expiration.UTC().Format(time.RFC3339))
	} else {
		env.UnsetVar("AWS_CREDENTIAL_EXPIRATION")
	}
}

func (s *AWSPermissionSet) Environment(c *EnvContext, env *environ.Environment) {
	awsIsolatedEnvironment(c, env)
}
func (s *AWSAssumeRole) Environment(c *EnvContext, env *environ.Environment) {
	awsIsolatedEnvironment(c, env)
}
func (s *AWSAssumeRoot) Environment(c *EnvContext, env *environ.Environment) {
	awsIsolatedEnvironment(c, env)
}
func (s *AWSUser) Environment(c *EnvContext, env *environ.Environment) {
	awsIsolatedEnvironment(c, env)
}

// aws/ambient leaves the SDK's default chain alone: only a region override.
func (s *AWSAmbient) Environment(c *EnvContext, env *environ.Environment) {
	if r := s.Principal.Region; r != "" {
		env.SetVar("AWS_REGION", r)
		env.SetVar("AWS_DEFAULT_REGION", r)
	}
}

func (s *GCPProject) Environment(c *EnvContext, env *environ.Environment) {
	p := s.Principal
	env.SetVar("GOOGLE_CLOUD_PROJECT", p.ProjectID)
	env.SetVar("CLOUDSDK_CORE_PROJECT", p.ProjectID)
	env.SetVar("GCLOUD_PROJECT", p.ProjectID)
	if p.Region != "" {
		env.SetVar("GOOGLE_CLOUD_REGION", p.Region)
		env.SetVar("CLOUDSDK_COMPUTE_REGION", p.Region)
	}
	if p.Zone != "" {
		env.SetVar("GOOGLE_CLOUD_ZONE", p.Zone)
		env.SetVar("CLOUDSDK_COMPUTE_ZONE", p.Zone)
	}
}

func (s *GCPServiceAccount) Environment(c *EnvContext, env *environ.Environment) {
	if p := s.Principal.ProjectID; p != "" {
		env.SetVar("GOOGLE_CLOUD_PROJECT", p)
		env.SetVar("CLOUDSDK_CORE_PROJECT", p)
	}
	env.SetVar("CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT", s.Principal.ServiceAccountEmail)
}

func (s *AzureSubscription) Environment(c *EnvContext, env *environ.Environment) {
	p := s.Principal
	env.SetVar("AZURE_SUBSCRIPTION_ID", p.SubscriptionID)
	env.SetVar("ARM_SUBSCRIPTION_ID", p.SubscriptionID)
	if tenant := azureTenant(c.Chain); tenant != "" {
		env.SetVar("AZURE_TENANT_ID", tenant)
		env.SetVar("ARM_TENANT_ID", tenant)
	}
	if p.Location != "" {
		env.SetVar("AZURE_LOCATION", p.Location)
	}
	if p.ResourceGroup != "" {
		env.SetVar("AZURE_RESOURCE_GROUP", p.ResourceGroup)
	}
}

func azureTenant(chain []*config.Entry) string {
	for _, e := range chain {
		switch s := e.Spec.(type) {
		case *AzureProvider:
			return s.Spec.TenantID
		case *AzureOIDCProvider:
			return s.Spec.TenantID
		}
	}
	return ""
}

func (*AWSPermissionSet) managedProfile() {}
func (*AWSAssumeRole) managedProfile()    {}
func (*AWSAssumeRoot) managedProfile()    {}
func (*AWSUser) managedProfile()          {}

func (*AWSPermissionSet) Binding(chain []*config.Entry, getenv config.Env) string {
	return awsBinding(chain, getenv)
}
func (*AWSAssumeRole) Binding(chain []*config.Entry, getenv config.Env) string {
	return awsBinding(chain, getenv)
}
func (*AWSAssumeRoot) Binding(chain []*config.Entry, getenv config.Env) string {
	return awsBinding(chain, getenv)
}
func (*AWSUser) Binding(chain []*config.Entry, getenv config.Env) string {
	return awsBinding(chain, getenv)
}

// awsBinding: the endpoints every step of the chain resolves to now for
// the services a chain uses.
func awsBinding(chain []*config.Entry, getenv config.Env) string {
	var b strings.Builder
	for i := range chain {
		for _, svc := range []string{svcSTS, svcSSO, svcSSOOIDC} {
			b.WriteString(awsEndpoint(chain[i:], svc, getenv))
			b.WriteByte(0)
		}
	}
	return b.String()
}

// orAWS renders an endpoint for a message ("" is AWS's own).
func orAWS(endpoint string) string {
	if endpoint == "" {
		return "the AWS endpoint"
	}
	return strconv.Quote(endpoint)
}
