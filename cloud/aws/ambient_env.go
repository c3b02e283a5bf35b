package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// envKeys are the keys of AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or the
// older AWS_ACCESS_KEY/AWS_SECRET_KEY) with AWS_SESSION_TOKEN and
// AWS_ACCOUNT_ID; nil unless both keys are set.
func (r *ambientResolver) envKeys() *ambientCreds {
	id, secret := r.getenv("AWS_ACCESS_KEY_ID"), r.getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" {
		id = r.getenv("AWS_ACCESS_KEY")
	}
	if secret == "" {
		secret = r.getenv("AWS_SECRET_KEY")
	}
	if id == "" || secret == "" {
		return nil
	}
	return &ambientCreds{creds: awsKeys(id, secret, r.getenv("AWS_SESSION_TOKEN")), account: r.getenv("AWS_ACCOUNT_ID"),
		source: "EnvConfigCredentials"}
}

// maxTokenFile bounds a web identity or authorization token file.
const maxTokenFile = 64 << 10

// webIdentity exchanges the token in file for the role's credentials
// (STS AssumeRoleWithWebIdentity, unsigned); what names the setting, for
// messages.
func (r *ambientResolver) webIdentity(ctx context.Context, file, roleARN, session, what string) (*ambientCreds, error) {
	if roleARN == "" {
		return nil, fmt.Errorf("%s is set but no role ARN (AWS_ROLE_ARN, or role_arn in the profile): set it", what)
	}
	tok, err := readTokenFile(file, what)
	if err != nil {
		return nil, err
	}
	if session == "" {
		session = fmt.Sprintf("atmos-auth-%d", r.a.Now().UnixNano())
	}
	c, err := r.sts(nil).assumeRoleWithWebIdentity(ctx, params("RoleArn", roleARN, "RoleSessionName", session, "WebIdentityToken", tok))
	if err != nil {
		return nil, fmt.Errorf("web identity token %s (%s): %w", file, what, err)
	}
	return &ambientCreds{creds: c, account: arnAccount(c.Principal), source: "WebIdentityCredentials"}, nil
}

// readTokenFile reads a token file (a regular file only: a FIFO or device
// would hang or never end), bounded, without its surrounding space.
func readTokenFile(file, what string) (string, error) {
	b, err := fsutil.ReadRegular(file, maxTokenFile)
	switch {
	case errors.Is(err, fsutil.ErrTooLarge):
		return "", fmt.Errorf("the token file %s (%s) is larger than %d bytes: is it the right file?", file, what, maxTokenFile)
	case err != nil:
		return "", fmt.Errorf("read the token file of %s: %w", what, err)
	}
	return strings.TrimSpace(string(b)), nil
}
