package localcloud

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The console sign-in federation endpoint (signin.aws.amazon.com/federation):
// getSigninToken exchanges session credentials for a sign-in token (valid
// 15 minutes, used once); login spends it and shows the console page for
// the principal, with the destination it would open. Long-lived keys
// (IAM users) are refused, as AWS does: they need GetFederationToken first.

type fedState struct {
	mu     sync.Mutex
	tokens map[string]fedToken
}

type fedToken struct {
	arn, account, destination string
	expires                   time.Time
	duration                  time.Duration
}

// signinTokenTTL is how long an unused sign-in token is good for.
const signinTokenTTL = 15 * time.Minute

func isFederation(r *http.Request) bool {
	return r.URL.Path == "/federation" && r.Method == http.MethodGet
}

func (s *Server) serveFederation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch q.Get("Action") {
	case "getSigninToken":
		s.getSigninToken(w, q)
	case "login":
		s.federationLogin(w, q)
	default:
		http.Error(w, "unknown Action", http.StatusBadRequest)
	}
}

func (s *Server) getSigninToken(w http.ResponseWriter, q map[string][]string) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	var sess struct {
		ID    string `json:"sessionId"`
		Key   string `json:"sessionKey"`
		Token string `json:"sessionToken"`
	}
	if err := json.Unmarshal([]byte(get("Session")), &sess); err != nil || sess.ID == "" || sess.Key == "" || sess.Token == "" {
		http.Error(w, "Session must be JSON with sessionId, sessionKey and sessionToken", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	c, ok := s.creds[sess.ID]
	var cs Session
	if ok {
		cs = *c
	}
	s.mu.Unlock()
	if !ok || cs.revoked || cs.SecretAccessKey != sess.Key || cs.SessionToken != sess.Token || !s.now().Before(cs.Expiration) {
		http.Error(w, "invalid or expired session credentials", http.StatusForbidden)
		return
	}
	dur := 12 * time.Hour
	if v := get("SessionDuration"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			http.Error(w, "SessionDuration must be 900..43200 seconds", http.StatusBadRequest)
			return
		}
		if cs.Kind == "federation" {
			http.Error(w, "SessionDuration is not allowed with federation tokens", http.StatusBadRequest)
			return
		}
		if cs.Chained && n > 3600 {
			http.Error(w, "SessionDuration cannot exceed 3600 seconds for role chains", http.StatusBadRequest)
			return
		}
		dur = time.Duration(n) * time.Second
	}
	tok := randomID(32)
	s.fed.mu.Lock()
	if s.fed.tokens == nil {
		s.fed.tokens = map[string]fedToken{}
	}
	s.fed.tokens[tok] = fedToken{arn: cs.ARN, account: cs.Account, expires: s.now().Add(signinTokenTTL), duration: dur}
	s.fed.mu.Unlock()
	s.opts.logger.Info("sign-in token issued", "account", cs.Account)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"SigninToken": tok})
}

func (s *Server) federationLogin(w http.ResponseWriter, q map[string][]string) {
	one := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	s.fed.mu.Lock()
	t, ok := s.fed.tokens[one("SigninToken")]
	delete(s.fed.tokens, one("SigninToken"))
	s.fed.mu.Unlock()
	if !ok || !s.now().Before(t.expires) {
		http.Error(w, "invalid or expired sign-in token", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	_, _ = w.Write([]byte(`<!doctype html><html><head><title>localcloud console</title></head><body>
<h1>Signed in</h1>
<p>Identity: <span id="arn">` + html.EscapeString(t.arn) + `</span></p>
<p>Account: <span id="account">` + html.EscapeString(t.account) + `</span></p>
<p>Destination: <span id="destination">` + html.EscapeString(one("Destination")) + `</span></p>
<p>Issuer: <span id="issuer">` + html.EscapeString(one("Issuer")) + `</span></p>
<p>Session: <span id="duration">` + t.duration.String() + `</span></p>
</body></html>`))
}

// getFederationToken issues federated-user credentials to an IAM user's
// long-lived keys (AWS refuses session credentials here).
func (s *Server) getFederationToken(w http.ResponseWriter, r *http.Request, get func(string) string) error {
	c, err := s.callerOf(r)
	if err != nil {
		return err
	}
	if c.role || c.kind != "iam-user" {
		return accessDenied("Cannot call GetFederationToken with session credentials")
	}
	name := get("Name")
	if len(name) < 2 || len(name) > 32 || !sessionNameRE.MatchString(name) {
		return validation("Name must be 2 to 32 characters of [\\w+=,.@-]")
	}
	dur, err := duration(get("DurationSeconds"), 43200, 900, 129600)
	if err != nil {
		return err
	}
	arn := "arn:aws:sts::" + c.account + ":federated-user/" + name
	sess := s.issue("federation", c.account, arn, c.account+":"+name, time.Duration(dur)*time.Second, false)
	s.opts.logger.Info("federation token issued", "user", c.arn, "accessKeyId", sess.AccessKeyID)
	writeQueryResult(w, "GetFederationToken", struct {
		XMLName     xml.Name       `xml:"GetFederationTokenResult"`
		Credentials xmlCredentials `xml:"Credentials"`
		User        struct {
			Arn string `xml:"Arn"`
			ID  string `xml:"FederatedUserId"`
		} `xml:"FederatedUser"`
	}{Credentials: credsXML(sess), User: struct {
		Arn string `xml:"Arn"`
		ID  string `xml:"FederatedUserId"`
	}{arn, c.account + ":" + name}})
	return nil
}
