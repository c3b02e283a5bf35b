package gcp

import (
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
)

// Google service endpoints a chain calls. Each is a base URL ending in "/";
// the API path (v1/token, v1/projects/-/serviceAccounts/…) is appended, as
// gcloud does with its api_endpoint_overrides.
const (
	svcSTS            = "sts"
	svcIAMCredentials = "iamcredentials"
	svcOAuth2         = "oauth2"
)

var defaultEndpoints = map[string]string{
	svcSTS:            "https://sts.googleapis.com/",
	svcIAMCredentials: "https://iamcredentials.googleapis.com/",
	svcOAuth2:         "https://oauth2.googleapis.com/",
}

// GCPEndpoints overrides Google's endpoints for one step and the steps
// chained from it (tests, private service connect): `endpoints:` at the top
// level or under spec: of a provider, under spec: of an identity.
type GCPEndpoints struct {
	STS            string `yaml:"sts,omitempty" json:"sts,omitempty"`
	IAMCredentials string `yaml:"iamcredentials,omitempty" json:"iamcredentials,omitempty"`
	OAuth2         string `yaml:"oauth2,omitempty" json:"oauth2,omitempty"`
}

func (e GCPEndpoints) get(svc string) string {
	switch svc {
	case svcSTS:
		return e.STS
	case svcIAMCredentials:
		return e.IAMCredentials
	case svcOAuth2:
		return e.OAuth2
	}
	return ""
}

func (e GCPEndpoints) or(o GCPEndpoints) GCPEndpoints {
	if e.STS == "" {
		e.STS = o.STS
	}
	if e.IAMCredentials == "" {
		e.IAMCredentials = o.IAMCredentials
	}
	if e.OAuth2 == "" {
		e.OAuth2 = o.OAuth2
	}
	return e
}

// GoogleEndpoints are Google's own hosts: a configuration may send
// credentials there, to this machine, or to hosts the user's environment
// trusts (config.EnvTrustedEndpoints).
var GoogleEndpoints = config.Endpoints{What: "a Google endpoint", Example: "https://sts.googleapis.com/",
	Suffixes: []string{".googleapis.com"}}

func (e GCPEndpoints) validate(c *config.Checker, prefix string) {
	c.EndpointURL(prefix+"endpoints.sts", e.STS, GoogleEndpoints)
	c.EndpointURL(prefix+"endpoints.iamcredentials", e.IAMCredentials, GoogleEndpoints)
	c.EndpointURL(prefix+"endpoints.oauth2", e.OAuth2, GoogleEndpoints)
}

// endpointsOf is what a step's configuration overrides.
func endpointsOf(e *config.Entry) GCPEndpoints {
	switch s := e.Spec.(type) {
	case *GCPADCProvider:
		return s.Spec.Endpoints.or(s.GCPADCFields.Endpoints)
	case *GCPWIFProvider:
		return s.Spec.Endpoints.or(s.GCPWIFFields.Endpoints)
	case *GCPServiceAccount:
		return s.Spec.Endpoints
	case *GCPProject:
		return s.Spec.Endpoints
	}
	return GCPEndpoints{}
}

// endpointEnv are the user's environment variables naming an endpoint:
// gcloud's own (so that gcloud inside `exec` and atmos-auth agree).
// CLOUDSDK_AUTH_TOKEN_HOST is the token URL itself (…/token).
var endpointEnv = map[string]string{
	svcSTS:            "CLOUDSDK_API_ENDPOINT_OVERRIDES_STS",
	svcIAMCredentials: "CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS",
	svcOAuth2:         "CLOUDSDK_AUTH_TOKEN_HOST",
}

// gcpEndpoint resolves a service's base URL at a chain step: the step's
// endpoints, else the nearest step towards the root that sets one, else
// the user's environment, else Google's.
func gcpEndpoint(chain []*config.Entry, svc string, getenv config.Env) string {
	for _, e := range chain {
		if u := endpointsOf(e).get(svc); u != "" {
			return slash(u)
		}
	}
	if getenv != nil {
		if v := strings.TrimSpace(getenv(endpointEnv[svc])); v != "" {
			if svc == svcOAuth2 {
				v = strings.TrimSuffix(strings.TrimRight(v, "/"), "token")
			}
			return slash(v)
		}
	}
	return defaultEndpoints[svc]
}

func slash(u string) string {
	if !strings.HasSuffix(u, "/") {
		return u + "/"
	}
	return u
}

// gcpBinding binds a cached step to the endpoints every step of its chain
// resolves to now (see auth.Bound).
func gcpBinding(chain []*config.Entry, getenv config.Env) string {
	var b strings.Builder
	for i := range chain {
		for _, svc := range []string{svcSTS, svcIAMCredentials, svcOAuth2} {
			b.WriteString(gcpEndpoint(chain[i:], svc, getenv))
			b.WriteByte(0)
		}
	}
	if getenv != nil {
		b.WriteString(getenv("GCE_METADATA_HOST"))
	}
	return b.String()
}
