package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ecsCredentialsHost is the ECS task metadata host that
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is relative to.
const ecsCredentialsHost = "http://169.254.170.2"

// container reads the ECS/EKS container credentials endpoint:
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on the ECS host, else
// AWS_CONTAINER_CREDENTIALS_FULL_URI (https, or http to a loopback or the
// ECS/EKS hosts only), authorised by AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
// or AWS_CONTAINER_AUTHORIZATION_TOKEN.
func (r *ambientResolver) container(ctx context.Context) (*ambientCreds, error) {
	endpoint, setting := containerEndpoint(r.getenv)
	if setting == "AWS_CONTAINER_CREDENTIALS_FULL_URI" {
		if err := allowedContainerURL(ctx, endpoint); err != nil {
			return nil, fmt.Errorf("%s: %w", setting, err)
		}
	}
	token, err := r.containerToken()
	if err != nil {
		return nil, err
	}
	call := endpointCall{service: "container credentials", op: "GET", setting: setting, method: http.MethodGet, url: endpoint}
	if token != "" {
		call.header = map[string]string{"Authorization": token}
	}
	status, data, err := call.send(ctx, r.a)
	if err != nil {
		return nil, err
	}
	if status/100 != 2 {
		var e struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		return nil, fmt.Errorf("the container credentials endpoint (%s) answered HTTP %d %s %s", setting, status, e.Code, e.Message)
	}
	var v struct {
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		Token           string
		Expiration      *time.Time
		AccountID       string `json:"AccountId"`
	}
	if err := json.Unmarshal(data, &v); err != nil || v.AccessKeyID == "" || v.SecretAccessKey == "" {
		return nil, fmt.Errorf("the container credentials endpoint (%s) answered no credentials", setting)
	}
	c := awsKeys(v.AccessKeyID, v.SecretAccessKey, v.Token)
	if v.Expiration != nil {
		c.Expiration = v.Expiration.UTC()
	}
	return &ambientCreds{creds: c, account: v.AccountID, source: "CredentialsEndpointProvider"}, nil
}

// containerEndpoint is the container credentials URL and the variable
// that set it: the relative URI on the ECS host wins over the full URI.
func containerEndpoint(getenv func(string) string) (endpoint, setting string) {
	if rel := getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); rel != "" {
		return ecsCredentialsHost + rel, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
	}
	return getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"), "AWS_CONTAINER_CREDENTIALS_FULL_URI"
}

// containerToken is the Authorization value: the token file's content
// (without a trailing newline), else AWS_CONTAINER_AUTHORIZATION_TOKEN.
func (r *ambientResolver) containerToken() (string, error) {
	token, what := r.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"), "AWS_CONTAINER_AUTHORIZATION_TOKEN"
	if file := r.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); file != "" {
		t, err := readTokenFile(file, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
		if err != nil {
			return "", err
		}
		token, what = t, "the file "+file+" (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"
	}
	if strings.ContainsAny(token, "\r\n") {
		return "", fmt.Errorf("the container authorization token of %s holds a line break: it must be one line", what)
	}
	return token, nil
}

// allowedContainerURL: https anywhere, http only to a loopback address or
// the ECS/EKS credentials hosts (every address the name resolves to).
func allowedContainerURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	host := u.Hostname()
	switch {
	case host == "":
		return fmt.Errorf("%q has no host", raw)
	case u.Scheme == "https":
		return nil
	case u.Scheme != "http":
		return fmt.Errorf("%q: only https and http URLs are allowed", raw)
	}
	ips := []string{host}
	if net.ParseIP(host) == nil {
		if ips, err = net.DefaultResolver.LookupHost(ctx, host); err != nil {
			return fmt.Errorf("resolve %q: %w", host, err)
		}
	}
	for _, s := range ips {
		ip := net.ParseIP(s)
		if ip == nil || !(ip.IsLoopback() || allowedContainerIP(ip)) {
			return fmt.Errorf("http to %q is not allowed: only https, or http to a loopback address or the ECS/EKS hosts 169.254.170.2, 169.254.170.23, fd00:ec2::23", host)
		}
	}
	return nil
}

func allowedContainerIP(ip net.IP) bool {
	for _, s := range []string{"169.254.170.2", "169.254.170.23", "fd00:ec2::23"} {
		if ip.Equal(net.ParseIP(s)) {
			return true
		}
	}
	return false
}
