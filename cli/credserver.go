package cli

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// credServer serves one identity's credentials to a child (`exec
// --server`) on 127.0.0.1 with a random port, path and bearer token: each
// answer is the cached credentials while they are valid for longer than
// the margin, else renewed through the chain. Peers that are not on
// loopback and wrong tokens get 403; the server ends with the child.
type credServer struct {
	name  string
	serve auth.ServedCredentials
	// creds returns valid credentials (the session's cache or a renewal).
	creds func(ctx context.Context) (*auth.Credentials, error)
	now   func() time.Time

	token string
	path  string

	mu     sync.Mutex
	cached *auth.Credentials
	margin time.Duration
	srv    *http.Server
	url    string
	dir    string
}

// credServerRenewWait bounds a renewal a request waits for.
const credServerRenewWait = 60 * time.Second

func newCredServer(name string, sv auth.ServedCredentials, creds func(context.Context) (*auth.Credentials, error), margin time.Duration) *credServer {
	return &credServer{name: name, serve: sv, creds: creds, now: time.Now, margin: margin, token: randomHex(32), path: "/" + randomHex(16)}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// start listens on 127.0.0.1 and writes the token file (0600 in a 0700
// directory under dir) the child reads.
func (s *credServer) start(dir string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	if err := auth.EnsureDir(dir); err != nil {
		ln.Close()
		return err
	}
	s.dir, err = os.MkdirTemp(dir, "server-")
	if err != nil {
		ln.Close()
		return err
	}
	if err := fsutil.WriteFileAtomic(s.tokenFile(), []byte(s.token)); err != nil {
		ln.Close()
		return err
	}
	s.url = "http://" + ln.Addr().String() + s.path
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: credServerRenewWait + 10*time.Second, IdleTimeout: time.Minute}
	go func() { _ = s.srv.Serve(ln) }()
	return nil
}

func (s *credServer) tokenFile() string { return filepath.Join(s.dir, "token") }

func (s *credServer) stop() {
	if s.srv != nil {
		_ = s.srv.Close()
	}
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

func (s *credServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || !config.IsLoopbackHost(host) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(s.token)) != 1 {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if r.URL.Path != s.path || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	c, err := s.current(r.Context())
	if err != nil {
		http.Error(w, "cannot renew the credentials of "+s.name+": "+auth.ErrSummary(err), http.StatusInternalServerError)
		return
	}
	body, err := s.serve.ServedCredentialsOutput(c)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

// current serves the credentials held while valid for longer than the
// margin, else gets them again (one renewal at a time).
func (s *credServer) current(ctx context.Context) (*auth.Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cached != nil && s.cached.ValidFor(s.now(), s.margin) {
		return s.cached, nil
	}
	ctx, cancel := context.WithTimeout(ctx, credServerRenewWait)
	defer cancel()
	c, err := s.creds(ctx)
	if err != nil {
		return nil, err
	}
	s.cached = c
	return c, nil
}

// credServerFor starts the credential server of identity e.
func (g *Globals) credServerFor(s *Session, e *config.Entry) (*credServer, error) {
	name := e.Name
	sv, ok := e.Spec.(auth.ServedCredentials)
	if !ok {
		return nil, Configf("identity %q (%s) has no credentials a local endpoint can serve", name, e.Kind)
	}
	a := s.Auth
	cs := newCredServer(name, sv, func(ctx context.Context) (*auth.Credentials, error) {
		if c, valid, err := a.Cached(name); err == nil && valid {
			return c, nil
		}
		res, err := a.Login(auth.WithLockWait(ctx, auth.LockWait(g.Getenv, CredentialProcessLockWait)), name)
		if err != nil {
			if errors.Is(err, auth.ErrDeviceFlowNeeded) {
				return nil, fmt.Errorf("a new sign-in is needed: run `atmos-auth login -i %s`", name)
			}
			return nil, err
		}
		return res.Credentials, nil
	}, a.RenewMargin())
	if err := cs.start(auth.CacheDir(a.Cache(), "servers")); err != nil {
		return nil, err
	}
	return cs, nil
}

// withServer starts the credential server of the identity for a child and
// adds its variables to base; stop ends it.
func (g *Globals) withServer(base []string) (out []string, stop func(), err error) {
	s, err := g.session(authOpts{})
	if err != nil {
		return nil, nil, err
	}
	chain, err := s.Identity()
	if err != nil {
		return nil, nil, err
	}
	cs, err := g.credServerFor(s, chain[0])
	if err != nil {
		return nil, nil, err
	}
	env := environ.New()
	cs.serve.ServerEnvironment(cs.url, cs.tokenFile(), env)
	return env.Apply(base), cs.stop, nil
}

// runServed runs the command as a child with the credential server, which
// ends with it.
func runServed(g *Globals, path string, argv, base []string) error {
	env, stop, err := g.withServer(base)
	if err != nil {
		return err
	}
	defer stop()
	cmd := exec.Command(path)
	cmd.Args, cmd.Env = argv, env
	return runChild(g, cmd)
}
