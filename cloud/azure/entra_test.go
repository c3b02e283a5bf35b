package azure

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

func TestAADErrorIsTerminalSafeAndExplained(t *testing.T) {
	body := []byte(`{"error":"invalid_grant","error_description":"AADSTS53003: blocked\u001b]0;pwned\u0007 by policy\nTrace ID: x","error_codes":[53003]}`)
	e := aadErrorOf("https://login.microsoftonline.com/t/oauth2/v2.0/token", 400, body)
	msg := e.Error()
	if strings.ContainsAny(msg, "\x1b\x07\n") {
		t.Fatalf("control characters reach the message: %q", msg)
	}
	if !strings.Contains(msg, "AADSTS53003 (blocked by a Conditional Access policy") {
		t.Fatalf("code not explained: %q", msg)
	}
	if !errors.Is(e, auth.ErrCredentialsRefused) {
		t.Fatal("invalid_grant is not a refusal of the credentials sent")
	}
	// The code is read from the description when error_codes is absent.
	e = aadErrorOf("https://x", 400, []byte(`{"error":"invalid_client","error_description":"AADSTS700024: Client assertion is not within its valid time range."}`))
	if e.Code != "700024" || errors.Is(e, auth.ErrCredentialsRefused) {
		t.Fatalf("got %+v", e)
	}
}

func TestMSALCacheShape(t *testing.T) {
	exp := time.Unix(4102444800, 0)
	c := &auth.Credentials{Type: CredAzure, Expiration: exp, Payload: map[string]string{auth.PayloadToken: "tok",
		payObjectID: "oid1", payUser: "me@example.com", payKind: "user"}}
	var cache map[string]map[string]map[string]any
	if err := json.Unmarshal(msalCache(cloudPublic, c, "tid1"), &cache); err != nil {
		t.Fatal(err)
	}
	if len(cache["AccessToken"]) != 1 || len(cache["Account"]) != 1 || len(cache["RefreshToken"]) != 0 {
		t.Fatalf("cache = %v", cache)
	}
	for _, at := range cache["AccessToken"] {
		if at["secret"] != "tok" || at["environment"] != "login.microsoftonline.com" || at["realm"] != "tid1" ||
			at["client_id"] != azureCLIClientID || at["home_account_id"] != "oid1.tid1" || at["expires_on"] != "4102444800" ||
			!strings.Contains(at["target"].(string), "https://management.core.windows.net//.default") {
			t.Fatalf("access token entry = %v", at)
		}
	}
	// AD FS authorities have the realm "adfs"; no token, no entries.
	adfs := cloudPublic
	adfs.Authority = "https://127.0.0.1:8443/adfs"
	_ = json.Unmarshal(msalCache(adfs, c, "tid1"), &cache)
	for _, at := range cache["AccessToken"] {
		if at["realm"] != "adfs" || at["environment"] != "127.0.0.1" {
			t.Fatalf("adfs entry = %v", at)
		}
	}
	_ = json.Unmarshal(msalCache(cloudPublic, nil, "tid1"), &cache)
	if len(cache["AccessToken"]) != 0 {
		t.Fatal("a cache without credentials holds a token")
	}
}
