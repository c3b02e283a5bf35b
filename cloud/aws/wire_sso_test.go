package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/atmos-auth/atmos-auth/auth"
)

// ssoWireCall is what one portal or OIDC request carried, without the
// headers only the SDK sends (user agent, invocation id).
type ssoWireCall struct {
	Method, Path string
	Query        url.Values
	Bearer       string
	Signed       bool
	Body         map[string]any
}

// ssoWireServer answers as the IAM Identity Center portal and OIDC
// services do and records every request.
type ssoWireServer struct {
	mu    sync.Mutex
	calls []ssoWireCall
	*httptest.Server
}

func newSSOWireServer(t *testing.T) *ssoWireServer {
	w := &ssoWireServer{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		c := ssoWireCall{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Bearer: r.Header.Get("x-amz-sso_bearer_token"),
			Signed: r.Header.Get("Authorization") != ""}
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			if err := json.Unmarshal(b, &c.Body); err != nil {
				t.Errorf("%s body %q: %v", r.URL.Path, b, err)
			}
		}
		w.mu.Lock()
		w.calls = append(w.calls, c)
		w.mu.Unlock()
		rw.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/assignment/accounts":
			if r.URL.Query().Get("next_token") == "" {
				fmt.Fprint(rw, `{"accountList":[{"accountId":"111111111111","accountName":"one","emailAddress":"a@x"}],"nextToken":"page 2/="}`)
			} else {
				fmt.Fprint(rw, `{"accountList":[{"accountId":"222222222222","accountName":"two"}],"nextToken":null}`)
			}
		case "/assignment/roles":
			fmt.Fprint(rw, `{"roleList":[{"accountId":"111111111111","roleName":"Admin"},{"accountId":"111111111111","roleName":"ReadOnly"}]}`)
		case "/federation/credentials":
			if r.URL.Query().Get("role_name") == "Revoked" {
				rw.Header().Set("X-Amzn-Errortype", "UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/")
				rw.WriteHeader(401)
				fmt.Fprint(rw, `{"message":"Session token not found or invalid"}`)
				return
			}
			fmt.Fprint(rw, `{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso/secret+key","sessionToken":"sso-token","expiration":1941494400123}}`)
		case "/logout":
		case "/client/register":
			fmt.Fprint(rw, `{"clientId":"cid","clientSecret":"csecret","clientIdIssuedAt":1700000000,"clientSecretExpiresAt":1941494400}`)
		case "/device_authorization":
			fmt.Fprint(rw, `{"deviceCode":"dev","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.example/","verificationUriComplete":"https://device.sso.example/?user_code=ABCD-EFGH","expiresIn":600,"interval":5}`)
		case "/token":
			var in map[string]string
			if c.Body != nil {
				b, _ := json.Marshal(c.Body)
				_ = json.Unmarshal(b, &in)
			}
			if in["deviceCode"] == "pending" {
				rw.Header().Set("X-Amzn-Errortype", "AuthorizationPendingException:http://internal.amazon.com/coral/com.amazon.switchboard.portal/")
				rw.WriteHeader(400)
				fmt.Fprint(rw, `{"error":"authorization_pending","error_description":"not yet"}`)
				return
			}
			fmt.Fprint(rw, `{"accessToken":"at","tokenType":"Bearer","expiresIn":28800,"refreshToken":"rt"}`)
		default:
			rw.WriteHeader(404)
		}
	}))
	t.Cleanup(w.Close)
	return w
}

// take returns the calls recorded since the last take.
func (w *ssoWireServer) take() []ssoWireCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.calls
	w.calls = nil
	return c
}

// TestSSOWireMatchesSDK: every portal and OIDC call this program makes
// sends what the SDK's sso and ssooidc clients send for the same input
// (method, path, query, bearer token, JSON body, unsigned) and reads the
// same values and errors out of the same answers.
func TestSSOWireMatchesSDK(t *testing.T) {
	w := newSSOWireServer(t)
	ctx := context.Background()
	a := &auth.Authenticator{RetryBackoff: time.Millisecond}
	cfg := awssdk.Config{Region: "eu-west-1", BaseEndpoint: awssdk.String(w.URL), Credentials: awssdk.AnonymousCredentials{}}
	sdkPortal, sdkOIDC := sso.NewFromConfig(cfg), ssooidc.NewFromConfig(cfg)
	portal := ssoPortal{a: a, region: "eu-west-1", endpoint: w.URL, token: "bearer/token+1"}
	oidc := ssoOIDC{a: a, region: "eu-west-1", endpoint: w.URL}

	same := func(t *testing.T, sdkCalls, ours []ssoWireCall) {
		t.Helper()
		if len(sdkCalls) == 0 || !reflect.DeepEqual(sdkCalls, ours) {
			t.Errorf("requests:\n sdk  %+v\n ours %+v", sdkCalls, ours)
		}
		for _, c := range ours {
			if c.Signed {
				t.Errorf("%s is signed: the portal and OIDC calls are not", c.Path)
			}
		}
	}

	t.Run("ListAccounts", func(t *testing.T) {
		var want []string
		p := sso.NewListAccountsPaginator(sdkPortal, &sso.ListAccountsInput{AccessToken: awssdk.String(portal.token)})
		for p.HasMorePages() {
			o, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, acc := range o.AccountList {
				want = append(want, *acc.AccountId+"="+*acc.AccountName)
			}
		}
		sdkCalls := w.take()
		var got []string
		err := portal.accounts(ctx, func(page []ssoAccount) bool {
			for _, acc := range page {
				got = append(got, acc.ID+"="+acc.Name)
			}
			return true
		})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("accounts %v %v, sdk %v", got, err, want)
		}
		same(t, sdkCalls, w.take())
	})

	t.Run("ListAccountRoles", func(t *testing.T) {
		o, err := sdkPortal.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: awssdk.String(portal.token), AccountId: awssdk.String("111111111111")})
		if err != nil {
			t.Fatal(err)
		}
		sdkCalls := w.take()
		got, err := portal.roles(ctx, "111111111111")
		if err != nil || len(got) != len(o.RoleList) || got[0] != *o.RoleList[0].RoleName || got[1] != *o.RoleList[1].RoleName {
			t.Fatalf("roles %v %v", got, err)
		}
		same(t, sdkCalls, w.take())
	})

	t.Run("GetRoleCredentials", func(t *testing.T) {
		o, err := sdkPortal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: awssdk.String(portal.token),
			AccountId: awssdk.String("111111111111"), RoleName: awssdk.String("Admin & Co")})
		if err != nil {
			t.Fatal(err)
		}
		sdkCalls := w.take()
		got, err := portal.roleCredentials(ctx, "111111111111", "Admin & Co")
		if err != nil {
			t.Fatal(err)
		}
		same(t, sdkCalls, w.take())
		id, secret, token := keysOf(got)
		rc := o.RoleCredentials
		if id != *rc.AccessKeyId || secret != *rc.SecretAccessKey || token != *rc.SessionToken || !got.Expiration.Equal(time.UnixMilli(rc.Expiration)) {
			t.Errorf("credentials %q %q %q %v, sdk %+v", id, secret, token, got.Expiration, rc)
		}
	})

	t.Run("GetRoleCredentials refused", func(t *testing.T) {
		_, sdkErr := sdkPortal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: awssdk.String(portal.token),
			AccountId: awssdk.String("111111111111"), RoleName: awssdk.String("Revoked")})
		_, err := portal.roleCredentials(ctx, "111111111111", "Revoked")
		sameAPIError(t, err, sdkErr)
		if !errors.Is(err, auth.ErrCredentialsRefused) {
			t.Errorf("%v is not ErrCredentialsRefused: the walker would not renew the sign-in", err)
		}
		if s := auth.ErrSummary(err); s != "GetRoleCredentials UnauthorizedException: Session token not found or invalid" {
			t.Errorf("summary %q", s)
		}
		w.take()
	})

	t.Run("Logout", func(t *testing.T) {
		if _, err := sdkPortal.Logout(ctx, &sso.LogoutInput{AccessToken: awssdk.String(portal.token)}); err != nil {
			t.Fatal(err)
		}
		sdkCalls := w.take()
		if err := portal.logout(ctx); err != nil {
			t.Fatal(err)
		}
		same(t, sdkCalls, w.take())
	})

	t.Run("RegisterClient", func(t *testing.T) {
		o, err := sdkOIDC.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: awssdk.String("atmos-auth"), ClientType: awssdk.String("public"),
			Scopes: []string{"sso:account:access"}, GrantTypes: []string{"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"}})
		if err != nil {
			t.Fatal(err)
		}
		sdkCalls := w.take()
		got, err := oidc.registerClient(ctx, "atmos-auth", []string{"sso:account:access"}, []string{"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"})
		if err != nil || got.ID != *o.ClientId || got.Secret != *o.ClientSecret || got.SecretExpireAt != o.ClientSecretExpiresAt {
			t.Fatalf("%+v %v, sdk %+v", got, err, o)
		}
		same(t, sdkCalls, w.take())
	})

	t.Run("StartDeviceAuthorization", func(t *testing.T) {
		o, err := sdkOIDC.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: awssdk.String("cid"),
			ClientSecret: awssdk.String("csecret"), StartUrl: awssdk.String("https://d-123.awsapps.com/start")})
		if err != nil {
			t.Fatal(err)
		}
		sdkCalls := w.take()
		got, err := oidc.startDeviceAuthorization(ctx, "cid", "csecret", "https://d-123.awsapps.com/start")
		if err != nil || got.DeviceCode != *o.DeviceCode || got.UserCode != *o.UserCode || got.VerificationURI != *o.VerificationUri ||
			got.VerificationURIComplete != *o.VerificationUriComplete || got.ExpiresIn != o.ExpiresIn || got.Interval != o.Interval {
			t.Fatalf("%+v %v, sdk %+v", got, err, o)
		}
		same(t, sdkCalls, w.take())
	})

	for _, grant := range []struct{ name, grant, device, refresh string }{
		{"CreateToken device code", "urn:ietf:params:oauth:grant-type:device_code", "dev", ""},
		{"CreateToken refresh", "refresh_token", "", "rt"},
	} {
		t.Run(grant.name, func(t *testing.T) {
			in := &ssooidc.CreateTokenInput{ClientId: awssdk.String("cid"), ClientSecret: awssdk.String("csecret"), GrantType: awssdk.String(grant.grant)}
			if grant.device != "" {
				in.DeviceCode = awssdk.String(grant.device)
			}
			if grant.refresh != "" {
				in.RefreshToken = awssdk.String(grant.refresh)
			}
			o, err := sdkOIDC.CreateToken(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			sdkCalls := w.take()
			got, err := oidc.createToken(ctx, "cid", "csecret", grant.grant, grant.device, grant.refresh)
			if err != nil || got.AccessToken != *o.AccessToken || got.RefreshToken != *o.RefreshToken || got.ExpiresIn != o.ExpiresIn {
				t.Fatalf("%+v %v, sdk %+v", got, err, o)
			}
			same(t, sdkCalls, w.take())
		})
	}

	t.Run("CreateToken pending", func(t *testing.T) {
		_, sdkErr := sdkOIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: awssdk.String("cid"), ClientSecret: awssdk.String("csecret"),
			GrantType: awssdk.String("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: awssdk.String("pending")})
		_, err := oidc.createToken(ctx, "cid", "csecret", "urn:ietf:params:oauth:grant-type:device_code", "pending", "")
		sameAPIError(t, err, sdkErr)
		if s := auth.ErrSummary(err); s != "CreateToken AuthorizationPendingException: not yet" {
			t.Errorf("summary %q", s)
		}
		if c := apiCode(err); c != "AuthorizationPendingException" {
			t.Errorf("code %q: the device flow polls on this code", c)
		}
		w.take()
	})
}

// sameAPIError: ours and the SDK's error carry one AWS error code and
// message. Where the SDK keeps no message (the OAuth errors of SSO-OIDC
// put theirs in error_description), ours may say more.
func sameAPIError(t *testing.T, ours, sdkErr error) {
	t.Helper()
	var want, got codedError
	if !errors.As(sdkErr, &want) || !errors.As(ours, &got) || got.ErrorCode() != want.ErrorCode() ||
		want.ErrorMessage() != "" && got.ErrorMessage() != want.ErrorMessage() {
		t.Fatalf("ours %v, sdk %v", ours, sdkErr)
	}
}
