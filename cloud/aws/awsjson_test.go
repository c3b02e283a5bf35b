package aws

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// TestJSONCall: the hand-written JSON protocol call signs with SigV4 for
// its service and region, sends the target, retries throttling and 5xx,
// does not retry a denial, and reports errors as smithy API errors.
func TestJSONCall(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		if a := r.Header.Get("Authorization"); !strings.Contains(a, "/eu-west-1/ecr/aws4_request") || !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIATEST/") {
			t.Errorf("authorization %q", a)
		}
		if r.Header.Get("X-Amz-Security-Token") != "tok" || r.Header.Get("X-Amz-Target") != "Svc.Op" {
			t.Errorf("headers %v", r.Header)
		}
		switch {
		case strings.Contains(r.URL.Path, "deny"):
			w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException:http://internal")
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{"message": "no"})
		case i == 1:
			w.WriteHeader(503)
		case i == 2:
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazon#ThrottlingException", "message": "slow down"})
		default:
			json.NewEncoder(w).Encode(map[string]any{"at": 1767225600.5})
		}
	}))
	defer srv.Close()
	a := &auth.Authenticator{RetryBackoff: time.Millisecond}
	creds := awsKeys("AKIATEST", "s", "tok")
	var out struct {
		At epochTime `json:"at"`
	}
	call := jsonCall{serviceID: "ECR", signing: "ecr", host: "api.ecr", op: "Op", target: "Svc.Op", method: http.MethodPost, path: "/"}
	if err := call.do(context.Background(), a, creds, "eu-west-1", srv.URL, &out); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 || !out.At.Equal(time.Unix(1767225600, 5e8)) {
		t.Fatalf("%d calls, time %v", n.Load(), out.At)
	}
	n.Store(10)
	call.path = "/deny"
	err := call.do(context.Background(), a, creds, "eu-west-1", srv.URL, &out)
	var ae codedError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || ae.ErrorMessage() != "no" || n.Load() != 11 {
		t.Fatalf("denial: %v (calls %d)", err, n.Load())
	}
	if !strings.Contains(err.Error(), "operation error ECR: Op") {
		t.Errorf("message %q", err)
	}
}
