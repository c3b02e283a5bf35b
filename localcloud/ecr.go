package localcloud

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// ECR (awsJson1_1: POST / with X-Amz-Target
// AmazonEC2ContainerRegistry_V20150921.<Operation>).

func writeJSONError(w http.ResponseWriter, status int, typ, msg string) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.code = typ
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Errortype", typ)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}

func (s *Server) serveECR(w http.ResponseWriter, r *http.Request, op string) {
	if isECRPublic(r) {
		s.serveECRPublic(w, r, op)
		return
	}
	if op != "GetAuthorizationToken" {
		writeJSONError(w, 400, "UnknownOperationException", "unknown operation "+op)
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSONError(w, 400, "SerializationException", "body is not JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.callerOf(r)
	if err != nil {
		var ae *authError
		errors.As(err, &ae)
		status := 403
		if ae.code == "ExpiredToken" {
			status = 400
			ae.code = "ExpiredTokenException"
		}
		if ae.code == "InvalidClientTokenId" {
			ae.code = "UnrecognizedClientException"
		}
		writeJSONError(w, status, ae.code, ae.msg)
		return
	}
	proxy := s.opts.ecrProxyEndpoint
	if proxy == "" {
		proxy = "https://" + c.account + ".dkr.ecr.us-east-1.amazonaws.com"
	}
	expires := s.now().Add(12 * time.Hour)
	s.opts.logger.Info("ecr token issued", "account", c.account)
	writeJSONWithType(w, map[string]any{"authorizationData": []map[string]any{{
		"authorizationToken": base64.StdEncoding.EncodeToString([]byte("AWS:" + s.opts.ecrPassword)),
		"expiresAt":          float64(expires.UnixMilli()) / 1000,
		"proxyEndpoint":      proxy,
	}}})
}

func writeJSONWithType(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(200)
	_ = json.NewEncoder(w).Encode(v)
}
