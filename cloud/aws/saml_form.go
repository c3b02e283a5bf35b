package aws

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// What the scripted SAML drivers (Okta, ADFS) share: the user's name and
// password, a bounded HTTP client with cookies that stays on the identity
// provider's host, and reading HTML forms.

// keyringKindSAMLPassword is the keyring entry kind of a SAML provider's
// username and password (`atmos-auth user configure -i <identity behind it>`).
const keyringKindSAMLPassword = "aws/saml-password"

// SAMLPasswordKey is the keyring key of a SAML provider's sign-in, in this
// project.
func SAMLPasswordKey(s *auth.Step) string {
	return auth.ProjectKeyringKey(s.Auth.Config, keyringKindSAMLPassword, s.Name())
}

// SecretFields: `user configure` reads the username and the password
// (hidden on a terminal) of the Okta and ADFS drivers.
func (*AWSSAMLProvider) SecretFields() []auth.SecretField {
	return []auth.SecretField{
		{Name: "username", Prompt: "SAML username"},
		{Name: "password", Prompt: "SAML password", Hidden: true},
	}
}

// StoredKeys is the keyring entry, bound to the identity provider's URL: a
// configuration that later names another URL does not get the password.
func (p *AWSSAMLProvider) StoredKeys(s *auth.Step, v map[string]string) (string, keyring.Envelope, error) {
	return SAMLPasswordKey(s), keyring.Envelope{Kind: keyringKindSAMLPassword,
		Data: map[string]string{"username": v["username"], "password": v["password"], "url": p.URL}}, nil
}

// KeyringKeys: this project's entry.
func (*AWSSAMLProvider) KeyringKeys(s *auth.Step) []string { return []string{SAMLPasswordKey(s)} }

// signInSecrets is the username and password: the configuration's (the
// password normally !env), else the keyring's entry for this provider and
// URL, else asked on the terminal.
func (p *AWSSAMLProvider) signInSecrets(st *auth.Step) (user, pass string, err error) {
	user, pass = p.Username, p.Password
	if pass == "" {
		if ks, kerr := st.Auth.Keyring(); kerr == nil {
			if e, gerr := ks.Get(SAMLPasswordKey(st)); gerr == nil {
				if e.Data["url"] != p.URL {
					return "", "", fmt.Errorf("the password stored for %s was for %s, and the configuration now names %s: it is not sent there; if that URL is right, run `atmos-auth user configure` again", st.Name(), e.Data["url"], p.URL)
				}
				if user == "" || user == e.Data["username"] {
					user, pass = e.Data["username"], e.Data["password"]
				}
			} else if !errors.Is(gerr, keyring.ErrNotFound) {
				st.Auth.Log().Debug("keyring read failed", "provider", st.Name(), "error", gerr.Error())
			}
		}
	}
	if user == "" {
		if user, err = st.Auth.Ask(fmt.Sprintf("Username for %s", st.Name()), false); err != nil {
			return "", "", err
		}
	}
	if pass == "" {
		if pass, err = st.Auth.Ask(fmt.Sprintf("Password of %s for %s", user, st.Name()), true); err != nil {
			return "", "", err
		}
	}
	if user == "" || pass == "" {
		return "", "", fmt.Errorf("no username or password for %s: set username and password (password: !env VAR), or run `atmos-auth user configure -i <an identity behind it>`", st.Name())
	}
	return user, pass, nil
}

// idpClient is the bounded HTTP client with a cookie jar. Redirects stay
// on the identity provider's host (and its https), so that neither its
// cookies nor a form post follow a redirect elsewhere.
func idpClient(st *auth.Step, idp *url.URL) *http.Client {
	jar, _ := cookiejar.New(nil)
	base := st.Auth.HTTP()
	c := *base
	c.Jar = jar
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		if !strings.EqualFold(req.URL.Host, idp.Host) || req.URL.Scheme != idp.Scheme {
			return fmt.Errorf("the identity provider redirected to another host (%s): not followed", req.URL.Host)
		}
		return nil
	}
	return &c
}

// maxIdPPage bounds a page read from the identity provider.
const maxIdPPage = 2 << 20

// idpDo sends req and returns the final URL and the body (bounded).
func idpDo(ctx context.Context, c *http.Client, req *http.Request) (*url.URL, []byte, int, error) {
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		return nil, nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxIdPPage+1))
	if err != nil {
		return nil, nil, 0, err
	}
	if len(b) > maxIdPPage {
		return nil, nil, 0, fmt.Errorf("the page at %s is larger than %d bytes", resp.Request.URL.Redacted(), maxIdPPage)
	}
	return resp.Request.URL, b, resp.StatusCode, nil
}

// htmlForm is one <form> of a page: its action resolved against the page.
type htmlForm struct {
	Action string
	Method string
	Fields url.Values
	Names  []string // input names in page order
}

// The form reader is a small tag scanner, not an HTML parser: forms,
// inputs and textareas are all the drivers read (golang.org/x/net/html
// would cost every command its entity table at start-up). Its patterns
// are compiled at the first use.
var (
	reFormTag = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?is)<(/?form|input|textarea)\b((?:[^>"']|"[^"]*"|'[^']*')*)>|<!--.*?-->|<script\b.*?</script\s*>`)
	})
	reAttr = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?s)([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?`)
	})
	reTextareaEnd = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)</textarea\s*>`) })
)

// htmlForms reads the forms of a page.
func htmlForms(page *url.URL, body []byte) []htmlForm {
	src := string(body)
	var forms []htmlForm
	cur := -1
	for _, m := range reFormTag().FindAllStringSubmatchIndex(src, -1) {
		if m[2] < 0 {
			continue // a comment or a script
		}
		tag := strings.ToLower(src[m[2]:m[3]])
		attrs := tagAttrs(src[m[4]:m[5]])
		switch tag {
		case "form":
			f := htmlForm{Method: strings.ToUpper(attrs["method"]), Fields: url.Values{}}
			if f.Method == "" {
				f.Method = http.MethodGet
			}
			if u, err := page.Parse(attrs["action"]); err == nil {
				f.Action = u.String()
			}
			forms = append(forms, f)
			cur = len(forms) - 1
		case "/form":
			cur = -1
		case "input", "textarea":
			name := attrs["name"]
			if cur < 0 || name == "" {
				continue
			}
			v := attrs["value"]
			if tag == "textarea" {
				rest := src[m[1]:]
				if e := reTextareaEnd().FindStringIndex(rest); e != nil {
					v = html.UnescapeString(rest[:e[0]])
				}
			}
			forms[cur].Fields.Add(name, v)
			forms[cur].Names = append(forms[cur].Names, name)
		}
	}
	return forms
}

// tagAttrs reads a tag's attributes (names lower-cased, values unescaped;
// the first of a repeated name wins, as in browsers).
func tagAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, a := range reAttr().FindAllStringSubmatch(s, -1) {
		k := strings.ToLower(a[1])
		if _, dup := out[k]; dup || k == "/" {
			continue
		}
		out[k] = html.UnescapeString(a[2] + a[3] + a[4])
	}
	return out
}

// samlFormResponse finds the form posting a SAMLResponse and checks that it
// posts to AWS's SAML endpoint: the response is only taken from a form
// meant for AWS.
func samlFormResponse(st *auth.Step, page *url.URL, body []byte) (string, bool, error) {
	for _, f := range htmlForms(page, body) {
		v := f.Fields.Get("SAMLResponse")
		if v == "" {
			continue
		}
		if !isAWSSAMLEndpoint(f.Action, samlTestACS(st.Auth.Env)) {
			return "", true, fmt.Errorf("the identity provider's SAML form posts to %q, not to AWS's SAML endpoint: is url the AWS application's sign-in URL?", f.Action)
		}
		return v, true, nil
	}
	return "", false, nil
}
