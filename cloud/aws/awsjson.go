package aws

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"

	"github.com/atmos-auth/atmos-auth/auth"
)

// jsonCall is one SigV4-signed call of AWS's JSON protocols (awsJson1_1
// with X-Amz-Target, or restJson1) for the three operations the
// integrations need (ECR and ECR Public GetAuthorizationToken, EKS
// DescribeCluster). Their SDK service packages would cost every start of
// the binary — credential_process, the hook — their endpoint tables and
// schemas (about 8,000 allocations at init) for commands that run rarely.
// It keeps the SDK's behaviour that matters: the bounded client, retries
// of throttling and 5xx with jittered backoff, and errors that are
// smithy.APIErrors ("operation error ECR: GetAuthorizationToken, api
// error AccessDeniedException: …").
type jsonCall struct {
	serviceID string // in messages: ECR, ECR PUBLIC, EKS
	signing   string // the SigV4 service name: ecr, ecr-public, eks
	host      string // the endpoint's first labels: api.ecr, api.ecr-public, eks
	op        string // the operation, in messages
	target    string // X-Amz-Target ("" for restJson1)
	method    string
	path      string
	body      []byte
}

// maxJSONBody bounds what one answer may hold.
const maxJSONBody = 1 << 20

func (j jsonCall) do(ctx context.Context, a *auth.Authenticator, creds *auth.Credentials, region, endpoint string, out any) error {
	if endpoint == "" {
		endpoint = "https://" + j.host + "." + region + "." + partitionOf(region).dnsSuffix
	}
	ctx, cancel := context.WithTimeout(ctx, a.CallTimeout())
	defer cancel()
	backoff := maxBackoff
	if a.RetryBackoff > 0 {
		backoff = a.RetryBackoff
	}
	var last error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if attempt > 0 {
			d := min(backoff, time.Duration(1<<attempt)*100*time.Millisecond)
			select {
			case <-time.After(rand.N(d) + 1):
			case <-ctx.Done():
				return j.wrap(ctx.Err())
			}
		}
		retry, err := j.once(ctx, a, creds, region, endpoint, out)
		if err == nil || !retry {
			return err
		}
		last = err
	}
	return last
}

// once makes one attempt; retry says whether another may succeed.
func (j jsonCall) once(ctx context.Context, a *auth.Authenticator, creds *auth.Credentials, region, endpoint string, out any) (retry bool, err error) {
	body := j.body
	if body == nil && j.method != http.MethodGet {
		body = []byte("{}")
	}
	req, err := http.NewRequestWithContext(ctx, j.method, strings.TrimRight(endpoint, "/")+j.path, bytes.NewReader(body))
	if err != nil {
		return false, j.wrap(err)
	}
	if j.target != "" {
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", j.target)
	} else if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(body)
	id, secret, token := keysOf(creds)
	if err := v4.NewSigner().SignHTTP(ctx, awssdk.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token},
		req, hex.EncodeToString(sum[:]), j.signing, region, time.Now()); err != nil {
		return false, j.wrap(err)
	}
	resp, err := a.HTTP().Do(req)
	if err != nil {
		return ctx.Err() == nil, j.wrap(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxJSONBody+1))
	if err != nil {
		return true, j.wrap(err)
	}
	if len(data) > maxJSONBody {
		return false, j.wrap(fmt.Errorf("the answer is larger than %d bytes", maxJSONBody))
	}
	if resp.StatusCode/100 != 2 {
		code, msg := apiErrorOf(resp, data)
		retry = resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 ||
			strings.Contains(code, "Throttl") || code == "TooManyRequestsException"
		fault := smithy.FaultClient
		if resp.StatusCode >= 500 {
			fault = smithy.FaultServer
		}
		return retry, j.wrap(&smithy.GenericAPIError{Code: code, Message: msg, Fault: fault})
	}
	if err := json.Unmarshal(data, out); err != nil {
		return false, j.wrap(fmt.Errorf("the answer is not the expected JSON: %w", err))
	}
	return false, nil
}

func (j jsonCall) wrap(err error) error {
	return &smithy.OperationError{ServiceID: j.serviceID, OperationName: j.op, Err: err}
}

// apiErrorOf reads an error answer of the JSON protocols: the code from
// X-Amzn-ErrorType or the body's __type/code (without a namespace or a
// ":" suffix), the message from message/Message.
func apiErrorOf(resp *http.Response, data []byte) (code, msg string) {
	var b struct {
		Type    string `json:"__type"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Msg     string `json:"Message"`
	}
	_ = json.Unmarshal(data, &b)
	code = resp.Header.Get("X-Amzn-ErrorType")
	for _, c := range []string{b.Type, b.Code} {
		if code == "" {
			code = c
		}
	}
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if code == "" {
		code = fmt.Sprintf("HTTP%d", resp.StatusCode)
	}
	msg = b.Message
	if msg == "" {
		msg = b.Msg
	}
	return code, msg
}

// epochTime is a JSON protocol timestamp (seconds since the epoch, with a
// fraction).
type epochTime struct{ time.Time }

func (t *epochTime) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	sec := int64(f)
	t.Time = time.Unix(sec, int64((f-float64(sec))*1e9)).UTC()
	return nil
}
