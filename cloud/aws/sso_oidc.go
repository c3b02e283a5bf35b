package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/atmos-auth/atmos-auth/auth"
)

// ssoOIDC makes the IAM Identity Center OIDC calls (SSO-OIDC, restJson1,
// unsigned): client registration, the device authorization and tokens.
// See apiCall for why this is not the SDK's ssooidc package.
type ssoOIDC struct {
	a        *auth.Authenticator
	region   string
	endpoint string // "" = the OIDC endpoint of region
}

func (o ssoOIDC) call(ctx context.Context, op, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	c := apiCall{service: "SSO OIDC", op: op, region: o.region, endpoint: o.endpoint, host: "oidc", method: http.MethodPost, path: path, body: body,
		header: map[string]string{"Content-Type": "application/json"}, errorOf: apiErrorOf}
	return c.sendJSON(ctx, o.a, out)
}

type oidcClient struct {
	ID             string `json:"clientId"`
	Secret         string `json:"clientSecret"`
	SecretExpireAt int64  `json:"clientSecretExpiresAt"` // seconds since the epoch
}

// registerClient registers a public client for the device code and
// refresh token grants.
func (o ssoOIDC) registerClient(ctx context.Context, name string, scopes, grants []string) (*oidcClient, error) {
	var out oidcClient
	in := map[string]any{"clientName": name, "clientType": "public", "scopes": scopes, "grantTypes": grants}
	return &out, o.call(ctx, "RegisterClient", "/client/register", in, &out)
}

type oidcDevice struct {
	DeviceCode              string `json:"deviceCode"`
	UserCode                string `json:"userCode"`
	VerificationURI         string `json:"verificationUri"`
	VerificationURIComplete string `json:"verificationUriComplete"`
	ExpiresIn               int32  `json:"expiresIn"`
	Interval                int32  `json:"interval"`
}

func (o ssoOIDC) startDeviceAuthorization(ctx context.Context, clientID, clientSecret, startURL string) (*oidcDevice, error) {
	var out oidcDevice
	in := map[string]string{"clientId": clientID, "clientSecret": clientSecret, "startUrl": startURL}
	return &out, o.call(ctx, "StartDeviceAuthorization", "/device_authorization", in, &out)
}

type oidcToken struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int32  `json:"expiresIn"`
}

// createToken redeems a grant: the device code, or a refresh token.
func (o ssoOIDC) createToken(ctx context.Context, clientID, clientSecret, grant, deviceCode, refreshToken string) (*oidcToken, error) {
	in := map[string]string{"clientId": clientID, "clientSecret": clientSecret, "grantType": grant}
	if deviceCode != "" {
		in["deviceCode"] = deviceCode
	}
	if refreshToken != "" {
		in["refreshToken"] = refreshToken
	}
	var out oidcToken
	if err := o.call(ctx, "CreateToken", "/token", in, &out); err != nil {
		return nil, err
	}
	if out.AccessToken == "" {
		return nil, (apiCall{service: "SSO OIDC", op: "CreateToken"}).wrap(fmt.Errorf("the answer holds no access token"))
	}
	return &out, nil
}
