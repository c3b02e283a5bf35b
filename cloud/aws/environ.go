package aws

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
)

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
// <config dir>/aws/<ConfigKey>/ (never the realm's: two projects of one
// realm share credentials, not profiles). Each atmos.yaml (and profile set) has its
// own pair — its profiles name that file in their credential_process — so a
// shell in one project never reads profiles another project wrote under the
// same identity names.
func ManagedAWSFiles(c *config.Config, d config.Dirs) AWSFiles {
	dir := filepath.Join(d.Config, "aws", auth.ConfigKey(c))
	return AWSFiles{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
}

// AWSRegion returns the region for a chain: the nearest step that names one,
// from the identity towards its provider (a github/oidc provider's region
// is where STS exchanges its token).
func AWSRegion(chain []*config.Entry) string { return auth.ChainRegion(chain) }

// awsIsolatedEnvironment is the environment of every AWS kind but the
// ambient ones: clear ambient credentials, point the SDKs at the managed
// files and profile, disable IMDS, export region and expiry.
func awsIsolatedEnvironment(c *auth.EnvContext, env *environ.Environment) {
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

// aws/ambient leaves the SDK's default chain alone: only a region override.
func (s *AWSAmbient) Environment(c *auth.EnvContext, env *environ.Environment) {
	if r := s.Principal.Region; r != "" {
		env.SetVar("AWS_REGION", r)
		env.SetVar("AWS_DEFAULT_REGION", r)
	}
}

// managedProfile is embedded by the AWS identities that isolate the
// environment and serve their credentials through a managed profile —
// every AWS identity but aws/ambient. It is their capabilities: the
// environment, the managed files, the credential_process answer, STS
// verification and the endpoint binding of their cached steps. It has no
// fields, so it adds nothing to the spec's YAML or fingerprint.
type managedProfile struct{}

func (managedProfile) Environment(c *auth.EnvContext, env *environ.Environment) {
	awsIsolatedEnvironment(c, env)
}
func (managedProfile) Prepare(c *auth.EnvContext) error { return prepareProfiles(c) }
func (managedProfile) CredentialProcessOutput(c *auth.Credentials) ([]byte, error) {
	return processOutput(c)
}

// SecretEnv: the keys themselves and their expiry, without the managed
// profile (a container or an old tool cannot run our credential_process).
func (managedProfile) SecretEnv(c *auth.Credentials) (map[string]string, []string, error) {
	if c == nil || c.Type != CredAWS {
		return nil, nil, fmt.Errorf("no AWS credentials to export")
	}
	set := map[string]string{}
	set["AWS_ACCESS_KEY_ID"], set["AWS_SECRET_ACCESS_KEY"], set["AWS_SESSION_TOKEN"] = keysOf(c)
	if set["AWS_SESSION_TOKEN"] == "" {
		delete(set, "AWS_SESSION_TOKEN")
	}
	if !c.Expiration.IsZero() {
		set["AWS_CREDENTIAL_EXPIRATION"] = c.Expiration.UTC().Format(time.RFC3339)
	}
	return set, []string{"AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, nil
}

// Verify asks AWS STS who the credentials are (whoami --verify).
func (managedProfile) Verify(ctx context.Context, s *auth.Step, c *auth.Credentials) (string, string, error) {
	return verifySTS(ctx, s, c)
}
func (managedProfile) Binding(chain []*config.Entry, getenv config.Env) string {
	return awsBinding(chain, getenv)
}
func (managedProfile) hasManagedProfile() {}

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

// The identities with a managed profile have every capability it gives.
var (
	_ profileCaps = (*AWSPermissionSet)(nil)
	_ profileCaps = (*AWSAssumeRole)(nil)
	_ profileCaps = (*AWSAssumeRoot)(nil)
	_ profileCaps = (*AWSUser)(nil)
)

type profileCaps interface {
	auth.EnvProducer
	auth.Preparer
	auth.CredentialProcess
	auth.Verifier
	auth.Bound
}
