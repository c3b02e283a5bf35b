package aws

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// ambientVars are the variables either chain reads; each case sets its own
// and clears the others, for the SDK (the process environment) and for us
// (the authenticator's Getenv) alike.
var ambientVars = []string{"HOME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
	"AWS_ACCOUNT_ID", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_SDK_LOAD_CONFIG", "AWS_CA_BUNDLE"}

// hostServer plays the credentials endpoints of a host: IMDSv2, a
// container endpoint and the IAM Identity Center portal, each answering
// fixed keys only to the right token.
func hostServer(t *testing.T) *httptest.Server {
	exp := time.Now().Add(6 * time.Hour).UTC().Truncate(time.Second)
	creds := func(w http.ResponseWriter, kv ...any) {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		_ = json.NewEncoder(w).Encode(m)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /latest/api/token", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds") == "" {
			http.Error(w, "no ttl", 400)
			return
		}
		w.Header().Set("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", r.Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"))
		fmt.Fprint(w, "imds-session-token")
	})
	imdsAuth := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("X-Aws-Ec2-Metadata-Token") != "imds-session-token" {
			w.WriteHeader(401)
			return false
		}
		return true
	}
	mux.HandleFunc("GET /latest/meta-data/iam/security-credentials/", func(w http.ResponseWriter, r *http.Request) {
		if imdsAuth(w, r) {
			fmt.Fprint(w, "InstanceRole\n")
		}
	})
	mux.HandleFunc("GET /latest/meta-data/iam/security-credentials/InstanceRole", func(w http.ResponseWriter, r *http.Request) {
		if imdsAuth(w, r) {
			creds(w, "Code", "Success", "Type", "AWS-HMAC", "AccessKeyId", "AKIAIMDSEXAMPLE00001", "SecretAccessKey", "imds-secret",
				"Token", "", "Expiration", exp, "LastUpdated", time.Now().UTC())
		}
	})
	mux.HandleFunc("GET /container/creds", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "container-auth-token" {
			w.WriteHeader(401)
			creds(w, "code", "Unauthorized", "message", "bad token")
			return
		}
		creds(w, "AccessKeyId", "AKIACONTAINEREXAMPLE", "SecretAccessKey", "container-secret", "Token", "",
			"Expiration", exp, "AccountId", "444455556666")
	})
	mux.HandleFunc("GET /federation/credentials", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Header.Get("x-amz-sso_bearer_token") != "sso-access-token" || q.Get("account_id") != "222222222222" || q.Get("role_name") != "DevAdmin" {
			w.WriteHeader(401)
			creds(w, "message", "Session token not found or invalid")
			return
		}
		creds(w, "roleCredentials", map[string]any{"accessKeyId": "ASIASSOEXAMPLE000001", "secretAccessKey": "sso-secret",
			"sessionToken": "sso-session", "expiration": exp.UnixMilli()})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// unsignedJWT is a web identity token the local cloud reads (it does not
// check signatures).
func unsignedJWT(exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		enc(fmt.Appendf(nil, `{"iss":"https://issuer.example","sub":"system:serviceaccount:ns:app","aud":"sts.amazonaws.com","exp":%d}`, exp.Unix())) + ".c2ln"
}

type ambientCase struct {
	name        string
	env         map[string]string
	config      string // ~/.aws/config
	credentials string // ~/.aws/credentials
	files       map[string]string
	sameKeys    bool   // the keys themselves must match (fixed sources)
	wantErr     string // both fail; ours says this
}

func ambientCases() []ambientCase {
	ssoCache := func(key string, exp time.Time) string {
		sum := sha1.Sum([]byte(key))
		return ".aws/sso/cache/" + hex.EncodeToString(sum[:]) + ".json"
	}
	valid := fmt.Sprintf(`{"accessToken":"sso-access-token","expiresAt":"%s"}`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	expired := fmt.Sprintf(`{"accessToken":"sso-access-token","expiresAt":"%s"}`, time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
	const base = "[base]\naws_access_key_id = AKIABASEEXAMPLE00001\naws_secret_access_key = base-secret\naws_account_id = 111122223333\n"
	return []ambientCase{
		{name: "env keys", sameKeys: true, env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE000001", "AWS_SECRET_ACCESS_KEY": "env-secret",
			"AWS_SESSION_TOKEN": "env-token", "AWS_ACCOUNT_ID": "123456789012", "AWS_PROFILE": "admin"},
			config: "[profile admin]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\nsource_profile = base\n", credentials: base},
		{name: "env key aliases", sameKeys: true, env: map[string]string{"AWS_ACCESS_KEY": "AKIAENVEXAMPLE000002", "AWS_SECRET_KEY": "env-secret-2"}},
		{name: "env web identity", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "{{HOME}}/token", "AWS_ROLE_ARN": "arn:aws:iam::999999999999:role/ProductionAdmin",
			"AWS_ROLE_SESSION_NAME": "pod-session"}, files: map[string]string{"token": unsignedJWT(time.Now().Add(time.Hour))}},
		{name: "env web identity without role", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "{{HOME}}/token"},
			files: map[string]string{"token": "x.y.z"}, wantErr: "AWS_ROLE_ARN"},
		{name: "default profile static keys", sameKeys: true, env: map[string]string{},
			config:      "# comment\n[default]\nregion = eu-west-2 ; inline\ns3 =\n  max_concurrent_requests = 20\n",
			credentials: "[default]\nAWS_ACCESS_KEY_ID = AKIADEFAULTEXAMPLE01\naws_secret_access_key = \"default-secret\"\n"},
		{name: "credentials-file profile with an account", sameKeys: true, env: map[string]string{"AWS_PROFILE": "base"}, credentials: base},
		{name: "AWS_DEFAULT_PROFILE", sameKeys: true, env: map[string]string{"AWS_DEFAULT_PROFILE": "dev"},
			config:      "[profile dev]\nregion = ap-south-1\naws_access_key_id = AKIACONFIGEXAMPLE001\naws_secret_access_key = config-secret\n",
			credentials: "[dev]\naws_access_key_id = AKIACREDSEXAMPLE0001\naws_secret_access_key = creds-secret\n"},
		{name: "role_arn with source_profile, two hops", env: map[string]string{"AWS_PROFILE": "ro", "AWS_REGION": "eu-central-1"},
			config: "[profile admin]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\nsource_profile = base\nrole_session_name = hop1\nduration_seconds = 3600\n" +
				"[profile ro]\nrole_arn = arn:aws:iam::999999999999:role/ReadOnlyAccess\nsource_profile = admin\nrole_session_name = hop2\n",
			credentials: base},
		// As the SDK: base's keys assume base's role, then top's.
		{name: "source_profile with keys and a role of its own", env: map[string]string{"AWS_PROFILE": "top"},
			config: "[profile top]\nrole_arn = arn:aws:iam::999999999999:role/ReadOnlyAccess\nsource_profile = base\nrole_session_name = top\n" +
				"[profile base]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\nsource_profile = nosuch\nrole_session_name = inner\n",
			credentials: base},
		{name: "profile sourcing itself", env: map[string]string{"AWS_PROFILE": "base"},
			config: "[profile base]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\nsource_profile = base\nrole_session_name = self\n", credentials: base},
		{name: "external_id", env: map[string]string{"AWS_PROFILE": "ext"},
			config:      "[profile ext]\nrole_arn = arn:aws:iam::999999999999:role/ExternalIdRole\nsource_profile = base\nrole_session_name = ext\nexternal_id = " + localcloud.DefaultExternalID + "\n",
			credentials: base},
		{name: "source_profile cycle", env: map[string]string{"AWS_PROFILE": "a"},
			config:  "[profile a]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\nsource_profile = a\n",
			wantErr: "cycle"},
		{name: "mfa_serial", env: map[string]string{"AWS_PROFILE": "mfa"},
			config:      "[profile mfa]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\nsource_profile = base\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n",
			credentials: base, wantErr: "MFA"},
		{name: "credential_source Environment loses to env keys", sameKeys: true,
			env:    map[string]string{"AWS_PROFILE": "envsrc", "AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE000003", "AWS_SECRET_ACCESS_KEY": "env-secret-3"},
			config: "[profile envsrc]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\ncredential_source = Environment\n"},
		{name: "credential_source EcsContainer", env: map[string]string{"AWS_PROFILE": "ecs", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "{{HOST}}/container/creds",
			"AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-token"},
			config: "[profile ecs]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\ncredential_source = EcsContainer\nrole_session_name = ecs\n"},
		{name: "credential_source Ec2InstanceMetadata", env: map[string]string{"AWS_PROFILE": "ec2", "AWS_EC2_METADATA_DISABLED": "false"},
			config: "[profile ec2]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\ncredential_source = Ec2InstanceMetadata\nrole_session_name = ec2\n"},
		{name: "credential_source unknown", env: map[string]string{"AWS_PROFILE": "bad"},
			config: "[profile bad]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\ncredential_source = Nowhere\n", wantErr: "config:3"},
		{name: "web_identity_token_file profile", env: map[string]string{"AWS_PROFILE": "wi"}, files: map[string]string{"token": unsignedJWT(time.Now().Add(time.Hour))},
			config: "[profile wi]\nrole_arn = arn:aws:iam::999999999999:role/ProductionAdmin\nweb_identity_token_file = {{HOME}}/token\nrole_session_name = wi\n"},
		{name: "sso-session with cached token", sameKeys: true, env: map[string]string{"AWS_PROFILE": "dev"},
			config: "[profile dev]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = DevAdmin\nregion = us-west-2\n" +
				"[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\nsso_registration_scopes = sso:account:access\n",
			files: map[string]string{ssoCache("corp", time.Time{}): valid}},
		{name: "legacy sso profile", sameKeys: true, env: map[string]string{"AWS_PROFILE": "legacy"},
			config: "[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 222222222222\nsso_role_name = DevAdmin\n",
			files:  map[string]string{ssoCache("https://legacy.awsapps.com/start", time.Time{}): valid}},
		{name: "legacy sso profile, expired token", env: map[string]string{"AWS_PROFILE": "legacy"},
			config:  "[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 222222222222\nsso_role_name = DevAdmin\n",
			files:   map[string]string{ssoCache("https://legacy.awsapps.com/start", time.Time{}): expired},
			wantErr: "aws sso login --profile legacy"},
		{name: "credential_process", sameKeys: true, env: map[string]string{"AWS_PROFILE": "proc"},
			config: "[profile proc]\ncredential_process = sh {{HOME}}/creds.sh  arg\n",
			files: map[string]string{"creds.sh": `test "$1" = arg || exit 3
printf '{"Version": 1, "AccessKeyId": "AKIAPROCESSEXAMPLE01", "SecretAccessKey": "process-secret", "SessionToken": "process-token", "Expiration": "%s", "AccountId": "777788889999"}' "` +
				time.Now().Add(2*time.Hour).UTC().Format(time.RFC3339) + `"`}},
		{name: "credential_process, bad version", env: map[string]string{"AWS_PROFILE": "proc"},
			config: "[profile proc]\ncredential_process = echo '{\"Version\": 2, \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"b\"}'\n", wantErr: "Version 2"},
		{name: "container full URI with token file", sameKeys: true, env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{{HOST}}/container/creds",
			"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{{HOME}}/ecs-token", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong"},
			files: map[string]string{"ecs-token": "container-auth-token"}},
		{name: "container full URI, http to a remote host", env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.1/creds"}, wantErr: "not allowed"},
		{name: "container token with a line break", env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{{HOST}}/container/creds",
			"AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-token\r\nX-Evil: 1"}, wantErr: "line break"},
		{name: "IMDSv2", sameKeys: true, env: map[string]string{"AWS_EC2_METADATA_DISABLED": "false"}},
		{name: "partial keys in the credentials file", env: map[string]string{"AWS_PROFILE": "half"},
			credentials: "[half]\naws_access_key_id = AKIAHALFEXAMPLE00001\n", wantErr: "only one of aws_access_key_id"},
		{name: "missing profile", env: map[string]string{"AWS_PROFILE": "nosuch"}, wantErr: `"nosuch"`},
		{name: "nothing at all", env: map[string]string{}, wantErr: "AWS_EC2_METADATA_DISABLED"},
	}
}

// TestAmbientMatchesSDK holds our default chain to the SDK's
// (config.LoadDefaultConfig and Retrieve) on the same files, variables and
// servers: the same source, account, region, expiry and keys (or, for
// keys STS issued, the same caller).
func TestAmbientMatchesSDK(t *testing.T) {
	cloud := localcloud.StartTest(t)
	host := hostServer(t)
	for _, tc := range ambientCases() {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			subst := strings.NewReplacer("{{HOME}}", home, "{{HOST}}", host.URL)
			env := map[string]string{"HOME": home, "AWS_ENDPOINT_URL": cloud.URL(), "AWS_ENDPOINT_URL_SSO": host.URL,
				"AWS_EC2_METADATA_DISABLED": "true", "AWS_EC2_METADATA_SERVICE_ENDPOINT": host.URL,
				"AWS_CONFIG_FILE": filepath.Join(home, ".aws", "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, ".aws", "credentials")}
			for k, v := range tc.env {
				env[k] = subst.Replace(v)
			}
			files := map[string]string{".aws/config": tc.config, ".aws/credentials": tc.credentials}
			for k, v := range tc.files {
				files[k] = v
			}
			for name, content := range files {
				p := filepath.Join(home, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(subst.Replace(content)), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			ours, ourErr := ambientOf(t, env)
			sdk, sdkRegion, sdkErr := sdkAmbient(t, env, cloud.URL())
			if tc.wantErr != "" {
				if ourErr == nil || sdkErr == nil {
					t.Fatalf("want both to fail: ours %v, SDK %v", ourErr, sdkErr)
				}
				if !strings.Contains(ourErr.Error(), tc.wantErr) {
					t.Fatalf("our error %q does not say %q (SDK: %v)", ourErr, tc.wantErr, sdkErr)
				}
				return
			}
			if ourErr != nil || sdkErr != nil {
				t.Fatalf("ours %v, SDK %v", ourErr, sdkErr)
			}
			if want := "ambient (" + sdk.Source + ")"; ours.Role != want {
				t.Errorf("source %q, SDK %q", ours.Role, want)
			}
			if ours.Account != sdk.AccountID {
				t.Errorf("account %q, SDK %q", ours.Account, sdk.AccountID)
			}
			if sdkRegion != "" && ours.Region != sdkRegion {
				t.Errorf("region %q, SDK %q", ours.Region, sdkRegion)
			}
			if sdk.CanExpire {
				// The SDK's cache reports container credentials 5 minutes
				// early (its expiry window); we report the endpoint's expiry.
				if d := ours.Expiration.Sub(sdk.Expires); d < -time.Minute || d > 6*time.Minute {
					t.Errorf("expires %s, SDK %s", ours.Expiration, sdk.Expires)
				}
			} else if d := time.Until(ours.Expiration); d < 59*time.Minute || d > time.Hour {
				t.Errorf("static keys expire %s, want in an hour", ours.Expiration)
			}
			id, secret, token := keysOf(ours)
			if tc.sameKeys {
				if id != sdk.AccessKeyID || secret != sdk.SecretAccessKey || token != sdk.SessionToken {
					t.Errorf("keys %s differ from the SDK's %s", id, sdk.AccessKeyID)
				}
				return
			}
			a := &auth.Authenticator{Getenv: func(string) string { return "" }}
			ourARN, _, err := stsClient{a: a, region: "us-east-1", endpoint: cloud.URL(), creds: ours}.getCallerIdentity(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			sdkARN, _, err := stsClient{a: a, region: "us-east-1", endpoint: cloud.URL(), creds: awsKeys(sdk.AccessKeyID, sdk.SecretAccessKey, sdk.SessionToken)}.getCallerIdentity(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if ourARN != sdkARN || ourARN == "" {
				t.Errorf("caller %q, SDK %q", ourARN, sdkARN)
			}
		})
	}
}

// ambientOf resolves an aws/ambient step whose environment is env.
func ambientOf(t *testing.T, env map[string]string) (*auth.Credentials, error) {
	t.Helper()
	a := &auth.Authenticator{Getenv: func(k string) string { return env[k] }, RetryBackoff: time.Millisecond}
	s := &AWSAmbient{}
	st := &auth.Step{Auth: a, Chain: []*config.Entry{{Name: "ambient", Spec: s}}}
	return s.Authenticate(context.Background(), st, nil)
}

// sdkAmbient is the SDK's answer in the process environment env.
// AWS hosts (which the SDK calls for a source profile's role, ignoring
// AWS_ENDPOINT_URL) are sent to the local cloud.
func sdkAmbient(t *testing.T, env map[string]string, cloudURL string) (awssdkCreds, string, error) {
	t.Helper()
	for _, k := range ambientVars {
		t.Setenv(k, env[k])
		if _, ok := env[k]; !ok {
			os.Unsetenv(k)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cloud, _ := url.Parse(cloudURL)
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Hostname(), ".amazonaws.com") {
			r = r.Clone(r.Context())
			r.URL.Scheme, r.URL.Host, r.Host = cloud.Scheme, cloud.Host, cloud.Host
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	// Our fallback region (stepRegion: no chain region) is the SDK's default.
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithHTTPClient(client), awsconfig.WithDefaultRegion(DefaultAWSRegion))
	if err != nil {
		return awssdkCreds{}, "", err
	}
	v, err := cfg.Credentials.Retrieve(ctx)
	return v, cfg.Region, err
}

type awssdkCreds = awssdk.Credentials

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
