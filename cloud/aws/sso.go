package aws

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// IAM Identity Center sessions. Providers of one project with the same
// start URL, region and endpoints share one session: one token file, one
// keyring entry, one lock. A session is bound (ssoBinding) to its project
// and to the exact sso-oidc endpoint its tokens and client secret come from
// and are sent back to, and the portal endpoint its access token is sent
// to: another project, or a configuration that now resolves to other
// endpoints, is another session — a fresh sign-in there, never a send.
//
//	cache:   <project cache>/aws/sso/<session>.json  access token + expiry + binding (0600)
//	keyring: atmos-auth:aws/sso-session:<project>:<session>  client id/secret + refresh token + binding
//	lock:    <project cache>/locks/sso-<session>.lock  (one login at a time)

const (
	ssoScope          = "sso:account:access"
	ssoClientName     = "atmos-auth"
	grantDeviceCode   = "urn:ietf:params:oauth:grant-type:device_code"
	grantRefreshToken = "refresh_token"
	keyringSSOKind    = "aws/sso-session"
)

// ssoBinding is what an SSO session's secrets are bound to. Every field is
// compared on every read of the token cache and of the keyring entry.
type ssoBinding struct {
	Project  string `json:"project"`
	StartURL string `json:"start_url"`
	Region   string `json:"region"`
	// OIDC is the sso-oidc endpoint (client registration, tokens, refresh),
	// Portal the SSO portal endpoint (role credentials, accounts, logout);
	// "" is the AWS endpoint of Region.
	OIDC   string `json:"oidc_endpoint"`
	Portal string `json:"portal_endpoint"`
}

func (p *AWSSSOProvider) binding(s *auth.Step) ssoBinding {
	return ssoBinding{Project: auth.ProjectKey(s.Auth.Config), StartURL: p.StartURL, Region: p.Region,
		OIDC: stepEndpoint(s, svcSSOOIDC), Portal: stepEndpoint(s, svcSSO)}
}

// id names the session: a hash of the whole binding.
func (b ssoBinding) id() string {
	h := sha256.Sum256([]byte(b.Project + "\x00" + b.StartURL + "\x00" + b.Region + "\x00" + b.OIDC + "\x00" + b.Portal))
	return hex.EncodeToString(h[:16])
}

// data is the binding as keyring envelope fields; matches compares them.
func (b ssoBinding) data() map[string]string {
	return map[string]string{"project": b.Project, "start_url": b.StartURL, "region": b.Region,
		"oidc_endpoint": b.OIDC, "portal_endpoint": b.Portal}
}

func (b ssoBinding) matches(d map[string]string) bool {
	for k, v := range b.data() {
		if got, ok := d[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func (p *AWSSSOProvider) sessionID(s *auth.Step) string { return p.binding(s).id() }

func ssoKeyringKey(s *auth.Step, sid string) string {
	return auth.ProjectKeyringKey(s.Auth.Config, keyringSSOKind, sid)
}

func ssoTokenPath(d config.Dirs, sid string) string {
	return filepath.Join(auth.CacheDir(d, "aws", "sso"), sid+".json")
}

// ssoTokenRecord is the cached access token (short-lived, like the aws CLI's
// ~/.aws/sso/cache) and non-secret metadata.
type ssoTokenRecord struct {
	V           int        `json:"v"`
	Binding     ssoBinding `json:"binding"`
	AccessToken string     `json:"access_token"`
	ExpiresAt   time.Time  `json:"expires_at"`
	ClientID    string     `json:"client_id,omitempty"`
	Written     time.Time  `json:"written"`
}

func (p *AWSSSOProvider) CachedStep(s *auth.Step) (*auth.Credentials, bool) {
	var r ssoTokenRecord
	b := p.binding(s)
	if err := auth.ReadJSON(ssoTokenPath(s.Auth.Cache(), b.id()), &r); err != nil || r.V != 2 || r.Binding != b || r.AccessToken == "" {
		return nil, false
	}
	c := &auth.Credentials{Type: CredAWSSSOToken, Payload: map[string]string{auth.PayloadToken: r.AccessToken}, Expiration: r.ExpiresAt, Region: p.Region}
	if !c.ValidFor(s.Auth.Now(), s.Auth.RenewMargin()) {
		return nil, false
	}
	return c, true
}

func (p *AWSSSOProvider) LockName(s *auth.Step) string { return "sso-" + p.sessionID(s) }

func (p *AWSSSOProvider) DropCache(s *auth.Step) {
	_, _ = auth.RemoveFile(ssoTokenPath(s.Auth.Cache(), p.sessionID(s)))
}

func (p *AWSSSOProvider) oidcClient(s *auth.Step) ssoOIDC {
	return ssoOIDC{a: s.Auth, region: p.Region, endpoint: p.binding(s).OIDC}
}

// authenticate renews the session silently with the refresh token when it
// can, else runs the device authorization flow. Called under the session
// lock, after the token cache was found invalid.
func (p *AWSSSOProvider) Authenticate(ctx context.Context, s *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	a := s.Auth
	bind := p.binding(s)
	key := ssoKeyringKey(s, bind.id())
	ks, ksErr := a.Keyring()
	var saved keyring.Envelope
	if ksErr == nil {
		e, err := ks.Get(key)
		switch {
		case err == nil && bind.matches(e.Data):
			saved = e
		case err == nil:
			// Stored for another project or other endpoints: never
			// sent; the sign-in below replaces it.
			a.Log().Info("stored SSO session is bound to other endpoints; not used", "provider", s.Name())
		case errors.Is(err, keyring.ErrNotFound):
		default:
			a.Log().Warn("keyring read failed; the SSO session cannot be renewed silently", "provider", s.Name(), "error", err)
		}
	} else {
		a.Log().Warn("keyring unavailable; the SSO session cannot be renewed silently", "provider", s.Name(), "error", ksErr)
	}
	client := p.oidcClient(s)
	clientID, clientSecret := saved.Data["client_id"], saved.Data["client_secret"]
	clientValid := clientID != "" && clientSecret != "" && !saved.Expired(a.Now().Add(a.RenewMargin()))
	if clientValid && saved.Data["refresh_token"] != "" {
		a.Prompter().Progress(fmt.Sprintf("renewing the %s session", s.Name()))
		out, err := client.createToken(ctx, clientID, clientSecret, grantRefreshToken, "", saved.Data["refresh_token"])
		if err == nil {
			return p.saveToken(s, ks, key, clientID, clientSecret, saved.Expires, out)
		}
		if code := apiCode(err); code == "InvalidGrantException" || code == "ExpiredTokenException" || code == "UnauthorizedClientException" || code == "InvalidClientException" || code == "AccessDeniedException" {
			a.Log().Info("refresh token rejected; falling back to the device flow", "provider", s.Name(), "code", code)
			if code == "InvalidClientException" || code == "UnauthorizedClientException" {
				clientValid = false
			}
		} else {
			return nil, err
		}
	}
	if !a.AllowDeviceFlow {
		hint := a.NoDeviceFlowHint
		if hint == "" {
			hint = fmt.Sprintf("run `atmos-auth login --provider %s` in a terminal", s.Name())
		}
		return nil, fmt.Errorf("provider %s needs a browser sign-in (%w): %s", s.Name(), auth.ErrDeviceFlowNeeded, hint)
	}
	var secretExpires time.Time
	if !clientValid {
		reg, err := client.registerClient(ctx, ssoClientName, []string{ssoScope}, []string{grantDeviceCode, grantRefreshToken})
		if err != nil {
			return nil, err
		}
		clientID, clientSecret = reg.ID, reg.Secret
		if reg.SecretExpireAt > 0 {
			secretExpires = time.Unix(reg.SecretExpireAt, 0).UTC()
		}
	} else {
		secretExpires = saved.Expires
	}
	dev, err := client.startDeviceAuthorization(ctx, clientID, clientSecret, p.StartURL)
	if err != nil {
		return nil, err
	}
	a.Prompter().DeviceAuthorization(s.Name(), dev.VerificationURI, dev.VerificationURIComplete, dev.UserCode)
	out, err := p.poll(ctx, s, client, clientID, clientSecret, dev)
	if err != nil {
		return nil, err
	}
	return p.saveToken(s, ks, key, clientID, clientSecret, secretExpires, out)
}

// poll redeems the device code, honouring AuthorizationPending (wait the
// interval), SlowDown (add 5s) and the code's expiry.
func (p *AWSSSOProvider) poll(ctx context.Context, s *auth.Step, client ssoOIDC, id, secret string, dev *oidcDevice) (*oidcToken, error) {
	interval := time.Duration(dev.Interval) * time.Second
	if interval <= 0 {
		interval = 5 * time.Second
	}
	if s.Auth.PollInterval > 0 {
		interval = s.Auth.PollInterval
	}
	// The device code's own lifetime bounds the wait, on the same clock
	// as every other expiry (a.Wait advances a test's clock).
	deadline := s.Auth.Now().Add(time.Duration(dev.ExpiresIn) * time.Second)
	if dev.ExpiresIn <= 0 {
		deadline = s.Auth.Now().Add(10 * time.Minute)
	}
	for {
		out, err := client.createToken(ctx, id, secret, grantDeviceCode, dev.DeviceCode, "")
		if err == nil {
			return out, nil
		}
		switch apiCode(err) {
		case "AuthorizationPendingException":
		case "SlowDownException":
			step := 5 * time.Second
			if s.Auth.SlowDownStep > 0 {
				step = s.Auth.SlowDownStep
			}
			interval += step
		case "ExpiredTokenException":
			return nil, fmt.Errorf("the device authorization expired before it was approved: run the login again")
		case "AccessDeniedException":
			return nil, fmt.Errorf("the device authorization was denied")
		default:
			return nil, err
		}
		if s.Auth.Now().Add(interval).After(deadline) {
			return nil, fmt.Errorf("the device authorization expired before it was approved: run the login again")
		}
		if err := s.Auth.Pause(ctx, interval); err != nil {
			return nil, err
		}
	}
}

func (p *AWSSSOProvider) saveToken(s *auth.Step, ks keyring.Store, key, clientID, clientSecret string, secretExpires time.Time, out *oidcToken) (*auth.Credentials, error) {
	a := s.Auth
	now := a.Now()
	exp := now.Add(time.Duration(out.ExpiresIn) * time.Second).UTC()
	if ks != nil {
		bind := p.binding(s)
		env := keyring.Envelope{Kind: keyringSSOKind, Expires: secretExpires, Data: bind.data()}
		env.Data["client_id"], env.Data["client_secret"] = clientID, clientSecret
		if rt := out.RefreshToken; rt != "" {
			env.Data["refresh_token"] = rt
		}
		if err := ks.Set(key, env); err != nil {
			a.Log().Warn("could not store the SSO refresh token in the keyring; the next renewal needs a browser sign-in", "provider", s.Name(), "error", err)
		}
	}
	rec := ssoTokenRecord{V: 2, Binding: p.binding(s), AccessToken: out.AccessToken,
		ExpiresAt: exp, ClientID: clientID, Written: now.UTC()}
	if err := auth.WriteJSON(ssoTokenPath(a.Cache(), rec.Binding.id()), rec); err != nil {
		return nil, fmt.Errorf("write SSO token cache: %w", err)
	}
	c := &auth.Credentials{Type: CredAWSSSOToken, Payload: map[string]string{auth.PayloadToken: rec.AccessToken}, Expiration: exp, Region: p.Region}
	if p.AutoProvisionIdentities {
		if _, err := provision(a, context.Background(), s, c); err != nil {
			a.Log().Warn("auto-provisioning identities failed", "provider", s.Name(), "error", auth.ErrSummary(err))
			a.Prompter().Progress(fmt.Sprintf("warning: auto-provisioning identities of %s failed: %s", s.Name(), auth.ErrSummary(err)))
		}
	}
	return c, nil
}

// Logout ends the session: SSO Logout API (best effort), token cache,
// keyring entry and the auto-provisioned identity list. It reports what it
// removed.
func (p *AWSSSOProvider) Logout(ctx context.Context, s *auth.Step) ([]string, error) {
	done, err := p.endSession(ctx, s)
	if err != nil {
		return done, err
	}
	if ok, _ := auth.RemoveFile(provisionedPath(s.Auth.Cache(), s.Name())); ok {
		done = append(done, "removed the auto-provisioned identities of "+s.Name())
	}
	return done, nil
}

func (p *AWSSSOProvider) endSession(ctx context.Context, s *auth.Step) ([]string, error) {
	var done []string
	a, chain := s.Auth, s.Chain
	bind := p.binding(s)
	sid := bind.id()
	path := ssoTokenPath(a.Cache(), sid)
	var r ssoTokenRecord
	if auth.ReadJSON(path, &r) == nil && r.V == 2 && r.Binding == bind && r.AccessToken != "" && r.ExpiresAt.After(a.Now()) {
		if err := (ssoPortal{a: a, region: p.Region, endpoint: bind.Portal, token: r.AccessToken}).logout(ctx); err != nil {
			a.Log().Warn("SSO Logout API failed", "provider", chain[0].Name, "error", auth.ErrSummary(err))
		} else {
			done = append(done, "signed out of the "+chain[0].Name+" session")
		}
	}
	if ok, err := auth.RemoveFile(path); err != nil {
		return done, err
	} else if ok {
		done = append(done, "removed the "+chain[0].Name+" token cache")
	}
	if ks, err := a.Keyring(); err == nil {
		key := ssoKeyringKey(s, sid)
		if _, gerr := ks.Get(key); gerr == nil || !errors.Is(gerr, keyring.ErrNotFound) {
			if err := ks.Remove(key); err != nil {
				return done, err
			}
			done = append(done, "removed the "+chain[0].Name+" refresh token from the keyring")
		}
	} else {
		a.Log().Warn("keyring unavailable; the refresh token (if any) stays", "error", err)
	}
	return done, nil
}

// removeLegacySSOSessions removes the keyring entries older versions kept
// per start URL and region for every project (atmos-auth:aws/sso-session:<id>,
// no project part). They are never read; this only tidies up.
func (*AWSSSOProvider) Tidy(a *auth.Authenticator) []string {
	ks, err := a.Keyring()
	if err != nil {
		return nil
	}
	prefix := keyring.KeyPrefix + keyringSSOKind + ":"
	keys, err := ks.List(prefix)
	if err != nil {
		return nil
	}
	n := 0
	for _, k := range keys {
		if !strings.Contains(strings.TrimPrefix(k, prefix), ":") && ks.Remove(k) == nil {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return []string{"removed " + strconv.Itoa(n) + " unscoped SSO session(s) of an older version from the keyring"}
}
