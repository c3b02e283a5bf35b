package aws

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"

	"github.com/atmos-auth/atmos-auth/config"
)

// What this tool checks in a SAML response before sending it to STS. AWS
// checks the signature against the IdP's metadata registered in IAM (this
// tool cannot know it); here the response must be well formed, a success,
// carry exactly one signed assertion whose signature verifies with the
// certificate it embeds (a response edited after signing is refused),
// address an AWS SAML endpoint (Destination, Recipient, audience) and be
// inside its time bounds. The assertion itself is never logged, printed or
// written to disk.

const (
	nsSAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsSAML  = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsDSig  = "http://www.w3.org/2000/09/xmldsig#"

	samlAttrRole        = "https://aws.amazon.com/SAML/Attributes/Role"
	samlAttrSessionName = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	samlAttrDuration    = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	samlAWSAudience     = "urn:amazon:webservices"

	// samlSkew is the clock skew allowed on the assertion's time bounds.
	samlSkew = 5 * time.Minute
	// maxSAMLResponse bounds the base64 response read from a form or a post.
	maxSAMLResponse = 1 << 20
)

// EnvSAMLTestACS names one more SAML endpoint the drivers accept, for tests
// only: a loopback http(s) URL standing in for AWS's sign-in endpoint (a
// test IdP posts there). Anything that is not loopback is ignored.
const EnvSAMLTestACS = "ATMOS_AUTH_SAML_TEST_ACS_URL"

// samlPartitionHosts are AWS's SAML sign-in hosts, one per partition; each
// also has regional forms <region>.<host>.
var samlPartitionHosts = []string{"signin.aws.amazon.com", "signin.amazonaws-us-gov.com", "signin.amazonaws.cn"}

var reRegionLabel = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`) })

// isAWSSAMLEndpoint reports whether u is AWS's SAML endpoint in a
// partition (https://signin.aws.amazon.com/saml, a regional form, GovCloud,
// China), or the loopback test endpoint testACS names.
func isAWSSAMLEndpoint(raw, testACS string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil {
		return false
	}
	if testACS != "" && sameEndpoint(u, testACS) {
		return true
	}
	if u.Scheme != "https" || (u.Port() != "" && u.Port() != "443") || strings.TrimSuffix(u.Path, "/") != "/saml" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range samlPartitionHosts {
		if host == h {
			return true
		}
		if r, ok := strings.CutSuffix(host, "."+h); ok && reRegionLabel().MatchString(r) {
			return true
		}
	}
	return false
}

// samlTestACS is the test endpoint from the environment when it is a
// loopback http(s) URL, else "".
func samlTestACS(getenv func(string) string) string {
	v := getenv(EnvSAMLTestACS)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !config.IsLoopbackHost(u.Hostname()) {
		return ""
	}
	return v
}

func sameEndpoint(u *url.URL, want string) bool {
	w, err := url.Parse(want)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, w.Scheme) && strings.EqualFold(u.Host, w.Host) &&
		strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(w.Path, "/")
}

// samlRole is one value of the assertion's Role attribute.
type samlRole struct{ Role, Principal string }

// samlAssertion is what the login needs from a checked SAML response.
type samlAssertion struct {
	Raw          string // the base64 response as received: sent to STS, never shown
	Issuer       string
	Subject      string
	Roles        []samlRole
	SessionName  string
	MaxDuration  time.Duration // the SessionDuration attribute (0: none)
	NotOnOrAfter time.Time
	// SignatureChecked is false when the signature names no certificate to
	// check it with (AWS still checks it against the IdP's metadata).
	SignatureChecked bool
}

// errSAML marks a response refused here, before STS.
var errSAML = errors.New("SAML response refused")

func samlRefused(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errSAML, fmt.Sprintf(format, args...))
}

// parseSAMLResponse decodes and checks a base64 SAMLResponse as posted to
// AWS's endpoint, at now.
func parseSAMLResponse(b64 string, now time.Time, testACS string) (*samlAssertion, error) {
	if len(b64) > maxSAMLResponse {
		return nil, samlRefused("it is larger than %d bytes", maxSAMLResponse)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, samlRefused("it is not base64")
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, samlRefused("it is not XML")
	}
	for _, t := range doc.Child {
		if _, ok := t.(*etree.Directive); ok {
			return nil, samlRefused("it carries a DOCTYPE")
		}
	}
	root := doc.Root()
	if root == nil || root.Tag != "Response" || root.NamespaceURI() != nsSAMLP {
		return nil, samlRefused("it is not a SAML 2.0 Response")
	}
	if st := child(child(root, nsSAMLP, "Status"), nsSAMLP, "StatusCode"); st == nil || st.SelectAttrValue("Value", "") != "urn:oasis:names:tc:SAML:2.0:status:Success" {
		code := ""
		if st != nil {
			code = st.SelectAttrValue("Value", "")
			if sub := child(st, nsSAMLP, "StatusCode"); sub != nil {
				code += " / " + sub.SelectAttrValue("Value", "")
			}
		}
		return nil, samlRefused("the identity provider answered with status %q, not Success", code)
	}
	if d := root.SelectAttrValue("Destination", ""); d != "" && !isAWSSAMLEndpoint(d, testACS) {
		return nil, samlRefused("its Destination %q is not AWS's SAML endpoint", d)
	}
	if len(children(root, nsSAML, "EncryptedAssertion")) > 0 {
		return nil, samlRefused("its assertion is encrypted, and the role cannot be read from it: turn off assertion encryption for the AWS application at the identity provider")
	}
	as := children(root, nsSAML, "Assertion")
	if len(as) != 1 {
		return nil, samlRefused("it has %d assertions, not one", len(as))
	}
	a, checked, err := verifiedAssertion(root, as[0])
	if err != nil {
		return nil, err
	}
	out := &samlAssertion{Raw: b64, SignatureChecked: checked}
	out.Issuer = text(child(a, nsSAML, "Issuer"))
	subj := child(a, nsSAML, "Subject")
	out.Subject = text(child(subj, nsSAML, "NameID"))
	var bounds []time.Time // every NotOnOrAfter
	for _, sc := range children(subj, nsSAML, "SubjectConfirmation") {
		d := child(sc, nsSAML, "SubjectConfirmationData")
		if d == nil {
			continue
		}
		if r := d.SelectAttrValue("Recipient", ""); r != "" && !isAWSSAMLEndpoint(r, testACS) {
			return nil, samlRefused("its Recipient %q is not AWS's SAML endpoint", r)
		}
		if t, ok, err := samlTime(d, "NotOnOrAfter"); err != nil {
			return nil, err
		} else if ok {
			bounds = append(bounds, t)
		}
	}
	cond := child(a, nsSAML, "Conditions")
	if cond != nil {
		if t, ok, err := samlTime(cond, "NotBefore"); err != nil {
			return nil, err
		} else if ok && now.Add(samlSkew).Before(t) {
			return nil, samlRefused("it is not valid before %s (is this machine's clock right?)", t.Format(time.RFC3339))
		}
		if t, ok, err := samlTime(cond, "NotOnOrAfter"); err != nil {
			return nil, err
		} else if ok {
			bounds = append(bounds, t)
		}
		for _, ar := range children(cond, nsSAML, "AudienceRestriction") {
			var auds []string
			ok := false
			for _, au := range children(ar, nsSAML, "Audience") {
				v := text(au)
				auds = append(auds, v)
				ok = ok || v == samlAWSAudience || isAWSSAMLEndpoint(v, testACS)
			}
			if !ok {
				return nil, samlRefused("its audience %q is not AWS (%s)", strings.Join(auds, ", "), samlAWSAudience)
			}
		}
	}
	for _, t := range bounds {
		if out.NotOnOrAfter.IsZero() || t.Before(out.NotOnOrAfter) {
			out.NotOnOrAfter = t
		}
	}
	if !out.NotOnOrAfter.IsZero() && !now.Add(-samlSkew).Before(out.NotOnOrAfter) {
		return nil, samlRefused("it expired at %s", out.NotOnOrAfter.Format(time.RFC3339))
	}
	for _, st := range children(a, nsSAML, "AttributeStatement") {
		for _, at := range children(st, nsSAML, "Attribute") {
			var vals []string
			for _, v := range children(at, nsSAML, "AttributeValue") {
				vals = append(vals, text(v))
			}
			switch at.SelectAttrValue("Name", "") {
			case samlAttrRole:
				for _, v := range vals {
					if r, ok := parseSAMLRole(v); ok {
						out.Roles = append(out.Roles, r)
					}
				}
			case samlAttrSessionName:
				if len(vals) > 0 {
					out.SessionName = vals[0]
				}
			case samlAttrDuration:
				if len(vals) > 0 {
					if n, err := strconv.Atoi(vals[0]); err == nil && n > 0 {
						out.MaxDuration = time.Duration(n) * time.Second
					}
				}
			}
		}
	}
	if len(out.Roles) == 0 {
		return nil, samlRefused("it offers no AWS role (attribute %s): assign the user an AWS role at the identity provider", samlAttrRole)
	}
	return out, nil
}

// verifiedAssertion returns the assertion as covered by a signature that
// verifies: the response's, else the assertion's own. checked is false
// when the signature embeds no certificate (AWS checks it anyway).
func verifiedAssertion(root, a *etree.Element) (*etree.Element, bool, error) {
	signed := root
	sig := child(root, nsDSig, "Signature")
	if sig == nil {
		signed, sig = a, child(a, nsDSig, "Signature")
	}
	if sig == nil {
		return nil, false, samlRefused("neither the response nor its assertion is signed")
	}
	certEl := child(child(child(sig, nsDSig, "KeyInfo"), nsDSig, "X509Data"), nsDSig, "X509Certificate")
	if certEl == nil {
		return a, false, nil
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(text(certEl)), ""))
	if err != nil {
		return nil, false, samlRefused("its signing certificate is not base64")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, false, samlRefused("its signing certificate does not parse")
	}
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
	// AWS ignores the expiry of an IdP's signing certificate; so does this
	// check (it is about tampering, not trust).
	vc.Clock = dsig.NewFakeClockAt(cert.NotBefore.Add(time.Second))
	el := signed
	if signed != root {
		nsc, nerr := etreeutils.NSBuildParentContext(signed)
		if nerr != nil {
			return nil, false, samlRefused("its assertion cannot be isolated: %v", nerr)
		}
		if el, err = etreeutils.NSDetatch(nsc, signed); err != nil {
			return nil, false, samlRefused("its assertion cannot be isolated: %v", err)
		}
	}
	v, err := vc.Validate(el)
	if err != nil {
		return nil, false, samlRefused("its signature does not verify (%v): it was changed after signing or is forged", err)
	}
	if signed == root {
		as := children(v, nsSAML, "Assertion")
		if len(as) != 1 {
			return nil, false, samlRefused("its signed response has %d assertions, not one", len(as))
		}
		return as[0], true, nil
	}
	return v, true, nil
}

func samlTime(el *etree.Element, attr string) (time.Time, bool, error) {
	v := el.SelectAttrValue(attr, "")
	if v == "" {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, false, samlRefused("its %s %q is not a time", attr, v)
	}
	return t, true, nil
}

// parseSAMLRole splits "role-arn,provider-arn" (either order).
func parseSAMLRole(v string) (samlRole, bool) {
	a, b, ok := strings.Cut(v, ",")
	if !ok {
		return samlRole{}, false
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if strings.Contains(a, ":saml-provider/") {
		a, b = b, a
	}
	if !strings.Contains(a, ":role/") || !strings.Contains(b, ":saml-provider/") {
		return samlRole{}, false
	}
	return samlRole{Role: a, Principal: b}, true
}

// role finds the role ARN among those offered, or says which are.
func (s *samlAssertion) role(arn string) (samlRole, error) {
	var offered []string
	for _, r := range s.Roles {
		if r.Role == arn {
			return r, nil
		}
		offered = append(offered, r.Role)
	}
	slices.Sort(offered)
	return samlRole{}, fmt.Errorf("the SAML assertion does not offer the role %s; it offers: %s (set principal.assume_role to one of them, or ask the identity provider's administrator for the role)", arn, strings.Join(offered, ", "))
}

func child(el *etree.Element, ns, tag string) *etree.Element {
	if el == nil {
		return nil
	}
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == ns {
			return c
		}
	}
	return nil
}

func children(el *etree.Element, ns, tag string) []*etree.Element {
	if el == nil {
		return nil
	}
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == ns {
			out = append(out, c)
		}
	}
	return out
}

func text(el *etree.Element) string {
	if el == nil {
		return ""
	}
	return strings.TrimSpace(el.Text())
}
