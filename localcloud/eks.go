package localcloud

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
)

// EKS (restJson1): DescribeCluster, GET /clusters/{name}. Clusters are
// registered with AddEKSCluster (a test's API server, the demo's).

// Protocols of the endpoints added after the first ones (see route).
const (
	protoEKS        protocol = iota + 100 // restJson1 (EKS)
	protoFederation                       // the console sign-in federation endpoint
)

// EKSCluster is one cluster DescribeCluster answers for.
type EKSCluster struct {
	Name     string
	Endpoint string // https://… (the API server)
	CAPEM    []byte // its certificate authority
}

type eksState struct {
	mu       sync.Mutex
	clusters map[string]EKSCluster
}

func (s *Server) eks() *eksState {
	s.eksc.mu.Lock()
	if s.eksc.clusters == nil {
		s.eksc.clusters = map[string]EKSCluster{}
	}
	s.eksc.mu.Unlock()
	return &s.eksc
}

// AddEKSCluster makes DescribeCluster answer for c.
func (s *Server) AddEKSCluster(c EKSCluster) {
	st := s.eks()
	st.mu.Lock()
	st.clusters[c.Name] = c
	st.mu.Unlock()
}

func isEKS(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/clusters/") && strings.Count(r.URL.Path, "/") == 2
}

func (s *Server) serveEKS(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/clusters/")
	s.mu.Lock()
	c, err := s.callerOf(r)
	s.mu.Unlock()
	if err != nil {
		var ae *authError
		errors.As(err, &ae)
		writePortalError(w, 403, ae.code, ae.msg)
		return
	}
	st := s.eks()
	st.mu.Lock()
	cl, ok := st.clusters[name]
	st.mu.Unlock()
	if !ok {
		writePortalError(w, 404, "ResourceNotFoundException", "No cluster found for name: "+name+".")
		return
	}
	region := "us-east-1"
	if p := strings.Split(r.Header.Get("Authorization"), "/"); len(p) > 2 {
		region = p[2]
	}
	s.opts.logger.Info("eks cluster described", "account", c.account, "cluster", name)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"cluster": map[string]any{
		"name":                 cl.Name,
		"arn":                  "arn:aws:eks:" + region + ":" + c.account + ":cluster/" + cl.Name,
		"endpoint":             cl.Endpoint,
		"status":               "ACTIVE",
		"version":              "1.31",
		"certificateAuthority": map[string]string{"data": base64.StdEncoding.EncodeToString(cl.CAPEM)},
	}})
}
