package localcloud_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// awsCLI runs the aws CLI v1 (an independent client: botocore, not the Go
// SDK) against url and decodes its JSON output.
type awsCLI struct {
	t      *testing.T
	bin    string
	url    string
	home   string
	config string
}

func (a awsCLI) run(env []string, args ...string) map[string]any {
	a.t.Helper()
	args = append(args, "--endpoint-url", a.url, "--output", "json")
	cmd := exec.Command(a.bin, args...)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + a.home,
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		// cli_follow_urlparam=false: v1 would otherwise fetch https:// values such as --start-url.
		"AWS_CONFIG_FILE=" + a.config, "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_RETRY_MODE=standard", "AWS_MAX_ATTEMPTS=3",
	}, env...)
	if v := os.Getenv("PYENV_ROOT"); v != "" {
		cmd.Env = append(cmd.Env, "PYENV_ROOT="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		a.t.Fatalf("aws %s: %v\nstderr: %s", strings.Join(args, " "), err, stderr.String())
	}
	var out map[string]any
	if stdout.Len() == 0 {
		return out
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		a.t.Fatalf("aws %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, stdout.String())
	}
	return out
}

func field(t *testing.T, m map[string]any, path ...string) string {
	t.Helper()
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("no %s in %v", strings.Join(path, "."), m)
		}
		cur = mm[p]
	}
	switch v := cur.(type) {
	case string:
		return v
	case nil:
		t.Fatalf("no %s in %v", strings.Join(path, "."), m)
	}
	b, _ := json.Marshal(cur)
	return string(b)
}

func TestAWSCLIv1(t *testing.T) {
	bin := testenv.RequireTool(t, "aws")
	srv := localcloud.StartTest(t)
	a := awsCLI{t: t, bin: bin, url: srv.URL(), home: t.TempDir()}
	a.config = filepath.Join(a.home, "config")
	if err := os.WriteFile(a.config, []byte("[default]\ncli_follow_urlparam = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	reg := a.run(nil, "sso-oidc", "register-client", "--client-name", "cli-test", "--client-type", "public", "--scopes", "sso:account:access")
	id, secret := field(t, reg, "clientId"), field(t, reg, "clientSecret")
	dev := a.run(nil, "sso-oidc", "start-device-authorization", "--client-id", id, "--client-secret", secret, "--start-url", "https://example.awsapps.com/start")
	if err := srv.Approve(field(t, dev, "userCode")); err != nil {
		t.Fatal(err)
	}
	tok := a.run(nil, "sso-oidc", "create-token", "--client-id", id, "--client-secret", secret,
		"--grant-type", "urn:ietf:params:oauth:grant-type:device_code", "--device-code", field(t, dev, "deviceCode"))
	at := field(t, tok, "accessToken")
	if field(t, tok, "refreshToken") == "" {
		t.Fatal("no refresh token")
	}

	accts := a.run(nil, "sso", "list-accounts", "--access-token", at)
	if n := len(accts["accountList"].([]any)); n != 4 {
		t.Fatalf("list-accounts: %d accounts", n)
	}
	roles := a.run(nil, "sso", "list-account-roles", "--access-token", at, "--account-id", "222222222222")
	if n := len(roles["roleList"].([]any)); n != 3 {
		t.Fatalf("list-account-roles: %d roles", n)
	}
	rc := a.run(nil, "sso", "get-role-credentials", "--access-token", at, "--account-id", "111111111111", "--role-name", "AdminAccess")
	ssoEnv := []string{
		"AWS_ACCESS_KEY_ID=" + field(t, rc, "roleCredentials", "accessKeyId"),
		"AWS_SECRET_ACCESS_KEY=" + field(t, rc, "roleCredentials", "secretAccessKey"),
		"AWS_SESSION_TOKEN=" + field(t, rc, "roleCredentials", "sessionToken"),
	}
	ar := a.run(ssoEnv, "sts", "assume-role", "--role-arn", "arn:aws:iam::999999999999:role/ProductionAdmin", "--role-session-name", "cli")
	roleEnv := []string{
		"AWS_ACCESS_KEY_ID=" + field(t, ar, "Credentials", "AccessKeyId"),
		"AWS_SECRET_ACCESS_KEY=" + field(t, ar, "Credentials", "SecretAccessKey"),
		"AWS_SESSION_TOKEN=" + field(t, ar, "Credentials", "SessionToken"),
	}
	who := a.run(roleEnv, "sts", "get-caller-identity")
	if got := field(t, who, "Arn"); got != "arn:aws:sts::999999999999:assumed-role/ProductionAdmin/cli" {
		t.Fatalf("get-caller-identity: %s", got)
	}
	root := a.run(nil, "sts", "assume-root", "--target-principal", "999999999999",
		"--task-policy-arn", "arn=arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy")
	if field(t, root, "Credentials", "AccessKeyId") == "" {
		t.Fatalf("assume-root: %v", root)
	}
	st := a.run(nil, "sts", "get-session-token", "--serial-number", "arn:aws:iam::111111111111:mfa/u", "--token-code", localcloud.DefaultMFACode)
	if field(t, st, "Credentials", "Expiration") == "" {
		t.Fatalf("get-session-token: %v", st)
	}
	ecr := a.run(nil, "ecr", "get-authorization-token")
	data := ecr["authorizationData"].([]any)[0].(map[string]any)
	raw, _ := base64.StdEncoding.DecodeString(data["authorizationToken"].(string))
	if string(raw) != "AWS:"+localcloud.DefaultECRPassword {
		t.Fatalf("ecr token decodes to %q", raw)
	}

	// The CLI retries throttling too.
	srv.Throttle("GetCallerIdentity", 1)
	a.run(nil, "sts", "get-caller-identity")
	a.run(nil, "sso", "logout", "--access-token", at)
	if n := srv.Calls("Logout"); n != 1 {
		t.Fatalf("logout calls %d", n)
	}
}
