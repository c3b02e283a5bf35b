package auth

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// EnvHTTPTimeout bounds every network operation (one SDK call with all its
// retries, or one plain HTTP request), a Go duration; DefaultCallTimeout
// when unset.
const EnvHTTPTimeout = "ATMOS_AUTH_HTTP_TIMEOUT"

// Network bounds: a blackholed endpoint fails in about a minute with a
// message naming it, not after minutes of silent retries.
const (
	DefaultCallTimeout = 60 * time.Second
	dialTimeout        = 5 * time.Second
	tlsTimeout         = 5 * time.Second
	headerTimeout      = 15 * time.Second
	attemptTimeout     = 30 * time.Second
)

// CallTimeout is the bound of one network operation (EnvHTTPTimeout).
func (a *Authenticator) CallTimeout() time.Duration {
	if d, err := time.ParseDuration(strings.TrimSpace(a.Env(EnvHTTPTimeout))); err == nil && d > 0 {
		return d
	}
	return DefaultCallTimeout
}

var boundedClients sync.Map // time.Duration → *http.Client

func (a *Authenticator) HTTP() *http.Client {
	if a.HTTPClient != nil {
		return a.HTTPClient
	}
	total := a.CallTimeout()
	if c, ok := boundedClients.Load(total); ok {
		return c.(*http.Client)
	}
	c, _ := boundedClients.LoadOrStore(total, newBoundedClient(total))
	return c.(*http.Client)
}

// newBoundedClient: connect, TLS handshake, response headers and the whole
// attempt each have a deadline (none longer than total).
// StageBounds are the per-stage bounds of one attempt, none longer than
// the whole call's bound.
type StageBounds struct{ Dial, TLS, Header, Attempt time.Duration }

func BoundsWithin(total time.Duration) StageBounds {
	return StageBounds{Dial: min(dialTimeout, total), TLS: min(tlsTimeout, total),
		Header: min(headerTimeout, total), Attempt: min(attemptTimeout, total)}
}

func newBoundedClient(total time.Duration) *http.Client {
	b := BoundsWithin(total)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: b.Dial, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = b.TLS
	tr.ResponseHeaderTimeout = b.Header
	return &http.Client{Transport: tr, Timeout: b.Attempt}
}

// NetworkError is a call that got no answer: the endpoint could not be
// reached or did not answer within the bound.
type NetworkError struct {
	Service, Operation string
	Endpoint           string // scheme://host of the last attempt ("" if none was sent)
	Bound              time.Duration
	Timeout            bool
	// Setting names what configures the endpoint (default spec.endpoint_url).
	Setting string
	Err     error
}

func (e *NetworkError) Error() string {
	ep := e.Endpoint
	if ep == "" {
		ep = strings.TrimSpace("the " + e.Service + " endpoint")
	}
	what := strings.TrimSpace(e.Service + " " + e.Operation)
	if what == "" {
		what = "request"
	}
	setting := e.Setting
	if setting == "" {
		setting = "spec.endpoint_url"
	}
	if e.Timeout {
		return fmt.Sprintf("%s: no answer from %s within %s: check the network (proxy, VPN, firewall) and the endpoint (%s); %s sets the bound", what, ep, e.Bound, setting, EnvHTTPTimeout)
	}
	return fmt.Sprintf("%s: cannot reach %s (%s): check the network (proxy, VPN, firewall) and the endpoint (%s)", what, ep, netCause(e.Err), setting)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// Summary is the whole message: no SDK wrapping adds to it (see ErrSummary).
func (e *NetworkError) Summary() string { return e.Error() }

// netCause is the innermost useful text of a transport error.
func netCause(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}
