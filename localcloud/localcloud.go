// Package localcloud is a local emulator of the AWS services atmos-auth needs:
// IAM Identity Center OIDC (sso-oidc) with a device-approval page, the SSO
// portal API (sso), STS (including AssumeRoot) and ECR GetAuthorizationToken.
//
// It speaks the real wire protocols, so the real aws-sdk-go-v2 clients (and
// the aws CLI) work against it with their endpoint set to the server URL.
// It is meant for tests (in-process, see Start and StartTest) and for the
// demo (cmd/atmos-localcloud). It never logs secret values.
package localcloud

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is one local cloud: one HTTP handler serving every emulated service
// under a single base URL.
type Server struct {
	opts options

	mu       sync.Mutex
	data     *seed
	clients  map[string]*oidcClient  // clientId -> client
	devices  map[string]*deviceAuth  // deviceCode -> authorization
	userCode map[string]*deviceAuth  // userCode -> authorization
	access   map[string]*accessToken // access token -> token
	refresh  map[string]*refreshTok  // refresh token -> token
	creds    map[string]*Session     // access key id -> issued credentials
	faults   faultState
	stats    statsState
	gcp      gcpState
	saml     samlState // the SAML IdP (saml_idp.go)
	eksc     eksState  // eks.go
	fed      fedState  // federation.go

	listener net.Listener
	http     *http.Server
	url      string
	done     chan struct{}
}

// New builds a server with the default seed data unless options say
// otherwise. It does not listen; use Start, or mount it as an http.Handler.
func New(opt ...Option) *Server {
	o := defaultOptions()
	for _, f := range opt {
		f(&o)
	}
	s := &Server{
		opts:     o,
		clients:  map[string]*oidcClient{},
		devices:  map[string]*deviceAuth{},
		userCode: map[string]*deviceAuth{},
		access:   map[string]*accessToken{},
		refresh:  map[string]*refreshTok{},
		creds:    map[string]*Session{},
	}
	s.data = buildSeed(o)
	s.faults.init()
	s.stats.init()
	if o.latency > 0 {
		s.faults.latency = o.latency
	}
	return s
}

// Start listens on addr (for example "127.0.0.1:0") and serves in the
// background. The URL is available from URL once Start returns.
func (s *Server) Start(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("localcloud: listen on %s: %w", addr, err)
	}
	s.listener = ln
	s.url = "http://" + ln.Addr().String()
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		_ = s.http.Serve(ln)
	}()
	s.opts.logger.Info("localcloud listening", "url", s.url)
	return nil
}

// URL is the base URL (http://host:port) once started.
func (s *Server) URL() string { return s.url }

// Close stops the server at once, closing open connections.
func (s *Server) Close() error {
	if s.http == nil {
		return nil
	}
	err := s.http.Close()
	<-s.done
	return err
}

// Shutdown stops the server gracefully: it waits for requests in flight
// until ctx ends, then closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.http == nil {
		return nil
	}
	err := s.http.Shutdown(ctx)
	if err != nil {
		_ = s.http.Close()
	}
	<-s.done
	return err
}

// TB is the part of testing.TB that StartTest needs.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// StartTest starts a server on 127.0.0.1:0 and stops it when the test ends.
func StartTest(t TB, opt ...Option) *Server {
	t.Helper()
	s := New(opt...)
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func (s *Server) now() time.Time { return s.opts.clock() }

// baseURL is the URL clients should use for links (verification URI).
func (s *Server) baseURL(r *http.Request) string {
	if s.opts.publicURL != "" {
		return strings.TrimRight(s.opts.publicURL, "/")
	}
	if s.url != "" {
		return s.url
	}
	return "http://" + r.Host
}

// protocol families, used to shape errors (throttling, 5xx) per service.
type protocol int

const (
	protoOIDC   protocol = iota // restJson1, OAuth-style error body
	protoPortal                 // restJson1, {"message":...}
	protoQuery                  // awsQuery (STS)
	protoJSON11                 // awsJson1_1 (ECR)
	protoHTML                   // approval page
	protoAdmin                  // admin API
	protoGCP                    // Google APIs (gcp.go)
)

// route works out which operation a request is for.
func route(r *http.Request) (op string, p protocol) {
	if op := gcpRoute(r); op != "" {
		return op, protoGCP
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/_admin/"):
		return "", protoAdmin
	case isEKS(r):
		return "DescribeCluster", protoEKS
	case isPresignedSTS(r):
		return "", protoQuery
	case isFederation(r):
		return "Federation", protoFederation
	case r.URL.Path == "/client/register" && r.Method == http.MethodPost:
		return "RegisterClient", protoOIDC
	case r.URL.Path == "/device_authorization" && r.Method == http.MethodPost:
		return "StartDeviceAuthorization", protoOIDC
	case r.URL.Path == "/token" && r.Method == http.MethodPost:
		return "CreateToken", protoOIDC
	case r.URL.Path == "/device" || r.URL.Path == "/device/decide":
		return "DevicePage", protoHTML
	case (r.URL.Path == "/assignment/accounts" || r.URL.Path == "/assignment/user") && r.Method == http.MethodGet:
		return "ListAccounts", protoPortal
	case r.URL.Path == "/assignment/roles" && r.Method == http.MethodGet:
		return "ListAccountRoles", protoPortal
	case r.URL.Path == "/federation/credentials" && r.Method == http.MethodGet:
		return "GetRoleCredentials", protoPortal
	case r.URL.Path == "/logout" && r.Method == http.MethodPost:
		return "Logout", protoPortal
	case r.URL.Path == "/" && r.Method == http.MethodPost:
		if t := r.Header.Get("X-Amz-Target"); t != "" {
			if i := strings.LastIndexByte(t, '.'); i >= 0 {
				return t[i+1:], protoJSON11
			}
			return t, protoJSON11
		}
		return "", protoQuery // the Action is in the form body
	}
	return "", protoHTML
}

// ServeHTTP dispatches to the emulated services.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if op, h := s.samlRoute(r); h != nil {
		s.stats.count(op)
		h(w, r)
		return
	}
	op, p := route(r)
	if p == protoAdmin {
		s.serveAdmin(w, r)
		return
	}
	if p == protoQuery {
		if err := r.ParseForm(); err != nil {
			writeQueryError(w, 400, "Sender", "InvalidQueryParameter", "cannot parse form body")
			return
		}
		if msg := s.presignedForm(r); msg != "" {
			writeQueryError(w, 403, "Sender", "AccessDenied", msg)
			return
		}
		op = r.PostForm.Get("Action")
		if op == "" {
			writeQueryError(w, 400, "Sender", "MissingAction", "missing Action")
			return
		}
	}
	if op == "" {
		writePortalError(w, http.StatusNotFound, "UnknownOperationException", "no operation at "+r.Method+" "+r.URL.Path)
		return
	}
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	s.stats.count(op)
	if d := s.faults.delay(op); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	if p != protoHTML {
		if kind, status, ok := s.faults.take(op); ok && p == protoGCP {
			s.writeGCPFault(rec, kind, status)
			s.stats.fail(op, rec.code)
			s.log(op, rec)
			return
		} else if ok {
			s.writeFault(rec, p, kind, status)
			s.stats.fail(op, rec.code)
			s.log(op, rec)
			return
		}
	}
	switch p {
	case protoOIDC:
		s.serveOIDC(rec, r, op)
	case protoPortal:
		s.servePortal(rec, r, op)
	case protoQuery:
		s.serveSTS(rec, r, op)
	case protoJSON11:
		s.serveECR(rec, r, op)
	case protoEKS:
		s.serveEKS(rec, r)
	case protoFederation:
		s.serveFederation(rec, r)
	case protoHTML:
		s.serveDevicePage(rec, r)
	case protoGCP:
		s.serveGCP(rec, r, op)
	}
	if rec.status >= 400 {
		s.stats.fail(op, rec.code)
	}
	s.log(op, rec)
}

func (s *Server) log(op string, rec *statusRecorder) {
	if rec.status >= 400 {
		s.opts.logger.Info("request", "op", op, "status", rec.status, "error", rec.code)
		return
	}
	s.opts.logger.Debug("request", "op", op, "status", rec.status)
}

// statusRecorder remembers the status and error code written, for stats and
// logs.
type statusRecorder struct {
	http.ResponseWriter
	status int
	code   string
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) writeFault(w *statusRecorder, p protocol, kind string, status int) {
	switch kind {
	case faultThrottle:
		switch p {
		case protoQuery:
			writeQueryError(w, 400, "Sender", "Throttling", "Rate exceeded")
		case protoJSON11:
			writeJSONError(w, 400, "ThrottlingException", "Rate exceeded")
		case protoOIDC:
			writeOIDCError(w, 429, "TooManyRequestsException", "too_many_requests", "Rate exceeded")
		default:
			writePortalError(w, 429, "TooManyRequestsException", "Rate exceeded")
		}
	default:
		switch p {
		case protoQuery:
			code := "InternalFailure"
			if status == 503 {
				code = "ServiceUnavailable"
			}
			writeQueryError(w, status, "Receiver", code, "injected server error")
		case protoJSON11:
			writeJSONError(w, status, "ServerException", "injected server error")
		case protoOIDC:
			writeOIDCError(w, status, "InternalServerException", "server_error", "injected server error")
		default:
			writePortalError(w, status, "InternalServerException", "injected server error")
		}
	}
}

// randomID returns n random bytes hex-encoded.
func randomID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// randomUpper returns n characters from an upper-case alphabet.
func randomUpper(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

var errNotFound = errors.New("not found")

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
