package gcp

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/atmos-auth/atmos-auth/auth"
)

// The GCE metadata server, the last source of application default
// credentials: http://169.254.169.254, or GCE_METADATA_HOST (host:port) as
// Google's libraries read it.

const defaultMetadataHost = "169.254.169.254"

func metadataBase(s *auth.Step) (string, error) {
	h := strings.TrimSpace(s.Auth.Env("GCE_METADATA_HOST"))
	if h == "" {
		h = defaultMetadataHost
	}
	u, err := url.Parse("http://" + h + "/")
	if err != nil || u.Host != h || u.Hostname() == "" {
		return "", fmt.Errorf("GCE_METADATA_HOST %q is not a host[:port]", h)
	}
	return "http://" + h + "/computeMetadata/v1/", nil
}

func metadataToken(ctx context.Context, s *auth.Step, scopes []string) (*auth.Credentials, error) {
	base, err := metadataBase(s)
	if err != nil {
		return nil, err
	}
	h := http.Header{"Metadata-Flavor": {"Google"}}
	get := func(op, path string) ([]byte, error) {
		return call(ctx, s, request{Service: "GCE metadata", Op: op, Method: "GET", URL: base + path, Header: h,
			Setting: "GCE_METADATA_HOST"})
	}
	q := url.Values{"scopes": {strings.Join(scopesOr(scopes), ",")}}
	body, err := get("token", "instance/service-accounts/default/token?"+q.Encode())
	if err != nil {
		return nil, explain("", err, " (the metadata server was the last source of application default credentials: "+adcHint+")")
	}
	tok, exp, err := parseOAuthToken("GCE metadata token", body, s.Auth.Now())
	if err != nil {
		return nil, err
	}
	c := &auth.Credentials{Type: CredGCP, Expiration: exp, Payload: map[string]string{PayloadAccessToken: tok}}
	// Only what has the shape of an email and a project id is kept: both
	// are shown and written into gcloud's configuration.
	if b, err := get("email", "instance/service-accounts/default/email"); err == nil && reGCPSA.Match(bytes.TrimSpace(b)) {
		c.Principal = string(bytes.TrimSpace(b))
	}
	if b, err := get("project-id", "project/project-id"); err == nil && reGCPProject.Match(bytes.TrimSpace(b)) {
		c.Account = string(bytes.TrimSpace(b))
	}
	return c, nil
}
