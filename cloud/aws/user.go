package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/keyring"
)

var awsUserKind = &config.KindInfo{Name: "aws/user", Role: config.RoleIdentity, Cloud: "aws",
	Produces: CredAWS, Standalone: true, New: func() any { return &AWSUser{} }}

// AWSUser is a break-glass IAM user with static keys (from config, usually
// !env, or from the keyring via `atmos-auth user configure`).
type AWSUser struct {
	config.IdentityBase `yaml:",inline"`
	managedProfile      `yaml:",inline"`
	Credentials         struct {
		AccessKeyID     string `yaml:"access_key_id"`
		SecretAccessKey string `yaml:"secret_access_key"`
		Region          string `yaml:"region"`
		MFAARN          string `yaml:"mfa_arn"`
	} `yaml:"credentials"`
	Session SessionSpec     `yaml:"session"`
	Spec    AWSEndpointSpec `yaml:"spec"`
}

func (s *AWSUser) Validate(c *config.Checker) {
	cr := s.Credentials
	// Both keys or neither (then they come from the keyring). A key whose
	// !env variable is unset is reported at login, not here.
	if c.Has("credentials.access_key_id") != c.Has("credentials.secret_access_key") {
		c.Errf("credentials", "set both, or neither to use keys stored with `atmos-auth user configure`",
			"credentials.access_key_id and credentials.secret_access_key must be set together")
	}
	checkRegion(c, "credentials.region", cr.Region)
	c.Match("credentials.mfa_arn", cr.MFAARN, reMFAARN, "MFA device ARN", "arn:aws:iam::123456789012:mfa/username")
	c.DurationRange("session.duration", s.Session.Duration, 15*time.Minute, 36*time.Hour)
	s.Spec.check(c, "spec")
}

// KeyringUserKind is the keyring envelope kind of IAM user keys stored by
// `atmos-auth user configure`.
const KeyringUserKind = "aws/user-keys"

// UserKeysKey is the keyring key of an aws/user identity's keys in the
// project of c: keys stored in one project are never used by another
// project's identity of the same name.
func UserKeysKey(c *config.Config, identity string) string {
	return auth.ProjectKeyringKey(c, KeyringUserKind, identity)
}

// LegacyUserKeysKey is where versions before project scoping stored an
// identity's keys, shared by every project with an identity of that name.
// It is never used to authenticate; `user configure` must be re-run in each
// project, and `user remove` deletes it.
func LegacyUserKeysKey(identity string) string { return keyring.Key(KeyringUserKind, identity) }

// NewUserKeys is the keyring entry `user configure` stores for an aws/user
// identity: its keys, bound to the STS endpoint the identity resolves to now
// (getenv supplies the AWS_ENDPOINT_URL* variables). They are only ever
// sent there: if the configuration later points the identity elsewhere,
// the keys must be stored again.
func NewUserKeys(c *config.Config, identity string, getenv func(string) string, accessKeyID, secretAccessKey, mfaARN string) (keyring.Envelope, error) {
	chain, err := c.Chain(identity)
	if err != nil {
		return keyring.Envelope{}, err
	}
	data := map[string]string{"access_key_id": accessKeyID, "secret_access_key": secretAccessKey,
		"sts_endpoint": awsEndpoint(chain, svcSTS, getenv)}
	if mfaARN != "" {
		data["mfa_arn"] = mfaARN
	}
	return keyring.Envelope{Kind: KeyringUserKind, Data: data}, nil
}

// noStoredKeys explains a missing keyring entry, naming an unscoped legacy
// entry of the same name when there is one.
func noStoredKeys(ks keyring.Store, identity string) error {
	if _, err := ks.Get(LegacyUserKeysKey(identity)); err == nil {
		return fmt.Errorf("the keys of %q in the keyring were stored by an older atmos-auth for every project and are no longer used: run `atmos-auth user configure -i %s` in this project (and `atmos-auth user remove -i %s` to delete the old entry)", identity, identity, identity)
	}
	return fmt.Errorf("no keys stored: run `atmos-auth user configure -i %s`, or set credentials.access_key_id and secret_access_key", identity)
}

// authenticate turns the user's long-lived keys (config, usually !env, or
// the keyring) into session credentials with GetSessionToken, with an MFA
// code when mfa_arn is set. The long-lived keys never reach a program.
func (s *AWSUser) Authenticate(ctx context.Context, st *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	akid, secret, mfa, err := s.longTermKeys(st)
	if err != nil {
		return nil, err
	}
	in := params("DurationSeconds", seconds(s.Session.Duration.Duration))
	if mfa != "" {
		code, err := st.Auth.Prompter().MFACode(st.Name(), mfa)
		if err != nil {
			return nil, err
		}
		in.Set("SerialNumber", mfa)
		in.Set("TokenCode", strings.TrimSpace(code))
	}
	c, err := stepSTS(st, awsKeys(akid, secret, "")).getSessionToken(ctx, in)
	if err != nil {
		if errors.Is(err, auth.ErrCredentialsRefused) {
			return nil, fmt.Errorf("%s: the access keys were refused (revoked or deleted?): store valid ones with `atmos-auth user configure -i %s` or fix credentials.access_key_id", auth.ErrSummary(err), st.Name())
		}
		return nil, err
	}
	c.Region = stepRegion(st)
	c.Role = "IAM user"
	if mfa != "" {
		c.Account = arnAccount(mfa)
		c.Principal = strings.Replace(mfa, ":mfa/", ":user/", 1)
	}
	return c, nil
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *AWSUser) Describe() string {
	d := "IAM user"
	if s.Credentials.MFAARN != "" {
		d += " with MFA"
	}
	return d
}

// RegionName is the region this step names ("" for none).
func (s *AWSUser) RegionName() string { return s.Credentials.Region }

// SecretFields: `user configure` reads the access key id, the secret
// (hidden on a terminal) and an optional MFA device ARN.
func (*AWSUser) SecretFields() []auth.SecretField {
	return []auth.SecretField{
		{Name: "access_key_id", Prompt: "AWS access key id"},
		{Name: "secret_access_key", Prompt: "AWS secret access key", Hidden: true},
		{Name: "mfa_arn", Prompt: "MFA device ARN", Optional: true},
	}
}

// StoredKeys is the keyring entry of the keys, in this project, bound to
// the STS endpoint the identity resolves to now (see NewUserKeys).
func (*AWSUser) StoredKeys(s *auth.Step, v map[string]string) (string, keyring.Envelope, error) {
	e, err := NewUserKeys(s.Auth.Config, s.Name(), s.Auth.Env, v["access_key_id"], v["secret_access_key"], v["mfa_arn"])
	return UserKeysKey(s.Auth.Config, s.Name()), e, err
}

// KeyringKeys: this project's entry, then the unscoped one of older
// versions.
func (*AWSUser) KeyringKeys(s *auth.Step) []string {
	return []string{UserKeysKey(s.Auth.Config, s.Name()), LegacyUserKeysKey(s.Name())}
}

// longTermKeys are the user's access keys (the configuration's, else the
// keyring's, bound to the STS endpoint they were stored for) and MFA ARN.
func (s *AWSUser) longTermKeys(st *auth.Step) (akid, secret, mfa string, err error) {
	cr := s.Credentials
	akid, secret, mfa = cr.AccessKeyID, cr.SecretAccessKey, cr.MFAARN
	switch {
	case akid == "" && secret == "":
		ks, err := st.Auth.Keyring()
		if err != nil {
			return "", "", "", fmt.Errorf("no keys in the configuration and the keyring is unavailable: %w", err)
		}
		e, err := ks.Get(UserKeysKey(st.Auth.Config, st.Name()))
		if errors.Is(err, keyring.ErrNotFound) {
			return "", "", "", noStoredKeys(ks, st.Name())
		}
		if err != nil {
			return "", "", "", err
		}
		if bound, now := e.Data["sts_endpoint"], stepEndpoint(st, svcSTS); bound != now {
			return "", "", "", fmt.Errorf("the keys of %s were stored for %s and the configuration now sends them to %s: they are not sent there; if that endpoint is right, run `atmos-auth user configure -i %s` again", st.Name(), orAWS(bound), orAWS(now), st.Name())
		}
		akid, secret = e.Data["access_key_id"], e.Data["secret_access_key"]
		if mfa == "" {
			mfa = e.Data["mfa_arn"]
		}
	case akid == "" || secret == "":
		return "", "", "", fmt.Errorf("credentials.access_key_id or secret_access_key is empty (is its !env variable set?)")
	}
	return akid, secret, mfa, nil
}
