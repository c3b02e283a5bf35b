package aws

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// profileView reads one merged profile.
type profileView struct {
	name string
	sec  iniSection
}

func (p profileView) get(k string) string { return p.sec[k].value }

// bad is an error about key k of the profile, naming its file and line.
func (p profileView) bad(k, format string, a ...any) error {
	return fmt.Errorf("%s: profile %q, %s: %s", p.sec[k].at(), p.name, k, fmt.Sprintf(format, a...))
}

// staticKeys are the profile's aws_access_key_id/aws_secret_access_key
// (nil unless both are set).
func (p profileView) staticKeys() *ambientCreds {
	id, secret := p.get("aws_access_key_id"), p.get("aws_secret_access_key")
	if id == "" || secret == "" {
		return nil
	}
	return &ambientCreds{creds: awsKeys(id, secret, p.get("aws_session_token")), account: p.get("aws_account_id"),
		source: "SharedConfigCredentials: " + p.sec["aws_access_key_id"].file}
}

func (p profileView) hasSSO() bool {
	return p.get("sso_session") != "" || p.get("sso_start_url") != "" || p.get("sso_region") != "" ||
		p.get("sso_account_id") != "" || p.get("sso_role_name") != ""
}

// fromProfile resolves a profile as the SDK does: its base credentials
// (a source profile, static keys, a credential_source, a web identity
// token file, IAM Identity Center, a credential_process, else the
// container endpoint or IMDS), then its role_arn assumed with them.
// seen holds the profiles of the source_profile chain so far.
func (r *ambientResolver) fromProfile(ctx context.Context, name string, seen map[string]bool) (*ambientCreds, error) {
	sec, ok := r.files.profiles[name]
	if !ok {
		return nil, fmt.Errorf("the AWS profile %q is in neither %s", name, r.files.where())
	}
	p := profileView{name: name, sec: sec}
	roleARN := p.get("role_arn")
	if roleARN != "" && p.get("mfa_serial") != "" {
		return nil, p.bad("mfa_serial", "assuming the role needs an MFA code typed at a terminal, which an aws/ambient identity cannot ask for: use an aws/assume-role identity with its mfa settings, or a profile without mfa_serial")
	}
	n := 0
	for _, k := range []string{"source_profile", "credential_source", "credential_process", "web_identity_token_file"} {
		if p.get(k) != "" {
			n++
		}
	}
	if n > 1 {
		return nil, fmt.Errorf("profile %q in %s: only one of source_profile, credential_source, credential_process and web_identity_token_file may be set", p.name, r.files.where())
	}
	if (p.get("aws_access_key_id") == "") != (p.get("aws_secret_access_key") == "") {
		return nil, fmt.Errorf("profile %q in %s has only one of aws_access_key_id and aws_secret_access_key: give it both, or neither", name, r.files.where())
	}
	var base *ambientCreds
	if len(seen) > 0 {
		if !p.hasCredentials() {
			return nil, fmt.Errorf("profile %q, a source_profile in %s, has no credentials: give it keys or a credential setting", name, r.files.where())
		}
		// As in the SDK, a source profile with keys assumes its own
		// role_arn (if any) with them, whatever its source_profile says.
		base = p.staticKeys()
	}
	seen[name] = true
	if base == nil {
		if p.get("web_identity_token_file") != "" {
			// The token's role is the profile's role: nothing more to assume.
			return r.webIdentity(ctx, p.get("web_identity_token_file"), roleARN, p.get("role_session_name"),
				fmt.Sprintf("web_identity_token_file of profile %q", name))
		}
		var err error
		if base, err = r.profileBase(ctx, p, seen); err != nil {
			return nil, err
		}
	}
	if roleARN == "" {
		return base, nil
	}
	return r.assumeRole(ctx, p, base)
}

// profileBase is the credentials a profile's role is assumed with (or the
// profile's credentials when it names no role).
func (r *ambientResolver) profileBase(ctx context.Context, p profileView, seen map[string]bool) (*ambientCreds, error) {
	switch src := p.get("source_profile"); {
	case src != "":
		if src == p.name && p.staticKeys() != nil {
			return p.staticKeys(), nil // a profile that assumes its role with its own keys
		}
		if seen[src] {
			return nil, p.bad("source_profile", "%q leads back to a profile of the chain, a cycle: break it", src)
		}
		base, err := r.fromProfile(ctx, src, seen)
		if err != nil {
			return nil, fmt.Errorf("source_profile of profile %q: %w", p.name, err)
		}
		return base, nil
	case p.staticKeys() != nil:
		return p.staticKeys(), nil
	case p.get("credential_source") != "":
		return r.credentialSource(ctx, p)
	case p.hasSSO():
		return r.sso(ctx, p)
	case p.get("login_session") != "":
		return nil, p.bad("login_session", "`aws login` sessions are not supported by aws/ambient: use an IAM Identity Center profile, a credential_process, or an atmos-auth identity")
	case p.get("credential_process") != "":
		return r.process(ctx, p)
	}
	return r.fallback(ctx)
}

// hasCredentials: the profile can be a source profile.
func (p profileView) hasCredentials() bool {
	for _, k := range []string{"source_profile", "credential_source", "credential_process", "web_identity_token_file"} {
		if p.get(k) != "" {
			return true
		}
	}
	return p.hasSSO() || p.staticKeys() != nil
}

// credentialSource is the base of credential_source = Environment,
// Ec2InstanceMetadata or EcsContainer.
func (r *ambientResolver) credentialSource(ctx context.Context, p profileView) (*ambientCreds, error) {
	switch p.get("credential_source") {
	case "Environment":
		if c := r.envKeys(); c != nil {
			return c, nil
		}
		return nil, p.bad("credential_source", "Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set")
	case "Ec2InstanceMetadata":
		return r.imds(ctx)
	case "EcsContainer":
		if r.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") == "" && r.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") == "" {
			return nil, p.bad("credential_source", "EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
		}
		return r.container(ctx)
	}
	return nil, p.bad("credential_source", "%q is not one of Environment, Ec2InstanceMetadata, EcsContainer", p.get("credential_source"))
}

// assumeRole assumes the profile's role_arn with base, as the SDK's
// AssumeRoleProvider does: role_session_name (else a generated one),
// external_id, and duration_seconds when over 15 minutes (else 15 minutes).
func (r *ambientResolver) assumeRole(ctx context.Context, p profileView, base *ambientCreds) (*ambientCreds, error) {
	dur := 15 * time.Minute
	if s := p.get("duration_seconds"); s != "" {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return nil, p.bad("duration_seconds", "%q is not a number of seconds", s)
		}
		if d := time.Duration(n) * time.Second; d/time.Minute > 15 {
			dur = d
		}
	}
	session := p.get("role_session_name")
	if session == "" {
		session = fmt.Sprintf("atmos-auth-%d", r.a.Now().UnixNano())
	}
	c, err := r.sts(base.creds).assumeRole(ctx, params("RoleArn", p.get("role_arn"), "RoleSessionName", session,
		"ExternalId", p.get("external_id"), "DurationSeconds", seconds(dur)))
	if err != nil {
		return nil, fmt.Errorf("role_arn of profile %q (%s) with credentials from %s: %w", p.name, p.sec["role_arn"].at(), base.source, err)
	}
	return &ambientCreds{creds: c, account: arnAccount(c.Principal), source: "AssumeRoleProvider"}, nil
}
