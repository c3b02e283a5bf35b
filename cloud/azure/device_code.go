package azure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// azure/device-code: the OAuth 2.0 device authorization grant against
// Entra ID. The access token is the provider's cached step (the walker
// locks it: parallel callers wait for one sign-in, then read its result);
// the refresh token lives in the keyring, bound to the project, authority,
// tenant and client it was issued for, and is tried first.
//
//	keyring: atmos-auth:azure/refresh-token:<project>:<binding id>

const keyringRefreshKind = "azure/refresh-token"

// AzureDeviceCodeProvider is azure/device-code.
type AzureDeviceCodeProvider struct {
	AzureProvider `yaml:",inline"`
}

func (p *AzureDeviceCodeProvider) clientID() string {
	if p.Spec.ClientID != "" {
		return p.Spec.ClientID
	}
	return azureCLIClientID
}

// binding is what the refresh token is bound to.
func (p *AzureDeviceCodeProvider) binding(s *auth.Step) map[string]string {
	c, _ := p.Spec.resolvedCloud()
	return map[string]string{"project": auth.ProjectKey(s.Auth.Config), "authority": c.Authority,
		"tenant": p.Spec.TenantID, "client_id": p.clientID()}
}

func (p *AzureDeviceCodeProvider) keyringKey(s *auth.Step) string {
	b := p.binding(s)
	h := sha256.Sum256([]byte(b["project"] + "\x00" + b["authority"] + "\x00" + b["tenant"] + "\x00" + b["client_id"] + "\x00" + s.Name()))
	return auth.ProjectKeyringKey(s.Auth.Config, keyringRefreshKind, hex.EncodeToString(h[:16]))
}

func matches(want, got map[string]string) bool {
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// Authenticate renews silently with the stored refresh token when it can,
// else runs the device authorization flow (code and URL on stderr).
func (p *AzureDeviceCodeProvider) Authenticate(ctx context.Context, s *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	a := s.Auth
	key := p.keyringKey(s)
	ks, ksErr := a.Keyring()
	if ksErr == nil {
		e, err := ks.Get(key)
		switch {
		case err == nil && matches(p.binding(s), e.Data) && e.Data["refresh_token"] != "":
			a.Prompter().Progress(fmt.Sprintf("renewing the %s session", s.Name()))
			tok, err := postForm(ctx, s, p.Spec.endpoint("token"), url.Values{"grant_type": {"refresh_token"},
				"client_id": {p.clientID()}, "refresh_token": {e.Data["refresh_token"]}, "scope": {p.Spec.armScope() + " offline_access openid profile"}})
			if err == nil {
				return p.save(s, ks, key, tok)
			}
			if !errors.Is(err, auth.ErrCredentialsRefused) {
				return nil, err
			}
			a.Log().Info("refresh token refused; signing in again", "provider", s.Name(), "error", auth.ErrSummary(err))
		case err == nil:
			a.Log().Info("stored Azure refresh token is bound to another authority, tenant or client; not used", "provider", s.Name())
		case errors.Is(err, keyring.ErrNotFound):
		default:
			a.Log().Warn("keyring read failed; the Azure session cannot be renewed silently", "provider", s.Name(), "error", err)
		}
	} else {
		a.Log().Warn("keyring unavailable; the Azure session cannot be renewed silently", "provider", s.Name(), "error", ksErr)
	}
	if !a.AllowDeviceFlow {
		hint := a.NoDeviceFlowHint
		if hint == "" {
			hint = fmt.Sprintf("run `atmos-auth login --provider %s` in a terminal", s.Name())
		}
		return nil, fmt.Errorf("provider %s needs a device code sign-in (%w): %s", s.Name(), auth.ErrDeviceFlowNeeded, hint)
	}
	dev, err := postForm(ctx, s, p.Spec.endpoint("devicecode"), url.Values{"client_id": {p.clientID()},
		"scope": {p.Spec.armScope() + " offline_access openid profile"}})
	if err != nil {
		return nil, err
	}
	if dev.DeviceCode == "" || dev.UserCode == "" || dev.VerificationURI == "" {
		return nil, fmt.Errorf("the device authorization answer of %s lacks a code or URL", hostOf(p.Spec.endpoint("devicecode")))
	}
	// Entra ID has no verification_uri_complete: the code is typed there.
	a.Prompter().DeviceAuthorization(s.Name(), dev.VerificationURI, dev.VerificationURI, dev.UserCode)
	tok, err := p.poll(ctx, s, dev)
	if err != nil {
		return nil, err
	}
	return p.save(s, ks, key, tok)
}

// poll redeems the device code: authorization_pending waits the interval,
// slow_down adds to it, declined and expired end it; the code's lifetime
// bounds the whole wait on the injected clock.
func (p *AzureDeviceCodeProvider) poll(ctx context.Context, s *auth.Step, dev *tokenResponse) (*tokenResponse, error) {
	a := s.Auth
	interval := time.Duration(dev.Interval) * time.Second
	if interval <= 0 {
		interval = 5 * time.Second
	}
	if a.PollInterval > 0 {
		interval = a.PollInterval
	}
	deadline := a.Now().Add(15 * time.Minute)
	if dev.ExpiresIn > 0 {
		deadline = a.Now().Add(time.Duration(dev.ExpiresIn) * time.Second)
	}
	expired := fmt.Errorf("the device code expired before it was approved: run `atmos-auth login --provider %s` again", s.Name())
	for {
		tok, err := postForm(ctx, s, p.Spec.endpoint("token"), url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"},
			"client_id": {p.clientID()}, "device_code": {dev.DeviceCode}})
		if err == nil {
			return tok, nil
		}
		var ae *AADError
		if !errors.As(err, &ae) {
			return nil, err
		}
		switch ae.OAuth {
		case "authorization_pending":
		case "slow_down":
			step := 5 * time.Second
			if a.SlowDownStep > 0 {
				step = a.SlowDownStep
			}
			interval += step
		case "authorization_declined", "access_denied":
			return nil, fmt.Errorf("the device code sign-in was declined (%s)", ae.Error())
		case "expired_token", "code_expired":
			return nil, expired
		default:
			return nil, err
		}
		if a.Now().Add(interval).After(deadline) {
			return nil, expired
		}
		if err := a.Pause(ctx, interval); err != nil {
			return nil, err
		}
	}
}

func (p *AzureDeviceCodeProvider) save(s *auth.Step, ks keyring.Store, key string, tok *tokenResponse) (*auth.Credentials, error) {
	if tok.AccessToken == "" {
		return nil, fmt.Errorf("Entra ID answered without an access token")
	}
	if ks != nil && tok.RefreshToken != "" {
		e := keyring.Envelope{Kind: keyringRefreshKind, Data: p.binding(s)}
		e.Data["refresh_token"] = tok.RefreshToken
		if err := ks.Set(key, e); err != nil {
			s.Auth.Log().Warn("could not store the Azure refresh token in the keyring; the next renewal needs a sign-in", "provider", s.Name(), "error", err)
		}
	}
	c := credsFrom(s, &p.Spec, tok, "user", azureCLIClientID)
	if err := checkTenant(s, &p.Spec, c); err != nil {
		return nil, err
	}
	return c, nil
}

// checkTenant refuses a token of another tenant than the configured one.
func checkTenant(s *auth.Step, spec *AzureSpec, c *auth.Credentials) error {
	got := c.Payload[payTenant]
	if got == "" || !reUUID.MatchString(spec.TenantID) || got == spec.TenantID {
		return nil
	}
	if equalFold(got, spec.TenantID) {
		return nil
	}
	return fmt.Errorf("the token is for tenant %q, not spec.tenant_id %q: check the provider's tenant_id", got, spec.TenantID)
}

// Logout removes the provider's cached token and its refresh token from
// the keyring.
func (p *AzureDeviceCodeProvider) Logout(_ context.Context, s *auth.Step) ([]string, error) {
	var done []string
	if ok, err := auth.RemoveFile(auth.StepPath(s.Auth.Cache(), s.Name())); err != nil {
		return nil, err
	} else if ok {
		done = append(done, "removed the cached token of "+s.Name())
	}
	ks, err := s.Auth.Keyring()
	if err != nil {
		s.Auth.Log().Warn("keyring unavailable; the Azure refresh token (if any) stays", "error", err)
		return done, nil
	}
	key := p.keyringKey(s)
	if _, gerr := ks.Get(key); gerr != nil && errors.Is(gerr, keyring.ErrNotFound) {
		return done, nil
	}
	if err := ks.Remove(key); err != nil {
		return done, err
	}
	return append(done, "removed the "+s.Name()+" refresh token from the keyring"), nil
}
