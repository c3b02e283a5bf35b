package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// imds reads the instance profile's credentials from the EC2 instance
// metadata service with IMDSv2 (a session token first; IMDSv1 when the
// token call is refused with 403, 404 or 405, as the SDK does), unless
// AWS_EC2_METADATA_DISABLED=true.
func (r *ambientResolver) imds(ctx context.Context) (*ambientCreds, error) {
	if strings.EqualFold(r.getenv("AWS_EC2_METADATA_DISABLED"), "true") {
		return nil, errors.New("none of the sources of the default chain is set (AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_PROFILE or the shared files' default profile, AWS_CONTAINER_CREDENTIALS_*), and the instance metadata service is turned off (AWS_EC2_METADATA_DISABLED=true)")
	}
	base, setting := r.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT"), "AWS_EC2_METADATA_SERVICE_ENDPOINT"
	if base == "" {
		base = "http://169.254.169.254"
		if strings.EqualFold(r.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"), "IPv6") {
			base = "http://[fd00:ec2::254]"
		}
		setting = "AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_DISABLED"
	}
	base = strings.TrimRight(base, "/")
	call := func(op, method, path string, header map[string]string) (int, []byte, error) {
		return endpointCall{service: "IMDS", op: op, setting: setting, method: method, url: base + path, header: header}.send(ctx, r.a)
	}
	status, tok, err := call("GetToken", http.MethodPut, "/latest/api/token", map[string]string{"X-Aws-Ec2-Metadata-Token-Ttl-Seconds": "21600"})
	if err != nil {
		return nil, err
	}
	header := map[string]string{}
	switch {
	case status == http.StatusOK:
		header["X-Aws-Ec2-Metadata-Token"] = strings.TrimSpace(string(tok))
	case status == http.StatusForbidden || status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
		// IMDSv1 only: no token.
	default:
		return nil, fmt.Errorf("the instance metadata service (%s) answered HTTP %d to the token request", base, status)
	}
	const path = "/latest/meta-data/iam/security-credentials/"
	status, list, err := call("GetRoleName", http.MethodGet, path, header)
	if err != nil {
		return nil, err
	}
	role, _, _ := strings.Cut(strings.TrimSpace(string(list)), "\n")
	if status != http.StatusOK || strings.TrimSpace(role) == "" {
		return nil, fmt.Errorf("the instance metadata service (%s) has no instance profile role (HTTP %d): attach an instance profile, or pick another identity", base, status)
	}
	role = strings.TrimSpace(role)
	status, data, err := call("GetCredentials", http.MethodGet, path+role, header)
	if err != nil {
		return nil, err
	}
	var v struct {
		Code            string
		Message         string
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		Token           string
		Expiration      time.Time
	}
	if status != http.StatusOK || json.Unmarshal(data, &v) != nil {
		return nil, fmt.Errorf("the instance metadata service (%s) answered HTTP %d, not credentials, for the role %q", base, status, role)
	}
	if v.Code != "Success" || v.AccessKeyID == "" || v.SecretAccessKey == "" {
		return nil, fmt.Errorf("the instance metadata service (%s) has no credentials for the role %q: %s %s", base, role, v.Code, v.Message)
	}
	c := awsKeys(v.AccessKeyID, v.SecretAccessKey, v.Token)
	// As the SDK: at most an hour, so that they are renewed early enough.
	c.Expiration = v.Expiration.UTC()
	if limit := r.a.Now().Add(time.Hour); c.Expiration.IsZero() || c.Expiration.After(limit) {
		c.Expiration = limit.UTC()
	}
	return &ambientCreds{creds: c, account: "", source: "EC2RoleProvider"}, nil
}
