package aws

import (
	"context"
	"fmt"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

var awsPermissionSetKind = &config.KindInfo{Name: "aws/permission-set", Role: config.RoleIdentity, Cloud: "aws",
	Produces: CredAWS, Accepts: []string{CredAWSSSOToken}, New: func() any { return &AWSPermissionSet{} }}

// AWSPermissionSet is an IAM Identity Center permission set on one account.
type AWSPermissionSet struct {
	config.IdentityBase `yaml:",inline"`
	managedProfile      `yaml:",inline"`
	Principal           struct {
		Name    string `yaml:"name"`
		Account struct {
			Name string `yaml:"name"`
			ID   string `yaml:"id"`
		} `yaml:"account"`
	} `yaml:"principal"`
	// Session is Atmos's identity session block. IAM Identity Center
	// decides how long a permission set's credentials last; a
	// session.duration shorter than that is how long atmos-auth uses them
	// before getting new ones (Atmos accepts the field and ignores it).
	Session SessionSpec     `yaml:"session" json:",omitzero"` // unset: fingerprints as before the field existed
	Spec    AWSEndpointSpec `yaml:"spec"`
}

func (s *AWSPermissionSet) Validate(c *config.Checker) {
	c.Required("principal.name", s.Principal.Name)
	a := s.Principal.Account
	switch {
	case a.Name == "" && a.ID == "":
		c.Errf("principal.account", "set principal.account.name or principal.account.id",
			"missing required field principal.account.name or principal.account.id")
	case a.Name != "" && a.ID != "":
		c.Errf("principal.account", "keep one of them", "principal.account.name and principal.account.id are both set")
	}
	checkAccountID(c, "principal.account.id", a.ID)
	c.DurationRange("session.duration", s.Session.Duration, 15*time.Minute, 12*time.Hour)
	s.Spec.check(c, "spec")
}

// authenticate exchanges the SSO access token for the permission set's role
// credentials (GetRoleCredentials); an account name is resolved to its id
// through the paginated ListAccounts.
func (s *AWSPermissionSet) Authenticate(ctx context.Context, st *auth.Step, base *auth.Credentials) (*auth.Credentials, error) {
	if base == nil || base.Type != CredAWSSSOToken {
		return nil, fmt.Errorf("aws/permission-set needs an IAM Identity Center session")
	}
	region := base.Region
	if region == "" {
		region = stepRegion(st)
	}
	// The access token is bound to the provider's portal endpoint: an
	// identity resolving to another one never receives it.
	portal := stepEndpoint(st, svcSSO)
	if bound := awsEndpoint(st.Chain[len(st.Chain)-1:], svcSSO, st.Auth.Env); portal != bound {
		return nil, fmt.Errorf("spec.endpoint_url of %s (%s) is not the portal endpoint of its provider %s (%s): the IAM Identity Center access token is only sent to its provider's endpoint; set spec.endpoint_url on the provider instead", st.Name(), orAWS(portal), st.Chain[len(st.Chain)-1].Name, orAWS(bound))
	}
	cl := ssoPortal{a: st.Auth, region: region, endpoint: portal, token: base.Secret(auth.PayloadToken)}
	acct := s.Principal.Account.ID
	if acct == "" {
		name := s.Principal.Account.Name
		err := cl.accounts(ctx, func(page []ssoAccount) bool {
			for _, a := range page {
				if a.Name == name {
					acct = a.ID
					return false
				}
			}
			return true
		})
		if err != nil {
			return nil, err
		}
		if acct == "" {
			return nil, fmt.Errorf("account %q is not assigned to you in IAM Identity Center (check principal.account.name)", name)
		}
	}
	c, err := cl.roleCredentials(ctx, acct, s.Principal.Name)
	if err != nil {
		return nil, err
	}
	if d := s.Session.Duration; d.IsSet() {
		if limit := st.Auth.Now().Add(d.Duration).UTC(); limit.Before(c.Expiration) {
			c.Expiration = limit // renewed after session.duration, at most what AWS gives
		}
	}
	c.Account, c.Region, c.Role = acct, regionAfter(st, region), s.Principal.Name
	return c, nil
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *AWSPermissionSet) Describe() string {
	acct := s.Principal.Account.Name
	if acct == "" {
		acct = s.Principal.Account.ID
	}
	return s.Principal.Name + " @ " + acct
}
