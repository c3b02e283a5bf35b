package localcloud_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"

	"github.com/atmos-auth/atmos-auth/localcloud"
)

// TestRevokeAndSecrets: revoked credentials and access tokens are refused
// with AWS's codes although unexpired, and Secrets lists every secret
// issued, revoked ones included.
func TestRevokeAndSecrets(t *testing.T) {
	srv := localcloud.StartTest(t, localcloud.WithAutoApprove(0))
	c := newClients(srv.URL())
	tok := login(t, c)
	rc := must[*sso.GetRoleCredentialsOutput](t)(c.sso.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: aws.String(tok), AccountId: aws.String("111111111111"), RoleName: aws.String("AdminAccess"),
	})).RoleCredentials
	step := stsAs(srv.URL(), *rc.AccessKeyId, *rc.SecretAccessKey, *rc.SessionToken)
	if _, err := step.GetCallerIdentity(ctx, nil); err != nil {
		t.Fatal(err)
	}
	srv.RevokeCredentials()
	_, err := step.GetCallerIdentity(ctx, nil)
	wantCode(t, err, "InvalidClientTokenId")
	srv.RevokeAccessTokens()
	_, err = c.sso.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: aws.String(tok)})
	wantCode(t, err, "UnauthorizedException")
	all := strings.Join(srv.Secrets(), "\n")
	for _, s := range []string{tok, *rc.AccessKeyId, *rc.SecretAccessKey, *rc.SessionToken} {
		if !strings.Contains(all, s) {
			t.Fatalf("Secrets misses %.8s…", s)
		}
	}
}
