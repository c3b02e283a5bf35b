package localcloud_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// stsShapes is the STS behaviour both localcloud and moto share: the same
// test body runs against both servers.
func stsShapes(t *testing.T, url string) {
	base := stsAs(url, "AKIDTESTTESTTEST", "test", "")
	who, err := base.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(aws.ToString(who.Account)) != 12 || !strings.HasPrefix(aws.ToString(who.Arn), "arn:aws:") || aws.ToString(who.UserId) == "" {
		t.Fatalf("GetCallerIdentity: %+v", who)
	}

	roleARN := "arn:aws:iam::999999999999:role/ProductionAdmin"
	ar, err := base.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("shape-test"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	cr := ar.Credentials
	if aws.ToString(cr.AccessKeyId) == "" || aws.ToString(cr.SecretAccessKey) == "" || aws.ToString(cr.SessionToken) == "" || cr.Expiration == nil {
		t.Fatalf("AssumeRole credentials incomplete: %+v", cr)
	}
	if d := time.Until(*cr.Expiration); d < 10*time.Minute || d > 16*time.Minute {
		t.Fatalf("AssumeRole expiration %v is not ~15 minutes away", cr.Expiration)
	}
	wantARN := "arn:aws:sts::999999999999:assumed-role/ProductionAdmin/shape-test"
	if got := aws.ToString(ar.AssumedRoleUser.Arn); got != wantARN {
		t.Fatalf("AssumedRoleUser.Arn = %s, want %s", got, wantARN)
	}
	if id := aws.ToString(ar.AssumedRoleUser.AssumedRoleId); !strings.HasSuffix(id, ":shape-test") || !strings.HasPrefix(id, "AROA") {
		t.Fatalf("AssumedRoleId = %s", id)
	}
	as := stsAs(url, aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	who2, err := as.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who2.Arn) != wantARN || aws.ToString(who2.Account) != "999999999999" {
		t.Fatalf("GetCallerIdentity as role: %+v", who2)
	}

	st, err := base.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(3600)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(st.Credentials.AccessKeyId) == "" || st.Credentials.Expiration == nil || !st.Credentials.Expiration.After(time.Now()) {
		t.Fatalf("GetSessionToken: %+v", st.Credentials)
	}
}

func TestSTSShapesLocalcloud(t *testing.T) {
	srv := localcloud.StartTest(t)
	stsShapes(t, srv.URL())
	// Stricter than moto, which accepts any duration.
	_, err := stsAs(srv.URL(), "AKIDTESTTESTTEST", "test", "").AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::999999999999:role/ProductionAdmin"), RoleSessionName: aws.String("x"), DurationSeconds: aws.Int32(100),
	})
	wantCode(t, err, "ValidationError")
}

func TestSTSShapesMoto(t *testing.T) {
	url := testenv.StartMoto(t)
	stsShapes(t, url)
}

func TestRoleChainCallerIdentity(t *testing.T) {
	srv := localcloud.StartTest(t, localcloud.WithAutoApprove(0))
	c := newClients(srv.URL())
	tok := login(t, c)
	rc := must[*sso.GetRoleCredentialsOutput](t)(c.sso.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: aws.String(tok), AccountId: aws.String("111111111111"), RoleName: aws.String("AdminAccess"),
	})).RoleCredentials
	step := stsAs(srv.URL(), *rc.AccessKeyId, *rc.SecretAccessKey, *rc.SessionToken)
	for _, role := range []string{"arn:aws:iam::222222222222:role/DevAdmin", "arn:aws:iam::999999999999:role/ProductionAdmin"} {
		out, err := step.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("chain")})
		if err != nil {
			t.Fatal(err)
		}
		step = stsAs(srv.URL(), *out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	}
	who := must[*sts.GetCallerIdentityOutput](t)(step.GetCallerIdentity(ctx, nil))
	if got := aws.ToString(who.Arn); got != "arn:aws:sts::999999999999:assumed-role/ProductionAdmin/chain" {
		t.Fatalf("caller after chain: %s", got)
	}
	// Role chaining caps sessions at one hour.
	_, err := step.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:role/DevAdmin"), RoleSessionName: aws.String("chain"), DurationSeconds: aws.Int32(7200)})
	wantCode(t, err, "ValidationError")
}

func TestAssumeRoleRules(t *testing.T) {
	clock := newFakeClock()
	srv := localcloud.StartTest(t, localcloud.WithClock(clock.Now))
	base := stsAs(srv.URL(), "AKIDTESTTESTTEST", "test", "")
	assume := func(c *sts.Client, in sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
		if in.RoleSessionName == nil {
			in.RoleSessionName = aws.String("rules")
		}
		return c.AssumeRole(ctx, &in)
	}
	_, err := assume(base, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/DeniedRole")})
	wantCode(t, err, "AccessDenied")
	_, err = assume(base, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/NoSuchRole")})
	wantCode(t, err, "AccessDenied")
	_, err = assume(base, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/ExternalIdRole")})
	wantCode(t, err, "AccessDenied")
	_, err = assume(base, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/ExternalIdRole"), ExternalId: aws.String(localcloud.DefaultExternalID)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = assume(base, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/OnlyFromStaging")})
	wantCode(t, err, "AccessDenied")
	_, err = assume(base, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/ReadOnlyAccess"), DurationSeconds: aws.Int32(7200)})
	wantCode(t, err, "ValidationError")
	_, err = assume(base, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/ProductionAdmin"), DurationSeconds: aws.Int32(43201)})
	wantCode(t, err, "ValidationError")
	_, err = assume(base, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/ProductionAdmin"), RoleSessionName: aws.String("bad name!")})
	wantCode(t, err, "ValidationError")

	// Credentials expire on the server's clock.
	out, err := assume(base, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/ProductionAdmin"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Credentials.Expiration.Equal(clock.Now().Add(900 * time.Second)) {
		t.Fatalf("expiration %v", out.Credentials.Expiration)
	}
	as := stsAs(srv.URL(), *out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	clock.Advance(901 * time.Second)
	_, err = as.GetCallerIdentity(ctx, nil)
	wantCode(t, err, "ExpiredToken")

	// Short credential lifetimes, switched on at run time.
	srv.SetCredentialLifetime(time.Minute)
	out, err = assume(base, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/ProductionAdmin")})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Credentials.Expiration.Equal(clock.Now().Add(time.Minute)) {
		t.Fatalf("capped expiration %v", out.Credentials.Expiration)
	}
}

func TestGetSessionTokenMFA(t *testing.T) {
	srv := localcloud.StartTest(t)
	base := stsAs(srv.URL(), "AKIDTESTTESTTEST", "test", "")
	serial := aws.String("arn:aws:iam::111111111111:mfa/localcloud-user")
	_, err := base.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String("000000")})
	wantCode(t, err, "AccessDenied")
	out, err := base.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(localcloud.DefaultMFACode)})
	if err != nil {
		t.Fatal(err)
	}
	as := stsAs(srv.URL(), *out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	who := must[*sts.GetCallerIdentityOutput](t)(as.GetCallerIdentity(ctx, nil))
	if aws.ToString(who.Arn) != "arn:aws:iam::111111111111:user/localcloud-user" {
		t.Fatalf("caller: %s", aws.ToString(who.Arn))
	}
	_, err = as.GetSessionToken(ctx, nil)
	wantCode(t, err, "AccessDenied")
}

func TestAssumeRoot(t *testing.T) {
	srv := localcloud.StartTest(t)
	base := stsAs(srv.URL(), "AKIDTESTTESTTEST", "test", "")
	policy := &ststypes.PolicyDescriptorType{Arn: aws.String(localcloud.RootTaskPolicies[0])}
	_, err := base.AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String("999999999999"), TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}})
	wantCode(t, err, "ValidationError")
	_, err = base.AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String("999999999999"), TaskPolicyArn: policy, DurationSeconds: aws.Int32(901)})
	wantCode(t, err, "ValidationError")
	_, err = base.AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String("123456789012"), TaskPolicyArn: policy})
	wantCode(t, err, "AccessDenied")
	out, err := base.AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String("999999999999"), TaskPolicyArn: policy})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(*out.Credentials.Expiration); d > 15*time.Minute || d < 14*time.Minute {
		t.Fatalf("root session lasts %v", d)
	}
	as := stsAs(srv.URL(), *out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	who := must[*sts.GetCallerIdentityOutput](t)(as.GetCallerIdentity(ctx, nil))
	if aws.ToString(who.Arn) != "arn:aws:iam::999999999999:root" {
		t.Fatalf("root caller: %+v", who)
	}
}

func jwt(claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." + enc(claims) + ".c2lnbmF0dXJl"
}

func TestWebIdentityAndSAML(t *testing.T) {
	srv := localcloud.StartTest(t)
	anon := sts.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL())})
	role := aws.String("arn:aws:iam::222222222222:role/CIDeploy")
	exp := time.Now().Add(time.Hour).Unix()
	good := jwt(map[string]any{"iss": "https://token.actions.githubusercontent.com", "sub": "repo:acme/infra:ref:refs/heads/main", "aud": "sts.amazonaws.com", "exp": exp})
	out, err := anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: aws.String("gha"), WebIdentityToken: aws.String(good)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::222222222222:assumed-role/CIDeploy/gha" || aws.ToString(out.SubjectFromWebIdentityToken) != "repo:acme/infra:ref:refs/heads/main" {
		t.Fatalf("web identity: %+v", out)
	}
	wrongAud := jwt(map[string]any{"aud": "other", "exp": exp})
	_, err = anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: aws.String("gha"), WebIdentityToken: aws.String(wrongAud)})
	wantCode(t, err, "InvalidIdentityToken")
	expired := jwt(map[string]any{"aud": "sts.amazonaws.com", "exp": time.Now().Add(-time.Minute).Unix()})
	_, err = anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: aws.String("gha"), WebIdentityToken: aws.String(expired)})
	var et *ststypes.ExpiredTokenException
	if !errorsAs(err, &et) {
		t.Fatalf("want ExpiredTokenException, got %v", err)
	}
	_, err = anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: aws.String("gha"), WebIdentityToken: aws.String("not-a-jwt")})
	wantCode(t, err, "InvalidIdentityToken")

	saml := base64.StdEncoding.EncodeToString([]byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://idp.example.com</saml:Issuer><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Subject><saml:NameID>alice@example.com</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>`))
	so, err := anon.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/SAMLAdmin"), PrincipalArn: aws.String("arn:aws:iam::222222222222:saml-provider/idp"), SAMLAssertion: aws.String(saml),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(so.AssumedRoleUser.Arn) != "arn:aws:sts::222222222222:assumed-role/SAMLAdmin/alice@example.com" || aws.ToString(so.Issuer) != "https://idp.example.com" {
		t.Fatalf("saml: %+v %s", so.AssumedRoleUser, aws.ToString(so.Issuer))
	}
	_, err = anon.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/SAMLAdmin"), PrincipalArn: aws.String("arn:aws:iam::222222222222:saml-provider/idp"), SAMLAssertion: aws.String("!!!"),
	})
	wantCode(t, err, "InvalidIdentityToken")
}

func TestECRAuthorizationToken(t *testing.T) {
	srv := localcloud.StartTest(t, localcloud.WithECR("s3cret", "http://127.0.0.1:5000"))
	c := newClients(srv.URL())
	out, err := c.ecr.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	d := out.AuthorizationData[0]
	raw, _ := base64.StdEncoding.DecodeString(aws.ToString(d.AuthorizationToken))
	if string(raw) != "AWS:s3cret" || aws.ToString(d.ProxyEndpoint) != "http://127.0.0.1:5000" || time.Until(*d.ExpiresAt) < 11*time.Hour {
		t.Fatalf("ecr: %s %+v", raw, d)
	}
	srv.Throttle("GetAuthorizationToken", 2)
	if _, err := c.ecr.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{}); err != nil {
		t.Fatalf("throttled ECR call was not retried: %v", err)
	}
	if n := srv.Calls("GetAuthorizationToken"); n != 4 {
		t.Fatalf("GetAuthorizationToken calls %d, want 4", n)
	}
}

func TestFaultsAreRetried(t *testing.T) {
	srv := localcloud.StartTest(t, localcloud.WithAutoApprove(0))
	c := newClients(srv.URL())
	srv.Throttle("GetCallerIdentity", 2)
	if _, err := c.sts.GetCallerIdentity(ctx, nil); err != nil {
		t.Fatalf("throttled STS call was not retried: %v", err)
	}
	srv.Throttle("GetCallerIdentity", 3) // the standard retryer makes 3 attempts
	_, err := c.sts.GetCallerIdentity(ctx, nil)
	wantCode(t, err, "Throttling")

	tok := aws.String(login(t, c))
	srv.Throttle("ListAccounts", 1)
	srv.FailServer("ListAccounts", 1, 503)
	if _, err := c.sso.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: tok}); err != nil {
		t.Fatalf("faulted SSO call was not retried: %v", err)
	}
	srv.FailServer("CreateToken", 1, 0)
	login(t, c)
	st := srv.Stats()
	if st.Calls["GetCallerIdentity"] != 6 || st.Calls["ListAccounts"] != 3 || st.Errors["GetCallerIdentity/Throttling"] != 5 || st.Errors["ListAccounts/TooManyRequestsException"] != 1 || st.Errors["CreateToken/InternalServerException"] != 1 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestLatency(t *testing.T) {
	srv := localcloud.StartTest(t, localcloud.WithLatency(50*time.Millisecond))
	c := newClients(srv.URL())
	start := time.Now()
	if _, err := c.sts.GetCallerIdentity(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("request took %v, want at least 50ms", d)
	}
}
