package localcloud

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// Session is a set of AWS credentials the local cloud issued, keyed by its
// access key id, and the principal it stands for.
type Session struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Account         string
	ARN             string // what GetCallerIdentity returns
	UserID          string // what GetCallerIdentity returns
	Expiration      time.Time
	// Kind is how it was issued: "sso", "assume-role", "web-identity",
	// "saml", "root", "session-token".
	Kind string
	// Chained is true for role sessions assumed with role-session
	// credentials (role chaining limits them to one hour).
	Chained bool
	// roleSession is true when the principal is an assumed role.
	roleSession bool
	// revoked: see RevokeCredentials.
	revoked bool
}

// issue creates and records credentials; lifetime is capped by the
// configured credential lifetime. Call with s.mu held.
func (s *Server) issue(kind, account, arn, userID string, lifetime time.Duration, roleSession bool) *Session {
	if c := s.faults.credentialLifetime; c > 0 && c < lifetime {
		lifetime = c
	}
	if c := s.opts.credentialLifetime; c > 0 && c < lifetime {
		lifetime = c
	}
	sess := &Session{
		AccessKeyID:     "ASIA" + randomUpper(16, upperAlnum),
		SecretAccessKey: base64.RawStdEncoding.EncodeToString([]byte(randomID(15)))[:40],
		SessionToken:    "LC" + base64.StdEncoding.EncodeToString([]byte("localcloud-session:"+randomID(48))),
		Account:         account,
		ARN:             arn,
		UserID:          userID,
		Expiration:      s.now().Add(lifetime).UTC().Truncate(time.Second),
		Kind:            kind,
		roleSession:     roleSession,
	}
	s.creds[sess.AccessKeyID] = sess
	return sess
}

// Session returns the credentials issued under an access key id.
func (s *Server) Session(accessKeyID string) (Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[accessKeyID]
	if !ok {
		return Session{}, false
	}
	return *c, true
}

// ExpireCredentials makes every issued AWS credential expired.
func (s *Server) ExpireCredentials() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.now().Add(-time.Second)
	for _, c := range s.creds {
		c.Expiration = past
	}
}

// accessKeyFromRequest returns the access key id of a SigV4-signed request
// (Authorization header or presigned X-Amz-Credential query), or "".
// Signatures are not verified.
func accessKeyFromRequest(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		i := strings.Index(h, "Credential=")
		if i < 0 {
			return ""
		}
		rest := h[i+len("Credential="):]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return rest[:j]
		}
		return ""
	}
	if c := r.URL.Query().Get("X-Amz-Credential"); c != "" {
		if j := strings.IndexByte(c, '/'); j >= 0 {
			return c[:j]
		}
	}
	return ""
}

// caller is the principal behind a signed request.
type caller struct {
	akid    string
	account string
	arn     string
	userID  string
	role    bool // an assumed-role session
	root    bool
	kind    string
}

// errExpired and friends are resolved to protocol errors by the caller.
type authError struct{ code, msg string }

func (e *authError) Error() string { return e.code + ": " + e.msg }

// callerOf maps the request's access key back to what it was issued for.
// Access keys the local cloud did not issue (static test keys) stand for the
// IAM user DefaultUserName in IdentityAccount. Call with s.mu held.
func (s *Server) callerOf(r *http.Request) (*caller, error) {
	akid := accessKeyFromRequest(r)
	if akid == "" {
		return nil, &authError{"MissingAuthenticationToken", "Request is missing Authentication Token"}
	}
	if c, ok := s.creds[akid]; ok {
		if c.revoked {
			return nil, &authError{"InvalidClientTokenId", "The security token included in the request is invalid"}
		}
		if !s.now().Before(c.Expiration) {
			return nil, &authError{"ExpiredToken", "The security token included in the request is expired"}
		}
		return &caller{akid: akid, account: c.Account, arn: c.ARN, userID: c.UserID, role: c.roleSession, root: c.Kind == "root", kind: c.Kind}, nil
	}
	if strings.HasPrefix(akid, "ASIA") {
		return nil, &authError{"InvalidClientTokenId", "The security token included in the request is invalid"}
	}
	return &caller{
		akid:    akid,
		account: IdentityAccount,
		arn:     "arn:aws:iam::" + IdentityAccount + ":user/" + s.opts.userName,
		userID:  "AIDA" + stableID(akid, 17),
		kind:    "iam-user",
	}, nil
}

// stableID derives an upper-case id from a string, deterministic across runs.
func stableID(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = upperAlnum[int(sum[i%len(sum)])%len(upperAlnum)]
	}
	return string(b)
}

func stableHex(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])[:n]
}
