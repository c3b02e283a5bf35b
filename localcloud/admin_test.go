package localcloud_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/atmos-auth/atmos-auth/localcloud"
)

func postJSON(t *testing.T, u, body string) {
	t.Helper()
	resp, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST %s %s: status %d", u, body, resp.StatusCode)
	}
}

func TestAdminHTTP(t *testing.T) {
	srv := localcloud.StartTest(t)
	c := newClients(srv.URL())
	reg := register(t, c)
	dev := startDevice(t, c, reg)

	resp, err := http.Get(srv.URL() + "/_admin/devices")
	if err != nil {
		t.Fatal(err)
	}
	var devs struct{ Pending []string }
	_ = json.NewDecoder(resp.Body).Decode(&devs)
	resp.Body.Close()
	if len(devs.Pending) != 1 || devs.Pending[0] != aws.ToString(dev.UserCode) {
		t.Fatalf("pending: %v", devs.Pending)
	}
	resp, err = http.PostForm(srv.URL()+"/_admin/approve", url.Values{"user_code": {aws.ToString(dev.UserCode)}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("approve: %v %v", resp, err)
	}
	resp.Body.Close()
	tok, err := poll(c, reg, dev)
	if err != nil {
		t.Fatal(err)
	}

	postJSON(t, srv.URL()+"/_admin/faults", `{"expireTokens":true,"revokeRefreshTokens":true}`)
	_, err = c.sso.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: tok.AccessToken})
	wantCode(t, err, "UnauthorizedException")
	_, err = c.oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String("refresh_token"), RefreshToken: tok.RefreshToken})
	wantCode(t, err, "InvalidGrantException")

	postJSON(t, srv.URL()+"/_admin/faults", `{"operation":"GetCallerIdentity","serverErrors":3,"status":503}`)
	_, err = c.sts.GetCallerIdentity(ctx, nil)
	wantCode(t, err, "ServiceUnavailable")
	postJSON(t, srv.URL()+"/_admin/faults", `{"clear":true,"latency":"20ms"}`)
	start := time.Now()
	if _, err := c.sts.GetCallerIdentity(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 20*time.Millisecond {
		t.Fatal("latency fault not applied")
	}

	resp, err = http.Post(srv.URL()+"/_admin/faults", "application/json", strings.NewReader(`{"nonsense":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("unknown fault field: status %d", resp.StatusCode)
	}

	resp, err = http.Get(srv.URL() + "/_admin/stats")
	if err != nil {
		t.Fatal(err)
	}
	var st localcloud.Stats
	_ = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if st.Calls["GetCallerIdentity"] != 4 || st.Calls["StartDeviceAuthorization"] != 1 || st.Errors["GetCallerIdentity/ServiceUnavailable"] != 3 {
		t.Fatalf("stats: %+v", st)
	}
}

// TestConcurrentCountsAndNoSecretsLogged hits the server concurrently (the
// counters must be exact) and checks that no secret reaches the log.
func TestConcurrentCountsAndNoSecretsLogged(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := localcloud.StartTest(t, localcloud.WithAutoApprove(0), localcloud.WithLogger(logger))
	c := newClients(srv.URL())

	var secrets []string
	var smu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reg, err := c.oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("c"), ClientType: aws.String("public"), Scopes: []string{"sso:account:access"}})
			if err != nil {
				t.Error(err)
				return
			}
			dev, err := c.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String("https://x.awsapps.com/start")})
			if err != nil {
				t.Error(err)
				return
			}
			tok, err := poll(c, reg, dev)
			if err != nil {
				t.Error(err)
				return
			}
			rc, err := c.sso.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String("222222222222"), RoleName: aws.String("AdminAccess")})
			if err != nil {
				t.Error(err)
				return
			}
			smu.Lock()
			secrets = append(secrets, *reg.ClientSecret, *dev.DeviceCode, *tok.AccessToken, *tok.RefreshToken, *rc.RoleCredentials.SecretAccessKey, *rc.RoleCredentials.SessionToken)
			smu.Unlock()
		}()
	}
	wg.Wait()
	st := srv.Stats()
	for _, op := range []string{"RegisterClient", "StartDeviceAuthorization", "CreateToken", "GetRoleCredentials"} {
		if st.Calls[op] != 20 {
			t.Errorf("%s calls = %d, want 20", op, st.Calls[op])
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if logs.Len() == 0 {
		t.Fatal("nothing logged")
	}
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Fatalf("a secret value was logged:\n%s", logs.String())
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// BenchmarkListOrg lists a 100-account × 3-role org with 50 ms per request,
// the shape of "auto-provision 100 accounts × 3 roles": 1 ListAccounts page
// and 100 concurrent ListAccountRoles calls.
func BenchmarkListOrg(b *testing.B) {
	srv := localcloud.New(localcloud.WithAutoApprove(0), localcloud.WithGeneratedOrg(100, 3), localcloud.WithAccounts(), localcloud.WithLatency(50*time.Millisecond))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c := newClients(srv.URL())
	reg, err := c.oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("b"), ClientType: aws.String("public")})
	if err != nil {
		b.Fatal(err)
	}
	dev, err := c.oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String("https://x.awsapps.com/start")})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := poll(c, reg, dev)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := c.sso.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: tok.AccessToken})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.AccountList) != 100 {
			b.Fatalf("%d accounts", len(out.AccountList))
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(out.AccountList))
		for _, a := range out.AccountList {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := c.sso.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: a.AccountId})
				if err == nil && len(r.RoleList) != 3 {
					err = fmt.Errorf("%d roles", len(r.RoleList))
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
