package aws

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/atmos-auth/atmos-auth/auth"
)

// The ADFS driver: AD FS's forms sign-in. The provider's url is the
// IdP-initiated sign-on page for AWS (https://adfs.company.com/adfs/ls/
// IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices); its form is
// filled with the username and password (fields UserName and Password,
// AuthMethod kept as the page gives it) and posted back to the page's
// action on the same host; the answer's form posting the SAMLResponse to
// AWS gives the response (taken, never posted). A session cookie of an
// earlier sign-in is not kept: each login signs in. MFA adapters (a second
// form) are not answered: use the Browser driver for them.

func samlADFS(ctx context.Context, st *auth.Step, p *AWSSAMLProvider) (string, error) {
	page, err := url.Parse(p.URL)
	if err != nil {
		return "", err
	}
	c := idpClient(st, page)
	req, _ := http.NewRequest(http.MethodGet, p.URL, nil)
	final, body, status, err := idpDo(ctx, c, req)
	if err != nil {
		return "", fmt.Errorf("ADFS sign-in page %s: %w", page.Redacted(), err)
	}
	if resp, found, err := samlFormResponse(st, final, body); found || err != nil {
		return resp, err
	}
	form, ok := adfsLoginForm(final, body)
	if !ok {
		return "", fmt.Errorf("the ADFS page %s (HTTP %d) has no sign-in form with UserName and Password: is url the IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices page?", final.Redacted(), status)
	}
	user, pass, err := p.signInSecrets(st)
	if err != nil {
		return "", err
	}
	action, err := url.Parse(form.Action)
	if err != nil || action.Scheme != page.Scheme || !strings.EqualFold(action.Host, page.Host) {
		return "", fmt.Errorf("the ADFS sign-in form posts to another host (%q): the password is not sent there", form.Action)
	}
	vals := url.Values{}
	for k, v := range form.Fields {
		vals[k] = v
	}
	vals.Set(form.userField, user)
	vals.Set(form.passField, pass)
	req, _ = http.NewRequest(http.MethodPost, action.String(), strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	final, body, status, err = idpDo(ctx, c, req)
	if err != nil {
		return "", fmt.Errorf("ADFS sign-in: %w", err)
	}
	resp, found, err := samlFormResponse(st, final, body)
	if err != nil {
		return "", err
	}
	if found {
		return resp, nil
	}
	if _, again := adfsLoginForm(final, body); again {
		return "", fmt.Errorf("ADFS refused the sign-in of %s: wrong username or password (the sign-in form came back)", user)
	}
	return "", fmt.Errorf("ADFS answered the sign-in (HTTP %d) with neither the SAML form nor the sign-in form: it may ask for MFA, which this driver does not answer; use the Browser driver", status)
}

type adfsForm struct {
	htmlForm
	userField, passField string
}

// adfsLoginForm finds the form with a username and a password field.
func adfsLoginForm(page *url.URL, body []byte) (adfsForm, bool) {
	for _, f := range htmlForms(page, body) {
		var user, pass string
		for _, n := range f.Names {
			switch strings.ToLower(n) {
			case "username", "ctl00$contentplaceholder1$usernametextbox":
				user = n
			case "password", "ctl00$contentplaceholder1$passwordtextbox":
				pass = n
			}
		}
		if user != "" && pass != "" {
			return adfsForm{htmlForm: f, userField: user, passField: pass}, true
		}
	}
	return adfsForm{}, false
}
