package aws

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

func TestAmbientIniReader(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config")
	data := "global = ignored\n" +
		"; a comment\n" +
		"[ profile  dev ] # trailing\n" +
		"Region = eu-west-1 ; inline comment\n" +
		"s3 =\n" +
		"  max_concurrent_requests = 20\n" +
		"  region = nested-not-ours\n" +
		"output: json\n" +
		"role_session_name = 'quoted'\n" +
		"credential_process = tool --flag=a#b\n" +
		"  --more\n" +
		"\tbroken line without separator\r\n" +
		"[default]\n" +
		"region = us-east-2\n"
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	secs, err := readIni(p)
	if err != nil {
		t.Fatal(err)
	}
	dev := secs["profile dev"]
	want := map[string]string{"region": "eu-west-1", "output": "json", "role_session_name": "quoted",
		"credential_process": "tool --flag=a#b\n--more\nbroken line without separator", "s3": ""}
	for k, v := range want {
		if dev[k].value != v {
			t.Errorf("%s = %q, want %q", k, dev[k].value, v)
		}
	}
	if len(dev) != len(want) {
		t.Errorf("profile dev holds %v", dev)
	}
	if at := dev["region"].at(); at != p+":4" {
		t.Errorf("region read at %s", at)
	}
	if secs["default"]["region"].value != "us-east-2" || secs["global"] != nil {
		t.Errorf("sections %v", secs)
	}
	if s, err := readIni(filepath.Join(t.TempDir(), "missing")); s != nil || err != nil {
		t.Errorf("a missing file: %v %v", s, err)
	}
}

// ambientStep is an aws/ambient step seeing env.
func ambientStep(env map[string]string, region string) (*AWSAmbient, *auth.Step) {
	s := &AWSAmbient{}
	s.Principal.Region = region
	a := &auth.Authenticator{Getenv: func(k string) string { return env[k] }, RetryBackoff: time.Millisecond}
	return s, &auth.Step{Auth: a, Chain: []*config.Entry{{Name: "ambient", Spec: s}}}
}

func TestAmbientRegionOrder(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("[profile p]\nregion = ap-southeast-2\naws_access_key_id = AKIAP\naws_secret_access_key = s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"HOME": dir, "AWS_CONFIG_FILE": cfg, "AWS_PROFILE": "p"}
	for _, tc := range []struct {
		principal string
		env       map[string]string
		want      string
	}{
		{"eu-north-1", map[string]string{"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"}, "eu-north-1"},
		{"", map[string]string{"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"}, "eu-west-1"},
		{"", map[string]string{"AWS_DEFAULT_REGION": "eu-west-2"}, "eu-west-2"},
		{"", nil, "ap-southeast-2"},
		{"", map[string]string{"AWS_PROFILE": "", "AWS_ACCESS_KEY_ID": "AKIAE", "AWS_SECRET_ACCESS_KEY": "s"}, DefaultAWSRegion},
	} {
		env := map[string]string{}
		for _, m := range []map[string]string{base, tc.env} {
			for k, v := range m {
				env[k] = v
			}
		}
		s, st := ambientStep(env, tc.principal)
		c, err := s.Authenticate(context.Background(), st, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Region != tc.want {
			t.Errorf("%v principal %q: region %q, want %q", tc.env, tc.principal, c.Region, tc.want)
		}
	}
}

// A container endpoint that never answers: the error names it and the
// bound's variable; Ctrl-C is Ctrl-C, not a network failure.
func TestAmbientContainerTimeoutAndCancel(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	env := map[string]string{"HOME": t.TempDir(), "AWS_CONTAINER_CREDENTIALS_FULL_URI": srv.URL + "/creds", auth.EnvHTTPTimeout: "300ms"}
	s, st := ambientStep(env, "")
	_, err := s.Authenticate(context.Background(), st, nil)
	if err == nil || !strings.Contains(auth.ErrSummary(err), "no ambient AWS credentials: no answer within 300ms from the container credentials endpoint") ||
		!strings.Contains(err.Error(), auth.EnvHTTPTimeout) {
		t.Fatalf("timeout error: %v", err)
	}
	if ne, ok := errors.AsType[*auth.NetworkError](err); !ok || !ne.Timeout || !strings.Contains(ne.Endpoint, "127.0.0.1") {
		t.Fatalf("not a NetworkError naming the endpoint: %#v", err)
	}
	env[auth.EnvHTTPTimeout] = "1m"
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err = s.Authenticate(ctx, st, nil)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 10*time.Second {
		t.Fatalf("cancelled: %v after %s", err, time.Since(start))
	}
}

func TestAmbientProcessBounds(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	run := func(command, timeout string) error {
		t.Helper()
		if err := os.WriteFile(cfg, []byte("[default]\ncredential_process = "+command+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		s, st := ambientStep(map[string]string{"HOME": dir, "AWS_CONFIG_FILE": cfg, auth.EnvHTTPTimeout: timeout}, "")
		_, err := s.Authenticate(context.Background(), st, nil)
		return err
	}
	if err := run("head -c 2000000 /dev/zero", "10s"); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("a flood: %v", err)
	}
	start := time.Now()
	if err := run("exec sleep 30", "300ms"); err == nil || time.Since(start) > 10*time.Second {
		t.Errorf("a hang: %v after %s", err, time.Since(start))
	}
	// A broken answer is described without being quoted: it may hold a secret.
	err := run(`echo '{"Version": 1, "AccessKeyId": "AKIA", "SecretAccessKey": "TOPSECRET", oops}'`, "10s")
	if err == nil || strings.Contains(err.Error(), "TOPSECRET") || !strings.Contains(err.Error(), cfg+":2") {
		t.Errorf("broken JSON: %v", err)
	}
	if err := run("exit 7", "10s"); err == nil || !strings.Contains(err.Error(), "exit status 7") {
		t.Errorf("a failure: %v", err)
	}
}

func TestAmbientSSOErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("[profile dev]\nsso_session = nosuch\nsso_account_id = 1\nsso_role_name = R\n"+
		"[profile login]\nlogin_session = arn:aws:iam::1:user/me\n[profile fresh]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for profile, want := range map[string]string{"dev": cfg + ":2", "fresh": "aws sso login --profile fresh", "login": cfg + ":6"} {
		s, st := ambientStep(map[string]string{"HOME": dir, "AWS_CONFIG_FILE": cfg, "AWS_PROFILE": profile}, "")
		// What the CLI prints (the summary) keeps the file:line and the advice.
		if _, err := s.Authenticate(context.Background(), st, nil); err == nil || !strings.Contains(auth.ErrSummary(err), want) {
			t.Errorf("%s: %v, want %q", profile, err, want)
		}
	}
}

func TestAmbientContainerEndpoint(t *testing.T) {
	env := map[string]string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/x"}
	if u, v := containerEndpoint(func(k string) string { return env[k] }); u != "http://169.254.170.2/v2/credentials/abc" || v != "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" {
		t.Errorf("relative: %s %s", u, v)
	}
	delete(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
	if u, v := containerEndpoint(func(k string) string { return env[k] }); u != "http://127.0.0.1/x" || v != "AWS_CONTAINER_CREDENTIALS_FULL_URI" {
		t.Errorf("full: %s %s", u, v)
	}
	for raw, ok := range map[string]bool{"https://creds.example.com/x": true, "http://127.0.0.1:9/x": true, "http://[::1]/x": true,
		"http://169.254.170.2/x": true, "http://169.254.170.23/x": true, "http://[fd00:ec2::23]/x": true, "http://localhost/x": true,
		"http://192.0.2.7/x": false, "http://[fd00:ec2::24]/x": false, "ftp://127.0.0.1/x": false, "http:///x": false} {
		if err := allowedContainerURL(context.Background(), raw); (err == nil) != ok {
			t.Errorf("%s: %v, want allowed %v", raw, err, ok)
		}
	}
}

// IMDSv1 when the token call is refused (405), as the SDK falls back.
func TestAmbientIMDSv1Fallback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut:
			w.WriteHeader(http.StatusMethodNotAllowed)
		case r.Header.Get("X-Aws-Ec2-Metadata-Token") != "":
			w.WriteHeader(http.StatusBadRequest)
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
			w.Write([]byte("Role\n"))
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/Role":
			w.Write([]byte(`{"Code":"Success","AccessKeyId":"AKIAV1","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}`))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	s, st := ambientStep(map[string]string{"HOME": t.TempDir(), "AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.URL}, "")
	c, err := s.Authenticate(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id, _, _ := keysOf(c); id != "AKIAV1" || c.Role != "ambient (EC2RoleProvider)" || time.Until(c.Expiration) > time.Hour {
		t.Errorf("credentials %s %s %s", id, c.Role, c.Expiration)
	}
}

// Environment keys come first: an unreadable config file does not matter
// until the chain gets to the profile.
func TestAmbientUnreadableFiles(t *testing.T) {
	dir := t.TempDir() // a directory is not a readable file
	env := map[string]string{"HOME": dir, "AWS_CONFIG_FILE": dir, "AWS_ACCESS_KEY_ID": "AKIAE", "AWS_SECRET_ACCESS_KEY": "s"}
	s, st := ambientStep(env, "")
	if _, err := s.Authenticate(context.Background(), st, nil); err != nil {
		t.Fatal(err)
	}
	delete(env, "AWS_ACCESS_KEY_ID")
	if _, err := s.Authenticate(context.Background(), st, nil); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("an unreadable config file: %v", err)
	}
}
