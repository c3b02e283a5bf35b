package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// jsonCall is one call of AWS's JSON protocols (awsJson1_1 with
// X-Amz-Target, or restJson1), SigV4-signed, for the operations the
// integrations need (ECR and ECR Public GetAuthorizationToken, EKS
// DescribeCluster); apiCall makes it (retries, bounds, errors).
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

func (j jsonCall) do(ctx context.Context, a *auth.Authenticator, creds *auth.Credentials, region, endpoint string, out any) error {
	body := j.body
	if body == nil && j.method != http.MethodGet {
		body = []byte("{}")
	}
	c := apiCall{service: j.serviceID, op: j.op, signing: j.signing, creds: creds, region: region, endpoint: endpoint, host: j.host,
		method: j.method, path: j.path, body: body, errorOf: apiErrorOf, header: map[string]string{}}
	if j.target != "" {
		c.header["Content-Type"] = "application/x-amz-json-1.1"
		c.header["X-Amz-Target"] = j.target
	} else if body != nil {
		c.header["Content-Type"] = "application/json"
	}
	return c.sendJSON(ctx, a, out)
}

// sendJSON sends the call and decodes its JSON answer into out (nil: the
// answer is not read).
func (c apiCall) sendJSON(ctx context.Context, a *auth.Authenticator, out any) error {
	data, err := c.send(ctx, a)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return c.wrap(fmt.Errorf("the answer is not the expected JSON: %w", err))
	}
	return nil
}

// apiErrorOf reads an error answer of the JSON protocols: the code from
// X-Amzn-ErrorType or the body's __type/code (without a namespace or a
// ":" suffix), the message from message/Message/error_description.
func apiErrorOf(resp *http.Response, data []byte) (code, msg string) {
	var b struct {
		Type    string `json:"__type"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Msg     string `json:"Message"`
		Desc    string `json:"error_description"` // SSO-OIDC (OAuth)
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
	for _, m := range []string{b.Message, b.Msg, b.Desc} {
		if msg == "" {
			msg = m
		}
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
