package aws

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/environ"
)

// The ECS container-credentials protocol (what `exec --server` serves): the
// SDKs' default chains ask AWS_CONTAINER_CREDENTIALS_FULL_URI (http on
// loopback) with the token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, and
// ask again before the Expiration they were given.

// ServedCredentialsOutput is the ECS answer.
func (managedProfile) ServedCredentialsOutput(c *auth.Credentials) ([]byte, error) {
	if c == nil || c.Type != CredAWS {
		return nil, fmt.Errorf("no AWS credentials to serve")
	}
	akid, secret, token := keysOf(c)
	out := map[string]string{"AccessKeyId": akid, "SecretAccessKey": secret, "Token": token}
	if !c.Expiration.IsZero() {
		out["Expiration"] = c.Expiration.UTC().Format(time.RFC3339)
	}
	if c.Principal != "" {
		out["RoleArn"] = c.Principal
	}
	return json.Marshal(out)
}

// ServerEnvironment points the SDKs at the endpoint: the profile (whose
// credential_process would come first in their chains) is dropped; the
// managed files stay for the region and the rest.
func (managedProfile) ServerEnvironment(url, tokenFile string, env *environ.Environment) {
	env.UnsetVar("AWS_PROFILE")
	env.UnsetVar("AWS_DEFAULT_PROFILE")
	env.UnsetVar("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
	env.UnsetVar("AWS_CONTAINER_AUTHORIZATION_TOKEN")
	env.SetVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)
	env.SetVar("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile)
}
