package localcloud

import (
	"fmt"
	"sort"
	"strings"
)

// Seed data defaults.
const (
	// DefaultMFACode is the one MFA code GetSessionToken accepts by default.
	DefaultMFACode = "123456"
	// DefaultECRPassword is the registry password inside ECR tokens.
	DefaultECRPassword = "localcloud-ecr-password"
	// DefaultUserName is the SSO user and the IAM user of unknown access keys.
	DefaultUserName = "localcloud-user"
	// DefaultExternalID is the external id the ExternalIdRole demands.
	DefaultExternalID = "atmos-external-id"
	// DefaultAudience is the audience the web-identity role demands.
	DefaultAudience = "sts.amazonaws.com"
	// IdentityAccount is the account of IAM users (unknown access keys).
	IdentityAccount = "111111111111"
)

// Account is an AWS account visible in the SSO portal.
type Account struct {
	ID             string
	Name           string
	Email          string
	PermissionSets []string // roles listed by ListAccountRoles
}

// Role is an IAM role that STS can assume.
type Role struct {
	ARN         string
	MaxDuration int // seconds, 3600..43200; 0 means 3600
	ExternalID  string
	Audience    string // for AssumeRoleWithWebIdentity; "" accepts any
	Deny        bool   // every AssumeRole* is AccessDenied
	// AllowAccounts lists the account ids whose principals may assume the
	// role; empty allows any caller.
	AllowAccounts []string
}

func (r Role) account() string { return arnAccount(r.ARN) }

// name is the role name (the last path element).
func (r Role) name() string {
	i := strings.LastIndexByte(r.ARN, '/')
	return r.ARN[i+1:]
}

func (r Role) maxDuration() int {
	if r.MaxDuration == 0 {
		return 3600
	}
	return r.MaxDuration
}

// DefaultAccounts is the default organisation.
func DefaultAccounts() []Account {
	all := []string{"AdminAccess", "PowerUserAccess", "ReadOnlyAccess"}
	return []Account{
		{ID: "111111111111", Name: "core-identity", Email: "core-identity@example.com", PermissionSets: all},
		{ID: "222222222222", Name: "development", Email: "development@example.com", PermissionSets: all},
		{ID: "333333333333", Name: "staging", Email: "staging@example.com", PermissionSets: all},
		{ID: "999999999999", Name: "production", Email: "production@example.com", PermissionSets: []string{"AdminAccess", "ReadOnlyAccess"}},
	}
}

// DefaultRoles are the default IAM roles.
func DefaultRoles() []Role {
	return []Role{
		{ARN: "arn:aws:iam::999999999999:role/ProductionAdmin", MaxDuration: 43200},
		{ARN: "arn:aws:iam::999999999999:role/ReadOnlyAccess", MaxDuration: 3600},
		{ARN: "arn:aws:iam::999999999999:role/ExternalIdRole", ExternalID: DefaultExternalID},
		{ARN: "arn:aws:iam::999999999999:role/DeniedRole", Deny: true},
		{ARN: "arn:aws:iam::999999999999:role/OnlyFromStaging", AllowAccounts: []string{"333333333333"}},
		{ARN: "arn:aws:iam::222222222222:role/DevAdmin", MaxDuration: 43200},
		{ARN: "arn:aws:iam::222222222222:role/CIDeploy", Audience: DefaultAudience},
		{ARN: "arn:aws:iam::222222222222:role/SAMLAdmin"},
		{ARN: "arn:aws:iam::222222222222:role/SAMLReadOnly", MaxDuration: 3600},
		{ARN: "arn:aws:iam::333333333333:role/StagingAdmin"},
		{ARN: "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole"},
	}
}

type seed struct {
	accounts []Account
	byID     map[string]*Account
	roles    map[string]*Role // by ARN
}

func buildSeed(o options) *seed {
	accounts := o.accounts
	if accounts == nil {
		accounts = DefaultAccounts()
	}
	roles := o.roles
	if roles == nil {
		roles = DefaultRoles()
	}
	accounts = append([]Account(nil), accounts...)
	roles = append([]Role(nil), roles...)
	if n, m := o.generate[0], o.generate[1]; n > 0 {
		names := []string{"AdminAccess", "ReadOnlyAccess", "PowerUserAccess", "Billing", "SecurityAudit", "NetworkAdmin", "DataScientist", "Developer"}
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("5%011d", i+1)
			a := Account{ID: id, Name: fmt.Sprintf("account-%03d", i+1), Email: fmt.Sprintf("account-%03d@example.com", i+1)}
			for j := 0; j < m; j++ {
				ps := names[j%len(names)]
				if j >= len(names) {
					ps = fmt.Sprintf("%s%d", ps, j/len(names))
				}
				a.PermissionSets = append(a.PermissionSets, ps)
				roles = append(roles, Role{ARN: fmt.Sprintf("arn:aws:iam::%s:role/%s", id, ps)})
			}
			accounts = append(accounts, a)
		}
	}
	sd := &seed{accounts: accounts, byID: map[string]*Account{}, roles: map[string]*Role{}}
	for i := range sd.accounts {
		sd.byID[sd.accounts[i].ID] = &sd.accounts[i]
	}
	for i := range roles {
		sd.roles[roles[i].ARN] = &roles[i]
	}
	return sd
}

// Accounts returns the accounts the SSO portal lists, sorted by id.
func (s *Server) Accounts() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Account(nil), s.data.accounts...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Roles returns the IAM roles STS knows, sorted by ARN.
func (s *Server) Roles() []Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Role, 0, len(s.data.roles))
	for _, r := range s.data.roles {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

// AddRole adds or replaces an IAM role at run time.
func (s *Server) AddRole(r Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.roles[r.ARN] = &r
}

// arnAccount returns the account field of an ARN ("" if malformed).
func arnAccount(arn string) string {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 {
		return ""
	}
	return p[4]
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
