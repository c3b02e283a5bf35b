package testenv

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"sync"
)

// Recorder is an endpoint a hostile configuration points at: it keeps every
// request whole (request line, headers, body) and refuses it the way an AWS
// service refuses (403 AccessDeniedException), so a client goes no further.
type Recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []string
}

// NewRecorder starts a Recorder; the caller closes it.
func NewRecorder() *Recorder {
	r := &Recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		dump, _ := httputil.DumpRequest(req, true)
		r.mu.Lock()
		r.reqs = append(r.reqs, string(dump))
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Errortype", "AccessDeniedException")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"__type":"AccessDeniedException","message":"recorder"}`))
	}))
	return r
}

// Requests returns every request received so far, dumped whole.
func (r *Recorder) Requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.reqs...)
}

// FindSecret returns the first request holding any of secrets.
func (r *Recorder) FindSecret(secrets []string) (string, bool) {
	for _, req := range r.Requests() {
		for _, s := range secrets {
			if s != "" && strings.Contains(req, s) {
				return req, true
			}
		}
	}
	return "", false
}
