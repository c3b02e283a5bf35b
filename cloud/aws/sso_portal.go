package aws

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// ssoPortal makes the IAM Identity Center portal calls (the SSO service,
// restJson1, authorised by the access token in x-amz-sso_bearer_token,
// unsigned). See apiCall for why this is not the SDK's sso package.
type ssoPortal struct {
	a        *auth.Authenticator
	region   string
	endpoint string // "" = the portal of region
	token    string // the IAM Identity Center access token
}

func (p ssoPortal) call(ctx context.Context, op, method, path string, out any) error {
	c := apiCall{service: "SSO", op: op, region: p.region, endpoint: p.endpoint, host: "portal.sso", method: method, path: path,
		header: map[string]string{"x-amz-sso_bearer_token": p.token}, errorOf: apiErrorOf}
	return c.sendJSON(ctx, p.a, out)
}

// ssoAccount is one account assigned to the signed-in user.
type ssoAccount struct {
	ID   string `json:"accountId"`
	Name string `json:"accountName"`
}

// accounts lists the accounts assigned to the user, page by page; each
// page goes to visit, which stops the listing by returning false.
func (p ssoPortal) accounts(ctx context.Context, visit func([]ssoAccount) bool) error {
	next := ""
	for {
		var page struct {
			NextToken string       `json:"nextToken"`
			Accounts  []ssoAccount `json:"accountList"`
		}
		if err := p.call(ctx, "ListAccounts", http.MethodGet, queryString("/assignment/accounts", params("next_token", next)), &page); err != nil {
			return err
		}
		if !visit(page.Accounts) || page.NextToken == "" || page.NextToken == next {
			return nil
		}
		next = page.NextToken
	}
}

// roles lists the roles (permission sets) of one account.
func (p ssoPortal) roles(ctx context.Context, account string) ([]string, error) {
	var names []string
	next := ""
	for {
		var page struct {
			NextToken string `json:"nextToken"`
			Roles     []struct {
				Name string `json:"roleName"`
			} `json:"roleList"`
		}
		q := url.Values{"account_id": {account}}
		if next != "" {
			q.Set("next_token", next)
		}
		if err := p.call(ctx, "ListAccountRoles", http.MethodGet, queryString("/assignment/roles", q), &page); err != nil {
			return nil, err
		}
		for _, r := range page.Roles {
			names = append(names, r.Name)
		}
		if page.NextToken == "" || page.NextToken == next {
			return names, nil
		}
		next = page.NextToken
	}
}

// roleCredentials are the credentials of a role in an account.
func (p ssoPortal) roleCredentials(ctx context.Context, account, role string) (*auth.Credentials, error) {
	var r struct {
		Creds struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SessionToken    string `json:"sessionToken"`
			Expiration      int64  `json:"expiration"` // milliseconds since the epoch
		} `json:"roleCredentials"`
	}
	path := queryString("/federation/credentials", url.Values{"account_id": {account}, "role_name": {role}})
	if err := p.call(ctx, "GetRoleCredentials", http.MethodGet, path, &r); err != nil {
		return nil, err
	}
	cr := r.Creds
	if cr.AccessKeyID == "" || cr.SecretAccessKey == "" {
		return nil, (apiCall{service: "SSO", op: "GetRoleCredentials"}).wrap(fmt.Errorf("the answer holds no credentials"))
	}
	c := awsKeys(cr.AccessKeyID, cr.SecretAccessKey, cr.SessionToken)
	c.Expiration = time.UnixMilli(cr.Expiration).UTC()
	return c, nil
}

// logout ends the portal session of the token.
func (p ssoPortal) logout(ctx context.Context) error {
	return p.call(ctx, "Logout", http.MethodPost, "/logout", nil)
}

// ssoRoleCredentials are the credentials of a role in an account from an
// IAM Identity Center access token (portal "" = the region's portal).
func ssoRoleCredentials(ctx context.Context, a *auth.Authenticator, region, portal, accessToken, accountID, roleName string) (*auth.Credentials, error) {
	return ssoPortal{a: a, region: region, endpoint: portal, token: accessToken}.roleCredentials(ctx, accountID, roleName)
}
