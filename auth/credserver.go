package auth

import "github.com/atmos-auth/atmos-auth/environ"

// ServedCredentials is implemented by identities whose credentials a local
// endpoint can serve to a child process (`exec --server`): a run that
// outlives its first credentials asks again and gets renewed ones.
type ServedCredentials interface {
	// ServedCredentialsOutput is the body of one answer.
	ServedCredentialsOutput(c *Credentials) ([]byte, error)
	// ServerEnvironment points the child's SDKs at the endpoint url, with
	// the authorization token in the file tokenFile.
	ServerEnvironment(url, tokenFile string, env *environ.Environment)
}
