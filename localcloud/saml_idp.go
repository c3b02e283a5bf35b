package localcloud

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"html"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// The local cloud's SAML identity provider: signed SAML 2.0 responses
// carrying AWS's Role, RoleSessionName and SessionDuration attributes,
// addressed to AWS's real SAML endpoint (https://signin.aws.amazon.com/saml,
// which the tool's drivers never contact: they take the response from the
// IdP's form). Two sign-in protocols lead to it, each in its own file:
// an Okta-style authentication API (saml_okta.go) and an ADFS-style forms
// sign-in (saml_adfs.go). The key is made at the first use.
//
// Users (password DefaultSAMLPassword): alice (no MFA), bob (TOTP, code
// DefaultMFACode), carol (push, approved at the second poll), dave (push,
// rejected).

const (
	// DefaultSAMLPassword is every SAML test user's password.
	DefaultSAMLPassword = "correct-horse"
	// SAMLAWSEndpoint is the Destination of the responses.
	SAMLAWSEndpoint    = "https://signin.aws.amazon.com/saml"
	samlSessionSeconds = 3600
)

// SAMLRoles are the roles every SAML user is offered (role, IdP provider).
var SAMLRoles = []string{
	"arn:aws:iam::222222222222:role/SAMLAdmin,arn:aws:iam::222222222222:saml-provider/localcloud",
	"arn:aws:iam::222222222222:role/SAMLReadOnly,arn:aws:iam::222222222222:saml-provider/localcloud",
}

var samlUsers = map[string]string{"alice": "", "bob": "totp", "carol": "push", "dave": "push-reject"}

// samlState is the IdP's key, sessions and pending sign-ins.
type samlState struct {
	once   sync.Once
	key    *rsa.PrivateKey
	cert   []byte
	keyErr error

	mu       sync.Mutex
	sessions map[string]string     // session cookie → user
	tokens   map[string]string     // one-time session token → user
	states   map[string]*oktaState // state token → pending MFA
}

// samlRoute serves the SAML IdP paths (op for the call counters), or
// returns nil for others.
func (s *Server) samlRoute(r *http.Request) (string, http.HandlerFunc) {
	p := r.URL.Path
	switch {
	case p == "/api/v1/authn" && r.Method == http.MethodPost:
		return "OktaAuthn", s.oktaAuthn
	case strings.HasPrefix(p, "/api/v1/authn/factors/") && strings.HasSuffix(p, "/verify") && r.Method == http.MethodPost:
		return "OktaVerifyFactor", s.oktaVerify
	case p == "/login/sessionCookieRedirect" && r.Method == http.MethodGet:
		return "OktaSessionCookieRedirect", s.oktaSessionRedirect
	case strings.HasPrefix(p, "/app/amazon_aws/") && strings.HasSuffix(p, "/sso/saml"):
		return "OktaAppSAML", s.oktaApp
	case p == "/adfs/ls/IdpInitiatedSignOn.aspx":
		return "ADFSSignOn", s.adfsSignOn
	}
	return "", nil
}

func (st *samlState) init() error {
	st.once.Do(func() {
		st.sessions, st.tokens, st.states = map[string]string{}, map[string]string{}, map[string]*oktaState{}
		st.key, st.keyErr = rsa.GenerateKey(rand.Reader, 2048)
		if st.keyErr != nil {
			return
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localcloud SAML IdP"},
			NotBefore: time.Now().Add(-24 * time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour)}
		st.cert, st.keyErr = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &st.key.PublicKey, st.key)
	})
	return st.keyErr
}

func (st *samlState) newSession(user string) string {
	id := randHex(16)
	st.mu.Lock()
	st.sessions[id] = user
	st.mu.Unlock()
	return id
}

func (st *samlState) sessionUser(r *http.Request) string {
	c, err := r.Cookie("lc_saml_sid")
	if err != nil {
		return ""
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sessions[c.Value]
}

func setSAMLSession(w http.ResponseWriter, id string) {
	http.SetCookie(w, &http.Cookie{Name: "lc_saml_sid", Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 3600})
}

// samlResponse is a signed base64 SAML response for user, at the server's
// clock.
func (s *Server) samlResponse(user string) (string, error) {
	st := &s.saml
	if err := st.init(); err != nil {
		return "", err
	}
	now := s.now().UTC()
	ts := func(t time.Time) string { return t.Format("2006-01-02T15:04:05Z") }
	issuer := s.URL() + "/saml"
	resp := etree.NewElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", "urn:oasis:names:tc:SAML:2.0:protocol")
	resp.CreateAttr("xmlns:saml", "urn:oasis:names:tc:SAML:2.0:assertion")
	resp.CreateAttr("ID", "_"+randHex(16))
	resp.CreateAttr("Version", "2.0")
	resp.CreateAttr("IssueInstant", ts(now))
	resp.CreateAttr("Destination", SAMLAWSEndpoint)
	resp.CreateElement("saml:Issuer").SetText(issuer)
	resp.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Success")
	a := resp.CreateElement("saml:Assertion")
	a.CreateAttr("xmlns:saml", "urn:oasis:names:tc:SAML:2.0:assertion") // signed on its own
	a.CreateAttr("ID", "_"+randHex(16))
	a.CreateAttr("Version", "2.0")
	a.CreateAttr("IssueInstant", ts(now))
	a.CreateElement("saml:Issuer").SetText(issuer)
	subj := a.CreateElement("saml:Subject")
	nid := subj.CreateElement("saml:NameID")
	nid.CreateAttr("Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
	nid.SetText(user)
	sc := subj.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	scd.CreateAttr("NotOnOrAfter", ts(now.Add(5*time.Minute)))
	scd.CreateAttr("Recipient", SAMLAWSEndpoint)
	cond := a.CreateElement("saml:Conditions")
	cond.CreateAttr("NotBefore", ts(now.Add(-time.Minute)))
	cond.CreateAttr("NotOnOrAfter", ts(now.Add(5*time.Minute)))
	cond.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText("urn:amazon:webservices")
	an := a.CreateElement("saml:AuthnStatement")
	an.CreateAttr("AuthnInstant", ts(now))
	an.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").SetText("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
	as := a.CreateElement("saml:AttributeStatement")
	attr := func(name string, vals ...string) {
		at := as.CreateElement("saml:Attribute")
		at.CreateAttr("Name", name)
		for _, v := range vals {
			at.CreateElement("saml:AttributeValue").SetText(v)
		}
	}
	attr("https://aws.amazon.com/SAML/Attributes/Role", SAMLRoles...)
	attr("https://aws.amazon.com/SAML/Attributes/RoleSessionName", user)
	attr("https://aws.amazon.com/SAML/Attributes/SessionDuration", strconv.Itoa(samlSessionSeconds))
	ks := dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{st.cert}, PrivateKey: st.key})
	ctx := dsig.NewDefaultSigningContext(ks)
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	sig, err := ctx.ConstructSignature(a, true)
	if err != nil {
		return "", err
	}
	a.InsertChildAt(1, sig) // after the Issuer, where the schema puts it
	doc := etree.NewDocument()
	doc.SetRoot(resp)
	b, err := doc.WriteToBytes()
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// writeSAMLPost answers with the IdP's auto-posting form to AWS.
func (s *Server) writeSAMLPost(w http.ResponseWriter, user string) {
	resp, err := s.samlResponse(user)
	if err != nil {
		http.Error(w, "cannot sign: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html><body onload="document.forms[0].submit()"><form method="POST" name="hiddenform" action="%s"><input type="hidden" name="SAMLResponse" value="%s"/><input type="hidden" name="RelayState" value=""/><noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"/></noscript></form></body></html>`,
		html.EscapeString(SAMLAWSEndpoint), html.EscapeString(resp))
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}
