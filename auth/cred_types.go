package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/atmos-auth/atmos-auth/config"
)

// Clock is the injected time source for every expiry decision.
type Clock func() time.Time

// DefaultMargin is how long a cached credential must still be valid to be
// reused: anything expiring sooner is renewed.
const DefaultMargin = 5 * time.Minute

// PayloadToken is the payload field of the token-shaped credential types
// (an SSO access token, an OIDC id token).
const PayloadToken = "token"

// Credentials are what one chain step produces: a typed envelope any cloud
// fills. Type is one of the registry's credential types ("aws",
// "aws/sso-token", "oidc", "ambient", …) and says which fields Payload
// holds; the cloud that owns the type owns those field names. Everything
// outside Payload is descriptive and may be shown; Payload holds the
// secrets: never log or print it (String, GoString and LogValue leave it
// out). JSON holds everything: it is the cache format.
type Credentials struct {
	Type       string    `json:"type"`
	Expiration time.Time `json:"expiration"`
	// Principal is who the credentials act as: an ARN, a service-account
	// email, an object id.
	Principal string `json:"principal,omitempty"`
	// Account is where: an AWS account id, a GCP project, an Azure
	// subscription.
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	// Role is a human label of what was obtained (permission set name, role
	// name), for whoami.
	Role string `json:"role,omitempty"`
	// Payload holds the secrets, fields by Type.
	Payload map[string]string `json:"payload,omitempty"`
}

// Secret is one payload field ("" when absent).
func (c *Credentials) Secret(field string) string {
	if c == nil {
		return ""
	}
	return c.Payload[field]
}

// String never shows a secret.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{type=%s account=%s principal=%s expires=%s}", c.Type, c.Account, c.Principal, c.Expiration.Format(time.RFC3339))
}

// GoString never shows a secret.
func (c Credentials) GoString() string { return c.String() }

// LogValue never shows a secret.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", c.Type), slog.String("account", c.Account),
		slog.Time("expires", c.Expiration))
}

// ValidFor reports whether the credentials are still valid for longer than
// margin at now. A zero expiration never expires (ambient).
func (c *Credentials) ValidFor(now time.Time, margin time.Duration) bool {
	if c == nil {
		return false
	}
	if c.Expiration.IsZero() {
		return c.Type == config.CredAmbient
	}
	return c.Expiration.Sub(now) > margin
}

// UI is how the walker and the kinds talk to the user. Everything goes to
// stderr; they never read the terminal themselves.
type UI interface {
	// DeviceAuthorization shows the verification URL and user code (and
	// may open a browser).
	DeviceAuthorization(provider, verificationURI, verificationURIComplete, userCode string)
	// Progress reports a step ("renewing company-sso session").
	Progress(msg string)
	// MFACode asks for an MFA code for the device serial.
	MFACode(identity, serial string) (string, error)
}

// ErrDeviceFlowNeeded is wrapped by errors when a device authorization is
// needed but not allowed here (no terminal, CI, credential-process).
var ErrDeviceFlowNeeded = errors.New("an interactive device authorization is needed")

// ErrCredentialsRefused is matched (errors.Is) by a step's error when the
// server refused the base credentials sent: revoked or expired there
// although the cache says valid. The walker then drops the cached step that
// made them and renews it. Each cloud tags its own errors.
var ErrCredentialsRefused = errors.New("credentials refused")

// ErrSummary is the short form of an error for messages and logs: its
// Summary when a cloud gave it one, else its text.
func ErrSummary(err error) string {
	if s, ok := errors.AsType[summarizer](err); ok {
		return s.Summary()
	}
	return err.Error()
}

type summarizer interface {
	error
	Summary() string
}

// ErrNotLoggedIn is returned by cache-only lookups when nothing valid is cached.
var ErrNotLoggedIn = errors.New("not logged in")

// StepError is a failure of one chain step; Error names the chain from the
// failing step to its root: "prod-admin ← base-admin ← company-sso: AssumeRole AccessDenied: …".
type StepError struct {
	Chain []*config.Entry
	Err   error
}

func (e *StepError) Error() string { return config.ChainString(e.Chain) + ": " + ErrSummary(e.Err) }
func (e *StepError) Unwrap() error { return e.Err }

type nopUI struct{}

func (nopUI) DeviceAuthorization(string, string, string, string) {}
func (nopUI) Progress(string)                                    {}
func (nopUI) MFACode(identity, serial string) (string, error) {
	return "", fmt.Errorf("identity %q needs an MFA code (%s) and no terminal is available: run `atmos-auth login -i %s` in a terminal", identity, serial, identity)
}

// StepKind is implemented by every kind that can authenticate a chain step.
// base is the previous step's output (nil for a root).
type StepKind interface {
	Authenticate(ctx context.Context, s *Step, base *Credentials) (*Credentials, error)
}

// uncached is implemented by kinds whose output is never written to disk
// (ambient credentials, short OIDC tokens).
type Uncached interface{ NoCache() }

// Passthrough is implemented by kinds that need no authentication at all
// (the ambient environment): always valid, never cached.
type Passthrough interface{ Passthrough() *Credentials }

// OwnCache is implemented by kinds with their own cache (the SSO session).
type OwnCache interface {
	CachedStep(s *Step) (*Credentials, bool)
	LockName(s *Step) string
}
