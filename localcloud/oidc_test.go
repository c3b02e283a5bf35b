package localcloud_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/atmos-auth/atmos-auth/localcloud"
)

const grantDevice = "urn:ietf:params:oauth:grant-type:device_code"

func register(t *testing.T, c clients) *ssooidc.RegisterClientOutput {
	t.Helper()
	reg, err := c.oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{
		ClientName: aws.String("atmos-auth-test"),
		ClientType: aws.String("public"),
		Scopes:     []string{"sso:account:access"},
		GrantTypes: []string{grantDevice, "refresh_token"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(reg.ClientId) == "" || aws.ToString(reg.ClientSecret) == "" || reg.ClientSecretExpiresAt == 0 {
		t.Fatalf("incomplete RegisterClient output: %+v", reg)
	}
	return reg
}

func startDevice(t *testing.T, c clients, reg *ssooidc.RegisterClientOutput) *ssooidc.StartDeviceAuthorizationOutput {
	t.Helper()
	dev, err := c.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		StartUrl: aws.String("https://example.awsapps.com/start"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return dev
}

func poll(c clients, reg *ssooidc.RegisterClientOutput, dev *ssooidc.StartDeviceAuthorizationOutput) (*ssooidc.CreateTokenOutput, error) {
	return c.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String(grantDevice), DeviceCode: dev.DeviceCode,
	})
}

// approveViaPage loads the verification page and presses a button, as a
// human would.
func approveViaPage(t *testing.T, pageURL, action string) {
	t.Helper()
	resp, err := http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != 200 || !strings.Contains(page, `id="approve"`) || !strings.Contains(page, `id="deny"`) {
		t.Fatalf("approval page: status %d, body:\n%s", resp.StatusCode, page)
	}
	u, _ := url.Parse(pageURL)
	code := u.Query().Get("user_code")
	if !strings.Contains(page, `value="`+code+`"`) {
		t.Fatalf("approval page does not show the user code %s", code)
	}
	u.Path, u.RawQuery = "/device/decide", ""
	resp, err = http.PostForm(u.String(), url.Values{"user_code": {code}, "action": {action}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("decide: status %d: %s", resp.StatusCode, body)
	}
}

func TestDeviceFlowRefreshLogout(t *testing.T) {
	clock := newFakeClock()
	srv := localcloud.StartTest(t, localcloud.WithClock(clock.Now))
	c := newClients(srv.URL())

	reg := register(t, c)
	dev := startDevice(t, c, reg)
	if dev.Interval != 1 || dev.ExpiresIn != 600 || !strings.HasPrefix(aws.ToString(dev.VerificationUriComplete), srv.URL()+"/device?user_code=") {
		t.Fatalf("unexpected device authorization: %+v", dev)
	}

	_, err := poll(c, reg, dev)
	wantCode(t, err, "AuthorizationPendingException")
	_, err = poll(c, reg, dev) // no time passed: too fast
	wantCode(t, err, "SlowDownException")
	clock.Advance(2 * time.Second)
	_, err = poll(c, reg, dev)
	wantCode(t, err, "AuthorizationPendingException")

	if got := srv.PendingUserCodes(); len(got) != 1 || got[0] != aws.ToString(dev.UserCode) {
		t.Fatalf("pending user codes: %v", got)
	}
	approveViaPage(t, aws.ToString(dev.VerificationUriComplete), "approve")
	clock.Advance(2 * time.Second)
	tok, err := poll(c, reg, dev)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(tok.AccessToken) == "" || aws.ToString(tok.RefreshToken) == "" || tok.ExpiresIn != 8*3600 || aws.ToString(tok.TokenType) != "Bearer" {
		t.Fatalf("unexpected token: %+v", tok)
	}
	_, err = poll(c, reg, dev)
	wantCode(t, err, "InvalidGrantException")

	// The portal works with the token.
	accts, err := c.sso.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: tok.AccessToken})
	if err != nil || len(accts.AccountList) != 4 {
		t.Fatalf("ListAccounts: %v %+v", err, accts)
	}

	// Refresh rotates the refresh token; the old one is then invalid.
	refreshed, err := c.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String("refresh_token"), RefreshToken: tok.RefreshToken,
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(refreshed.RefreshToken) == aws.ToString(tok.RefreshToken) || aws.ToString(refreshed.AccessToken) == aws.ToString(tok.AccessToken) {
		t.Fatal("refresh did not rotate tokens")
	}
	_, err = c.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String("refresh_token"), RefreshToken: tok.RefreshToken,
	})
	wantCode(t, err, "InvalidGrantException")

	// Access tokens expire; the refresh token still works.
	clock.Advance(9 * time.Hour)
	_, err = c.sso.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: refreshed.AccessToken})
	wantCode(t, err, "UnauthorizedException")
	again, err := c.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String("refresh_token"), RefreshToken: refreshed.RefreshToken,
	})
	if err != nil {
		t.Fatal(err)
	}

	// Logout revokes the access token and its refresh token.
	if _, err := c.sso.Logout(ctx, &sso.LogoutInput{AccessToken: again.AccessToken}); err != nil {
		t.Fatal(err)
	}
	_, err = c.sso.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: again.AccessToken})
	wantCode(t, err, "UnauthorizedException")
	_, err = c.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String("refresh_token"), RefreshToken: again.RefreshToken,
	})
	wantCode(t, err, "InvalidGrantException")

	st := srv.Stats()
	if st.Calls["StartDeviceAuthorization"] != 1 || st.Calls["RegisterClient"] != 1 || st.Errors["CreateToken/SlowDownException"] != 1 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestDeviceFlowDenyExpiryRevoke(t *testing.T) {
	clock := newFakeClock()
	srv := localcloud.StartTest(t, localcloud.WithClock(clock.Now))
	c := newClients(srv.URL())
	reg := register(t, c)

	dev := startDevice(t, c, reg)
	approveViaPage(t, aws.ToString(dev.VerificationUriComplete), "deny")
	_, err := poll(c, reg, dev)
	wantCode(t, err, "AccessDeniedException")

	dev = startDevice(t, c, reg)
	clock.Advance(11 * time.Minute)
	_, err = poll(c, reg, dev)
	wantCode(t, err, "ExpiredTokenException")
	if err := srv.Approve(aws.ToString(dev.UserCode)); err == nil {
		t.Fatal("approving an expired code succeeded")
	}

	dev = startDevice(t, c, reg)
	if err := srv.Approve(aws.ToString(dev.UserCode)); err != nil {
		t.Fatal(err)
	}
	tok, err := poll(c, reg, dev)
	if err != nil {
		t.Fatal(err)
	}
	srv.RevokeRefreshTokens()
	_, err = c.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String("refresh_token"), RefreshToken: tok.RefreshToken,
	})
	wantCode(t, err, "InvalidGrantException")
	srv.ExpireTokens()
	_, err = c.sso.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: tok.AccessToken})
	wantCode(t, err, "UnauthorizedException")

	_, err = c.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: aws.String("wrong"),
		GrantType: aws.String(grantDevice), DeviceCode: dev.DeviceCode,
	})
	wantCode(t, err, "InvalidClientException")
}

// login runs a whole device flow with auto-approve and returns the token.
func login(t *testing.T, c clients) string {
	t.Helper()
	reg := register(t, c)
	dev := startDevice(t, c, reg)
	tok, err := poll(c, reg, dev)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(tok.AccessToken)
}

func TestAutoApproveWithDelay(t *testing.T) {
	clock := newFakeClock()
	srv := localcloud.StartTest(t, localcloud.WithClock(clock.Now), localcloud.WithAutoApprove(3*time.Second))
	c := newClients(srv.URL())
	reg := register(t, c)
	dev := startDevice(t, c, reg)
	_, err := poll(c, reg, dev)
	wantCode(t, err, "AuthorizationPendingException")
	clock.Advance(3 * time.Second)
	if _, err := poll(c, reg, dev); err != nil {
		t.Fatal(err)
	}
}

func TestPortalPaginationAndCredentials(t *testing.T) {
	clock := newFakeClock()
	srv := localcloud.StartTest(t, localcloud.WithClock(clock.Now), localcloud.WithAutoApprove(0), localcloud.WithGeneratedOrg(7, 3))
	c := newClients(srv.URL())
	tok := aws.String(login(t, c))

	var ids []string
	pages := 0
	p := sso.NewListAccountsPaginator(c.sso, &sso.ListAccountsInput{AccessToken: tok, MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range out.AccountList {
			ids = append(ids, aws.ToString(a.AccountId))
		}
	}
	if len(ids) != 11 || pages != 4 {
		t.Fatalf("ListAccounts: %d accounts in %d pages: %v", len(ids), pages, ids)
	}

	var roles []string
	rp := sso.NewListAccountRolesPaginator(c.sso, &sso.ListAccountRolesInput{AccessToken: tok, AccountId: aws.String("222222222222"), MaxResults: aws.Int32(2)})
	for rp.HasMorePages() {
		out, err := rp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.RoleList {
			if aws.ToString(r.AccountId) != "222222222222" {
				t.Fatalf("role of wrong account: %+v", r)
			}
			roles = append(roles, aws.ToString(r.RoleName))
		}
	}
	if strings.Join(roles, ",") != "AdminAccess,PowerUserAccess,ReadOnlyAccess" {
		t.Fatalf("roles: %v", roles)
	}

	out, err := c.sso.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok, AccountId: aws.String("999999999999"), RoleName: aws.String("AdminAccess")})
	if err != nil {
		t.Fatal(err)
	}
	rc := out.RoleCredentials
	if want := clock.Now().Add(time.Hour).UnixMilli(); rc.Expiration != want {
		t.Fatalf("expiration %d, want %d (milliseconds)", rc.Expiration, want)
	}
	who, err := stsAs(srv.URL(), aws.ToString(rc.AccessKeyId), aws.ToString(rc.SecretAccessKey), aws.ToString(rc.SessionToken)).GetCallerIdentity(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if arn := aws.ToString(who.Arn); !strings.HasPrefix(arn, "arn:aws:sts::999999999999:assumed-role/AWSReservedSSO_AdminAccess_") || !strings.HasSuffix(arn, "/localcloud-user") {
		t.Fatalf("caller ARN %s", arn)
	}

	_, err = c.sso.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok, AccountId: aws.String("999999999999"), RoleName: aws.String("PowerUserAccess")})
	wantCode(t, err, "ForbiddenException")
	_, err = c.sso.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: tok, AccountId: aws.String("123456789012")})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = c.sso.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: aws.String("bogus")})
	wantCode(t, err, "UnauthorizedException")
}
