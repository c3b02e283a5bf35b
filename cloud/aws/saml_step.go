package aws

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// A SAML provider's step: its driver signs the user in at the identity
// provider and returns the SAMLResponse meant for AWS's sign-in endpoint;
// it is checked (saml_assertion.go) and handed, in memory only, to the
// next identity (aws/assume-role), which picks its role from it and calls
// AssumeRoleWithSAML (saml_assume.go). The step is never cached (NoCache):
// the assertion is never written to disk, and when the role session
// expires only this step and the role run again.

// payloadSAMLResponse is the CredSAML payload field: the base64 response.
const payloadSAMLResponse = "saml_response"

// EnvSAMLTimeout bounds a whole SAML sign-in (a Go duration; default
// DefaultSAMLTimeout): the browser window, the Okta push wait.
const EnvSAMLTimeout = "ATMOS_AUTH_SAML_TIMEOUT"

// DefaultSAMLTimeout is how long a SAML sign-in may take.
const DefaultSAMLTimeout = 5 * time.Minute

// samlDriver signs in and returns the base64 SAMLResponse posted to AWS.
type samlDriver func(ctx context.Context, st *auth.Step, p *AWSSAMLProvider) (string, error)

// samlDrivers: one line per driver (AWSSAMLDrivers lists their names).
var samlDrivers = map[string]samlDriver{
	"Browser":    samlBrowser,
	"GoogleApps": samlBrowser, // Google's sign-in cannot be scripted honestly: the user's browser
	"Okta":       samlOkta,
	"ADFS":       samlADFS,
}

func (p *AWSSAMLProvider) NoCache() {}

// Authenticate runs the driver and checks what it returns.
func (p *AWSSAMLProvider) Authenticate(ctx context.Context, st *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	name := p.driverName()
	run, ok := samlDrivers[name]
	if !ok {
		return nil, fmt.Errorf("unknown SAML driver %q", name)
	}
	if p.ProviderType != "" && p.Driver == "" {
		st.Auth.Log().Warn("provider_type is deprecated: rename it to driver", "provider", st.Name(), "provider_type", p.ProviderType)
	}
	if p.DownloadBrowserDriver {
		st.Auth.Log().Info("download_browser_driver is ignored: atmos-auth uses the installed browser and never downloads one", "provider", st.Name())
	}
	ctx, cancel := context.WithTimeout(ctx, samlTimeout(st))
	defer cancel()
	resp, err := run(ctx, st, p)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return nil, fmt.Errorf("%s sign-in at %s: no SAML response within %s (%s sets the bound)", name, p.URL, samlTimeout(st), EnvSAMLTimeout)
		}
		return nil, fmt.Errorf("%s sign-in: %w", name, err)
	}
	a, err := parseSAMLResponse(resp, st.Auth.Now(), samlTestACS(st.Auth.Env))
	if err != nil {
		return nil, fmt.Errorf("%s sign-in at %s: %w", name, p.URL, err)
	}
	st.Auth.Log().Debug("SAML assertion received", "provider", st.Name(), "issuer", a.Issuer, "roles", len(a.Roles), "signature_checked", a.SignatureChecked)
	exp := a.NotOnOrAfter
	if exp.IsZero() {
		exp = st.Auth.Now().Add(5 * time.Minute)
	}
	return &auth.Credentials{Type: CredSAML, Expiration: exp, Principal: a.Subject, Region: p.Region,
		Payload: map[string]string{payloadSAMLResponse: resp}}, nil
}

func samlTimeout(st *auth.Step) time.Duration {
	if v := st.Auth.Env(EnvSAMLTimeout); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			return d
		}
	}
	return DefaultSAMLTimeout
}
