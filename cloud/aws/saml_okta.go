package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// The Okta driver: Okta's Authentication API (POST /api/v1/authn) with the
// username and password, then a TOTP code (asked on the terminal) or a push
// (waited for, bounded by the sign-in timeout), then the one-time session
// token becomes a session cookie (/login/sessionCookieRedirect) and the AWS
// application's URL (the provider's url, e.g.
// https://company.okta.com/app/amazon_aws/<id>/sso/saml) answers the form
// that posts the SAMLResponse to AWS: taken from the form, never posted.
// Every request stays on the url's host.

// oktaPoll is the push polling interval.
const oktaPoll = 2 * time.Second

type oktaAnswer struct {
	Status       string `json:"status"`
	SessionToken string `json:"sessionToken"`
	StateToken   string `json:"stateToken"`
	FactorResult string `json:"factorResult"`
	ErrorCode    string `json:"errorCode"`
	ErrorSummary string `json:"errorSummary"`
	Embedded     struct {
		Factors []oktaFactor `json:"factors"`
	} `json:"_embedded"`
	Links struct {
		Next struct {
			Href string `json:"href"`
		} `json:"next"`
	} `json:"_links"`
}

type oktaFactor struct {
	ID         string `json:"id"`
	FactorType string `json:"factorType"`
	Provider   string `json:"provider"`
	Links      struct {
		Verify struct {
			Href string `json:"href"`
		} `json:"verify"`
	} `json:"_links"`
}

func samlOkta(ctx context.Context, st *auth.Step, p *AWSSAMLProvider) (string, error) {
	app, err := url.Parse(p.URL)
	if err != nil {
		return "", err
	}
	base := &url.URL{Scheme: app.Scheme, Host: app.Host}
	user, pass, err := p.signInSecrets(st)
	if err != nil {
		return "", err
	}
	c := idpClient(st, app)
	ans, err := oktaPost(ctx, c, base, base.JoinPath("/api/v1/authn").String(), map[string]string{"username": user, "password": pass})
	if err != nil {
		return "", fmt.Errorf("Okta authentication at %s: %w", base.Host, err)
	}
	for ans.Status != "SUCCESS" {
		switch ans.Status {
		case "MFA_REQUIRED":
			if ans, err = oktaMFA(ctx, st, c, base, ans); err != nil {
				return "", err
			}
		default:
			return "", fmt.Errorf("Okta answered %q for %s: finish that at %s in a browser, then retry", ans.Status, user, base)
		}
	}
	if ans.SessionToken == "" {
		return "", fmt.Errorf("Okta answered SUCCESS without a session token")
	}
	q := url.Values{"token": {ans.SessionToken}, "redirectUrl": {p.URL}}
	req, _ := http.NewRequest(http.MethodGet, base.JoinPath("/login/sessionCookieRedirect").String()+"?"+q.Encode(), nil)
	final, body, status, err := idpDo(ctx, c, req)
	if err != nil {
		return "", fmt.Errorf("Okta application %s: %w", p.URL, err)
	}
	resp, found, err := samlFormResponse(st, final, body)
	if err != nil {
		return "", err
	}
	if !found {
		return "", fmt.Errorf("the Okta application %s answered (HTTP %d, %s) without a SAML form: is url the AWS application's embed link?", p.URL, status, final.Redacted())
	}
	return resp, nil
}

// oktaMFA verifies one factor: push when offered (waited for), else TOTP.
func oktaMFA(ctx context.Context, st *auth.Step, c *http.Client, base *url.URL, ans *oktaAnswer) (*oktaAnswer, error) {
	var push, totp *oktaFactor
	var offered []string
	for i, f := range ans.Embedded.Factors {
		offered = append(offered, f.FactorType)
		switch f.FactorType {
		case "push":
			push = &ans.Embedded.Factors[i]
		case "token:software:totp", "token:hotp":
			totp = &ans.Embedded.Factors[i]
		}
	}
	state := ans.StateToken
	switch {
	case push != nil:
		st.Auth.Prompter().Progress(fmt.Sprintf("approve the Okta Verify push for %s on your device", st.Name()))
		next := push.Links.Verify.Href
		interval := oktaPoll
		if st.Auth.PollInterval > 0 {
			interval = st.Auth.PollInterval
		}
		for {
			a, err := oktaPost(ctx, c, base, next, map[string]string{"stateToken": state})
			if err != nil {
				return nil, fmt.Errorf("Okta push: %w", err)
			}
			switch {
			case a.Status == "SUCCESS":
				return a, nil
			case a.FactorResult == "REJECTED":
				return nil, fmt.Errorf("the Okta push was rejected on the device")
			case a.FactorResult == "TIMEOUT":
				return nil, fmt.Errorf("the Okta push timed out unanswered: retry the login")
			case a.FactorResult != "WAITING":
				return nil, fmt.Errorf("Okta push: unexpected answer %q/%q", a.Status, a.FactorResult)
			}
			if a.Links.Next.Href != "" {
				next = a.Links.Next.Href
			}
			if err := st.Auth.Pause(ctx, interval); err != nil {
				return nil, err
			}
		}
	case totp != nil:
		code, err := st.Auth.Prompter().MFACode(st.Name(), "Okta "+totp.Provider+" TOTP")
		if err != nil {
			return nil, err
		}
		a, err := oktaPost(ctx, c, base, totp.Links.Verify.Href, map[string]string{"stateToken": state, "passCode": strings.TrimSpace(code)})
		if err != nil {
			return nil, fmt.Errorf("Okta refused the MFA code: %w", err)
		}
		return a, nil
	}
	return nil, fmt.Errorf("Okta asks for an MFA factor this driver does not answer (offered: %s; supported: push, token:software:totp): use the Browser driver", strings.Join(offered, ", "))
}

// oktaPost sends JSON to an Okta API URL on the provider's host and reads
// the answer; an Okta error answer becomes an error with its summary.
func oktaPost(ctx context.Context, c *http.Client, base *url.URL, href string, body any) (*oktaAnswer, error) {
	u, err := url.Parse(href)
	if err != nil || u.Scheme != base.Scheme || !strings.EqualFold(u.Host, base.Host) {
		return nil, fmt.Errorf("Okta named an API URL on another host (%q): not followed", href)
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	_, out, status, err := idpDo(ctx, c, req)
	if err != nil {
		return nil, err
	}
	var a oktaAnswer
	if err := json.Unmarshal(out, &a); err != nil {
		return nil, fmt.Errorf("HTTP %d with no Okta answer (is url an Okta application URL?)", status)
	}
	if status >= 400 || a.ErrorCode != "" {
		if a.ErrorCode == "E0000004" {
			return nil, fmt.Errorf("wrong username or password (%s %s)", a.ErrorCode, a.ErrorSummary)
		}
		return nil, fmt.Errorf("HTTP %d: %s %s", status, a.ErrorCode, a.ErrorSummary)
	}
	return &a, nil
}
