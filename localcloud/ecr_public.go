package localcloud

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"
)

// ECR Public (awsJson1_1, X-Amz-Target SpencerFrontendService.<Operation>):
// GetAuthorizationToken for public.ecr.aws, one authorizationData object.

const ecrPublicTarget = "SpencerFrontendService."

func isECRPublic(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("X-Amz-Target"), ecrPublicTarget)
}

func (s *Server) serveECRPublic(w http.ResponseWriter, r *http.Request, op string) {
	if op != "GetAuthorizationToken" {
		writeJSONError(w, 400, "UnknownOperationException", "unknown operation "+op)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.callerOf(r)
	if err != nil {
		var ae *authError
		errors.As(err, &ae)
		writeJSONError(w, 403, ae.code, ae.msg)
		return
	}
	s.opts.logger.Info("ecr-public token issued", "account", c.account)
	writeJSONWithType(w, map[string]any{"authorizationData": map[string]any{
		"authorizationToken": base64.StdEncoding.EncodeToString([]byte("AWS:" + s.opts.ecrPassword)),
		"expiresAt":          float64(s.now().Add(12*time.Hour).UnixMilli()) / 1000,
	}})
}
