package localcloud

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2/google"
)

// Google's own Go client (golang.org/x/oauth2/google) gets a token from the
// local cloud through an external_account file: the STS token exchange
// and the service account impersonation speak Google's wire protocol.
func TestGoogleClientExternalAccount(t *testing.T) {
	srv := StartTest(t)
	dir := t.TempDir()
	tokFile := filepath.Join(dir, "oidc.jwt")
	if err := os.WriteFile(tokFile, []byte(TestJWT("ci-job", time.Now().Add(time.Hour))), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, impersonate, want string }{
		{"federated", "", "principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/subject/ci-job"},
		{"impersonated", `"service_account_impersonation_url": "` + srv.URL() + `/gcp/iamcredentials/v1/projects/-/serviceAccounts/sa@proj-123.iam.gserviceaccount.com:generateAccessToken",`,
			"sa@proj-123.iam.gserviceaccount.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			js := `{"type": "external_account",
  "audience": "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/prov",
  "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
  "token_url": "` + srv.URL() + `/gcp/sts/v1/token",
  ` + tc.impersonate + `
  "credential_source": {"file": "` + tokFile + `"}}`
			creds, err := google.CredentialsFromJSON(context.Background(), []byte(js), "https://www.googleapis.com/auth/cloud-platform")
			if err != nil {
				t.Fatal(err)
			}
			tok, err := creds.TokenSource.Token()
			if err != nil {
				t.Fatal(err)
			}
			if who, ok := srv.GCPTokenPrincipal(tok.AccessToken); !ok || who != tc.want {
				t.Fatalf("token of %q (live %v), want %q", who, ok, tc.want)
			}
			if !tok.Expiry.After(time.Now().Add(50 * time.Minute)) {
				t.Fatalf("expiry %v", tok.Expiry)
			}
		})
	}
	// A refused subject token is an error the client reports.
	if err := os.WriteFile(tokFile, []byte(TestJWT("denied-job", time.Now().Add(time.Hour))), 0o600); err != nil {
		t.Fatal(err)
	}
	js := `{"type": "external_account", "audience": "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/prov",
  "subject_token_type": "urn:ietf:params:oauth:token-type:jwt", "token_url": "` + srv.URL() + `/gcp/sts/v1/token",
  "credential_source": {"file": "` + tokFile + `"}}`
	creds, err := google.CredentialsFromJSON(context.Background(), []byte(js), "https://www.googleapis.com/auth/cloud-platform")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := creds.TokenSource.Token(); err == nil || !strings.Contains(err.Error(), "attribute condition") {
		t.Fatalf("err = %v", err)
	}
}
