package aws

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// sigv4 signs a request with AWS Signature Version 4 exactly as the SDK's
// aws/signer/v4 does for the calls this program makes (the header form,
// and the query form of presigned URLs); TestSigV4MatchesSDK holds the
// two byte for byte. It is written out rather than imported because the
// SDK's signer brings smithy-go and the SDK core into every start of the
// binary.
type sigv4 struct {
	id, secret, token string
	service, region   string
	time              time.Time
}

const sigv4Algorithm = "AWS4-HMAC-SHA256"

// sigv4Ignored are the headers the SDK leaves unsigned.
var sigv4Ignored = map[string]bool{"Authorization": true, "User-Agent": true, "X-Amzn-Trace-Id": true, "Expect": true, "Transfer-Encoding": true}

// sign adds X-Amz-Date, X-Amz-Security-Token and Authorization to req
// (whose body hashes to payloadHash) and puts its query in canonical form.
func (s sigv4) sign(req *http.Request, payloadHash string) {
	t := s.time.UTC()
	req.Header.Set("X-Amz-Date", t.Format("20060102T150405Z"))
	if s.token != "" {
		req.Header.Set("X-Amz-Security-Token", s.token)
	}
	query := req.URL.Query()
	signed, sig := s.signature(req, query, payloadHash)
	req.Header.Set("Authorization", fmt.Sprintf("%s Credential=%s, SignedHeaders=%s, Signature=%s", sigv4Algorithm, s.credential(), signed, sig))
	req.URL.RawQuery = sigv4Query(query)
}

// presign returns req as a URL whose query carries the signature; its
// headers (none of them X-Amz-*) are signed in and must be sent with it.
func (s sigv4) presign(req *http.Request, payloadHash string) (string, error) {
	for k := range req.Header {
		if strings.HasPrefix(k, "X-Amz-") {
			return "", fmt.Errorf("presigning: header %s would go to the query string, which this signer does not do", k)
		}
	}
	req = req.Clone(req.Context())
	query := req.URL.Query()
	query.Set("X-Amz-Algorithm", sigv4Algorithm)
	if s.token != "" {
		query.Set("X-Amz-Security-Token", s.token)
	}
	query.Set("X-Amz-Date", s.time.UTC().Format("20060102T150405Z"))
	query.Set("X-Amz-Credential", s.credential())
	_, sig := s.signature(req, query, payloadHash)
	req.URL.RawQuery = sigv4Query(query) + "&X-Amz-Signature=" + sig
	return req.URL.String(), nil
}

func (s sigv4) scope() string {
	return s.time.UTC().Format("20060102") + "/" + s.region + "/" + s.service + "/aws4_request"
}

func (s sigv4) credential() string { return s.id + "/" + s.scope() }

// signature signs req and query (for a presigned URL, query also gets
// X-Amz-SignedHeaders): the signed header list and the signature.
func (s sigv4) signature(req *http.Request, query url.Values, payloadHash string) (signedHeaders, signature string) {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	if p := portOf(host); p != "" && (strings.EqualFold(req.URL.Scheme, "http") && p == "80" || strings.EqualFold(req.URL.Scheme, "https") && p == "443") {
		host = strings.TrimSuffix(host, ":"+p)
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		req.Host = host
	}
	values := map[string][]string{"host": {host}}
	if req.ContentLength > 0 {
		values["content-length"] = []string{strconv.FormatInt(req.ContentLength, 10)}
	}
	for k, v := range req.Header {
		if sigv4Ignored[k] || strings.EqualFold(k, "content-length") {
			continue
		}
		lk := strings.ToLower(k)
		values[lk] = append(values[lk], v...)
	}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	signedHeaders = strings.Join(names, ";")
	var canonicalHeaders strings.Builder
	for _, k := range names {
		canonicalHeaders.WriteString(k + ":")
		if k == "host" {
			canonicalHeaders.WriteString(stripExcessSpaces(host))
		} else {
			for i, v := range values[k] {
				if i > 0 {
					canonicalHeaders.WriteByte(',')
				}
				canonicalHeaders.WriteString(strings.TrimSpace(stripExcessSpaces(v)))
			}
		}
		canonicalHeaders.WriteByte('\n')
	}
	if query.Has("X-Amz-Credential") {
		query.Set("X-Amz-SignedHeaders", signedHeaders)
	}
	uri := req.URL.EscapedPath()
	if uri == "" {
		uri = "/"
	}
	canonical := strings.Join([]string{req.Method, escapePath(uri), sigv4Query(query), canonicalHeaders.String(), signedHeaders, payloadHash}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	toSign := sigv4Algorithm + "\n" + s.time.UTC().Format("20060102T150405Z") + "\n" + s.scope() + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA256([]byte("AWS4"+s.secret), s.time.UTC().Format("20060102"))
	for _, part := range []string{s.region, s.service, "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	return signedHeaders, hex.EncodeToString(hmacSHA256(key, toSign))
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// sigv4Query is the canonical query: pairs sorted by encoded key, then
// value, spaces as %20.
func sigv4Query(q url.Values) string {
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, pair{sigv4Escape(k), sigv4Escape(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k + "=" + p.v)
	}
	return b.String()
}

func sigv4Escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// escapePath escapes every byte but unreserved ones and '/' (the SDK's
// httpbinding.EscapePath for services other than S3: the path is escaped
// once more).
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// stripExcessSpaces trims spaces at both ends and folds runs of spaces
// into one.
func stripExcessSpaces(s string) string {
	s = strings.Trim(s, " ")
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteByte(s[i])
	}
	return b.String()
}

// portOf is the port of host[:port] or [v6]:port ("" for none).
func portOf(host string) string {
	if i := strings.LastIndex(host, "]:"); i >= 0 {
		return host[i+2:]
	}
	if strings.Contains(host, "]") || strings.Count(host, ":") != 1 {
		return ""
	}
	return host[strings.IndexByte(host, ':')+1:]
}
