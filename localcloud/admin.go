package localcloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"
)

const (
	faultThrottle = "throttle"
	faultServer   = "server"
)

// AnyOperation in a fault applies it to every operation.
const AnyOperation = "*"

type pending struct {
	kind   string
	n      int
	status int
}

type faultState struct {
	mu                 sync.Mutex
	pending            map[string][]*pending // op -> queued faults
	latency            time.Duration
	opLatency          map[string]time.Duration
	credentialLifetime time.Duration
}

func (f *faultState) init() {
	f.pending = map[string][]*pending{}
	f.opLatency = map[string]time.Duration{}
}

// take consumes one queued fault for op (or "*").
func (f *faultState) take(op string) (kind string, status int, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, key := range []string{op, AnyOperation} {
		q := f.pending[key]
		for len(q) > 0 && q[0].n <= 0 {
			q = q[1:]
		}
		f.pending[key] = q
		if len(q) > 0 {
			q[0].n--
			return q[0].kind, q[0].status, true
		}
	}
	return "", 0, false
}

func (f *faultState) delay(op string) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d, ok := f.opLatency[op]; ok {
		return d
	}
	return f.latency
}

// Throttle makes the next n calls of op (or AnyOperation) fail with the
// protocol's throttling error (STS Throttling, ECR ThrottlingException, SSO
// TooManyRequestsException), which the SDK's standard retryer retries.
func (s *Server) Throttle(op string, n int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.pending[op] = append(s.faults.pending[op], &pending{kind: faultThrottle, n: n})
}

// FailServer makes the next n calls of op (or AnyOperation) fail with a 5xx
// status (500 if status is 0).
func (s *Server) FailServer(op string, n, status int) {
	if status == 0 {
		status = 500
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.pending[op] = append(s.faults.pending[op], &pending{kind: faultServer, n: n, status: status})
}

// SetLatency delays every request by d (op "" or AnyOperation), or only the
// requests of one operation.
func (s *Server) SetLatency(op string, d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if op == "" || op == AnyOperation {
		s.faults.latency = d
		return
	}
	s.faults.opLatency[op] = d
}

// SetCredentialLifetime caps the lifetime of AWS credentials issued from now
// on (0 removes the cap).
func (s *Server) SetCredentialLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.credentialLifetime = d
}

// ClearFaults removes queued faults and latency.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.pending = map[string][]*pending{}
	s.faults.opLatency = map[string]time.Duration{}
	s.faults.latency = 0
	s.faults.mu.Unlock()
	s.SetCredentialLifetime(0)
}

// ExpireTokens makes every SSO access token expired (their refresh tokens
// still work).
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.now().Add(-time.Second)
	for _, t := range s.access {
		t.expires = past
	}
}

// RevokeRefreshTokens revokes every refresh token.
func (s *Server) RevokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.refresh {
		t.revoked = true
	}
}

// Stats is a snapshot of the request counters.
type Stats struct {
	// Calls counts requests per operation (including failed ones).
	Calls map[string]int `json:"calls"`
	// Errors counts error responses per operation and error code, as
	// "Operation/Code".
	Errors map[string]int `json:"errors"`
	Total  int            `json:"total"`
}

type statsState struct {
	mu     sync.Mutex
	calls  map[string]int
	errors map[string]int
	total  int
}

func (st *statsState) init() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.calls, st.errors, st.total = map[string]int{}, map[string]int{}, 0
}

func (st *statsState) count(op string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.calls[op]++
	st.total++
}

func (st *statsState) fail(op, code string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if code == "" {
		code = "Unknown"
	}
	st.errors[op+"/"+code]++
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := Stats{Calls: map[string]int{}, Errors: map[string]int{}, Total: s.stats.total}
	for k, v := range s.stats.calls {
		out.Calls[k] = v
	}
	for k, v := range s.stats.errors {
		out.Errors[k] = v
	}
	return out
}

// Calls returns how many requests of op were served.
func (s *Server) Calls(op string) int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.calls[op]
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() { s.stats.init() }

// FaultRequest is the JSON body of POST /_admin/faults. Every field is
// optional; durations use Go syntax ("50ms", "15m").
type FaultRequest struct {
	Operation          string `json:"operation,omitempty"` // default "*"
	Throttle           int    `json:"throttle,omitempty"`
	ServerErrors       int    `json:"serverErrors,omitempty"`
	Status             int    `json:"status,omitempty"` // for serverErrors, default 500
	Latency            string `json:"latency,omitempty"`
	ExpireTokens       bool   `json:"expireTokens,omitempty"`
	ExpireCredentials  bool   `json:"expireCredentials,omitempty"`
	RevokeRefresh      bool   `json:"revokeRefreshTokens,omitempty"`
	CredentialLifetime string `json:"credentialLifetime,omitempty"`
	Clear              bool   `json:"clear,omitempty"`
}

// ApplyFaults applies a FaultRequest (the Go form of POST /_admin/faults).
func (s *Server) ApplyFaults(f FaultRequest) error {
	op := f.Operation
	if op == "" {
		op = AnyOperation
	}
	var lat, life time.Duration
	var err error
	if f.Latency != "" {
		if lat, err = time.ParseDuration(f.Latency); err != nil {
			return fmt.Errorf("latency: %w", err)
		}
	}
	if f.CredentialLifetime != "" {
		if life, err = time.ParseDuration(f.CredentialLifetime); err != nil {
			return fmt.Errorf("credentialLifetime: %w", err)
		}
	}
	if f.Clear {
		s.ClearFaults()
	}
	if f.Throttle > 0 {
		s.Throttle(op, f.Throttle)
	}
	if f.ServerErrors > 0 {
		s.FailServer(op, f.ServerErrors, f.Status)
	}
	if f.Latency != "" {
		s.SetLatency(op, lat)
	}
	if f.CredentialLifetime != "" {
		s.SetCredentialLifetime(life)
	}
	if f.ExpireTokens {
		s.ExpireTokens()
	}
	if f.ExpireCredentials {
		s.ExpireCredentials()
	}
	if f.RevokeRefresh {
		s.RevokeRefreshTokens()
	}
	return nil
}

// serveAdmin serves /_admin/faults, /_admin/stats, /_admin/approve and
// /_admin/devices.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/_admin/faults" && r.Method == http.MethodPost:
		var f FaultRequest
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			http.Error(w, "bad fault request: "+err.Error(), http.StatusBadRequest)
			return
		}
		if err := s.ApplyFaults(f); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		writeJSON(w, 200, map[string]any{"ok": true})
	case r.URL.Path == "/_admin/stats" && r.Method == http.MethodGet:
		writeJSON(w, 200, s.Stats())
	case r.URL.Path == "/_admin/stats" && r.Method == http.MethodDelete:
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_admin/approve" && r.Method == http.MethodPost:
		if err := s.Approve(r.FormValue("user_code")); err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		writeJSON(w, 200, map[string]any{"ok": true})
	case r.URL.Path == "/_admin/devices" && r.Method == http.MethodGet:
		codes := s.PendingUserCodes()
		sort.Strings(codes)
		writeJSON(w, 200, map[string]any{"pending": codes})
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
