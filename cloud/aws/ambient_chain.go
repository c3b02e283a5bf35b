package aws

import (
	"context"
	"fmt"
	"strings"

	"github.com/atmos-auth/atmos-auth/auth"
)

// ambientCreds are what one source of the default chain resolved: keys
// (Expiration zero when they do not expire), the account when the source
// tells it, and the SDK's name for the source ("EnvConfigCredentials",
// "AssumeRoleProvider", …), which the step shows as its role.
type ambientCreds struct {
	creds   *auth.Credentials
	account string
	source  string
}

// ambientResolver walks the AWS default credential chain in the order of
// the Go SDK v2's config.LoadDefaultConfig, without its packages (whose
// init is most of this program's start-up):
//
//  1. AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (ambient_env.go);
//  2. AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (ambient_env.go);
//  3. the profile of the shared files (ambient_profile.go), whose
//     credentials come from static keys, a source profile, a
//     credential_source, a web identity token file, IAM Identity Center
//     (ambient_sso.go) or a credential_process (ambient_process.go) —
//     and when the profile says nothing of credentials,
//  4. the ECS/EKS container endpoint (ambient_container.go), else
//  5. IMDSv2 (ambient_imds.go).
//
// The environment is read only through the step's authenticator (the
// hook's base environment, not this process's).
type ambientResolver struct {
	st      *auth.Step
	a       *auth.Authenticator
	getenv  func(string) string
	files   *sharedFiles
	profile string // the profile of the shared files
	// explicit: the profile was named by AWS_PROFILE/AWS_DEFAULT_PROFILE,
	// so that its absence is an error rather than "no profile".
	explicit bool
	region   string // the region of the result and of the STS calls
	filesErr error  // why the shared files could not be read
}

func newAmbientResolver(st *auth.Step, region string) *ambientResolver {
	r := &ambientResolver{st: st, a: st.Auth, getenv: st.Auth.Env, profile: "default"}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if p := strings.TrimSpace(r.getenv(k)); p != "" {
			r.profile, r.explicit = p, true
			break
		}
	}
	files, err := loadSharedFiles(r.getenv)
	if err != nil {
		// As the SDK: an unreadable file matters only when the chain gets
		// to the profile (environment keys come first).
		r.filesErr, files = err, &sharedFiles{}
	}
	r.files = files
	for _, v := range []string{region, r.getenv("AWS_REGION"), r.getenv("AWS_DEFAULT_REGION"), files.profiles[r.profile]["region"].value} {
		if v != "" {
			r.region = v
			break
		}
	}
	if r.region == "" {
		r.region = stepRegion(st)
	}
	return r
}

// resolve returns the first source's credentials, or why none.
func (r *ambientResolver) resolve(ctx context.Context) (*ambientCreds, error) {
	if c := r.envKeys(); c != nil {
		return c, nil
	}
	if file := r.getenv("AWS_WEB_IDENTITY_TOKEN_FILE"); file != "" {
		return r.webIdentity(ctx, file, r.getenv("AWS_ROLE_ARN"), r.getenv("AWS_ROLE_SESSION_NAME"), "AWS_WEB_IDENTITY_TOKEN_FILE")
	}
	if r.filesErr != nil {
		return nil, r.filesErr
	}
	if _, ok := r.files.profiles[r.profile]; !ok {
		if r.explicit {
			return nil, fmt.Errorf("the AWS profile %q (AWS_PROFILE/AWS_DEFAULT_PROFILE) is in neither %s: add it, or unset the variable", r.profile, r.files.where())
		}
		return r.fallback(ctx)
	}
	return r.fromProfile(ctx, r.profile, map[string]bool{})
}

// fallback is what a profile without credentials settings gets: the
// container endpoint when its variables are set, else IMDS.
func (r *ambientResolver) fallback(ctx context.Context) (*ambientCreds, error) {
	if r.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != "" || r.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != "" {
		return r.container(ctx)
	}
	return r.imds(ctx)
}

// sts is the STS client of the resolution: its region, the step's STS
// endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL), signed with creds
// (nil: unsigned).
func (r *ambientResolver) sts(creds *auth.Credentials) stsClient {
	return stsClient{a: r.a, region: r.region, endpoint: stepEndpoint(r.st, svcSTS), creds: creds}
}
