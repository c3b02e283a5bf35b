package aws

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"
)

// sso resolves an IAM Identity Center profile (an sso_session naming an
// "[sso-session x]" section, or the legacy sso_start_url/sso_region) from
// the token `aws sso login` cached; the token is not refreshed here.
func (r *ambientResolver) sso(ctx context.Context, p profileView) (*ambientCreds, error) {
	var region, startURL, cacheKey, login string
	if name := p.get("sso_session"); name != "" {
		sess, ok := r.files.ssoSessions[name]
		if !ok {
			return nil, p.bad("sso_session", "there is no [sso-session %s] section in %s: add it", name, r.files.configPath)
		}
		region, startURL, cacheKey = sess["sso_region"].value, sess["sso_start_url"].value, name
		if region == "" || startURL == "" {
			return nil, fmt.Errorf("[sso-session %s] in %s needs sso_region and sso_start_url", name, r.files.configPath)
		}
	} else {
		region, startURL, cacheKey = p.get("sso_region"), p.get("sso_start_url"), p.get("sso_start_url")
		if region == "" || startURL == "" {
			return nil, fmt.Errorf("profile %q in %s: IAM Identity Center needs sso_session, or sso_start_url and sso_region", p.name, r.files.where())
		}
	}
	account, role := p.get("sso_account_id"), p.get("sso_role_name")
	if account == "" || role == "" {
		return nil, fmt.Errorf("profile %q in %s: IAM Identity Center needs sso_account_id and sso_role_name", p.name, r.files.where())
	}
	login = fmt.Sprintf("run `aws sso login --profile %s`", p.name)
	sum := sha1.Sum([]byte(cacheKey))
	file := filepath.Join(homeDir(r.getenv), ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
	data, err := readTokenFile(file, "the IAM Identity Center token cache of "+startURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, login)
	}
	var tok struct {
		AccessToken string `json:"accessToken"`
		ExpiresAt   string `json:"expiresAt"`
	}
	if err := json.Unmarshal([]byte(data), &tok); err != nil || tok.AccessToken == "" {
		return nil, fmt.Errorf("the IAM Identity Center token cache %s holds no token: %s", file, login)
	}
	exp, err := time.Parse(time.RFC3339, tok.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("the IAM Identity Center token cache %s has no valid expiresAt: %s", file, login)
	}
	if !r.a.Now().Before(exp) {
		return nil, fmt.Errorf("the IAM Identity Center session of %s expired at %s: %s", startURL, exp.UTC().Format(time.RFC3339), login)
	}
	c, err := ssoRoleCredentials(ctx, r.a, region, stepEndpoint(r.st, svcSSO), tok.AccessToken, account, role)
	if err != nil {
		return nil, fmt.Errorf("profile %q (IAM Identity Center %s): %w", p.name, startURL, err)
	}
	return &ambientCreds{creds: c, account: account, source: "SSOProvider"}, nil
}
