package localcloud

import (
	"net/http"
	"strconv"
	"time"
)

// Presigned STS requests (GET /?Action=…&X-Amz-Credential=…): what an EKS
// token is, a presigned GetCallerIdentity the cluster calls to learn who
// its bearer is.

func isPresignedSTS(r *http.Request) bool {
	q := r.URL.Query()
	return r.Method == http.MethodGet && r.URL.Path == "/" && q.Get("Action") != "" && q.Get("X-Amz-Credential") != ""
}

// presignedForm makes a presigned request's query its form, and says why
// it is refused ("" when it is not): expired, or valid for too long.
func (s *Server) presignedForm(r *http.Request) string {
	if r.Method != http.MethodGet {
		return ""
	}
	q := r.URL.Query()
	r.PostForm = q
	signed, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		return "X-Amz-Date is missing or malformed"
	}
	secs, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || secs <= 0 || secs > 7*24*3600 {
		return "X-Amz-Expires is missing or out of range"
	}
	if s.now().After(signed.Add(time.Duration(secs) * time.Second)) {
		return "Request has expired"
	}
	return ""
}
