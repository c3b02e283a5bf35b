package aws

import (
	"context"
	"path/filepath"
	"sort"
	"sync"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// Auto-provisioned identities (auto_provision_identities: true): after a
// login the provider lists its accounts and, concurrently with a bound,
// each account's roles; every pair becomes an aws/permission-set identity
// named "<account name>/<role>". The list (no secrets) is cached in
// <project cache>/aws/provisioned/<provider>.json — one project's accounts
// never appear in another's; MergeProvisioned adds it to a Config, where the
// user's own identities of the same name win.

// ProvisionedIdentity is one discovered account/role pair.
type ProvisionedIdentity struct {
	Name        string `json:"name"`
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	Role        string `json:"role"`
}

type provisionedRecord struct {
	V        int    `json:"v"`
	Provider string `json:"provider"`
	// StartURL and Region are the organization the list came from: a
	// provider of the same name pointed at another one does not get it.
	StartURL   string                `json:"start_url"`
	Region     string                `json:"region"`
	Identities []ProvisionedIdentity `json:"identities"`
}

func provisionedPath(d config.Dirs, provider string) string {
	return filepath.Join(auth.CacheDir(d, "aws", "provisioned"), auth.FileName(provider)+".json")
}

func provision(a *auth.Authenticator, ctx context.Context, s *auth.Step, tok *auth.Credentials) ([]ProvisionedIdentity, error) {
	p := s.Entry().Spec.(*AWSSSOProvider)
	cl := ssoPortal{a: a, region: p.Region, endpoint: p.binding(s).Portal, token: tok.Secret(auth.PayloadToken)}
	var accounts []ssoAccount
	if err := cl.accounts(ctx, func(page []ssoAccount) bool { accounts = append(accounts, page...); return true }); err != nil {
		return nil, err
	}
	bound := a.ProvisionConcurrency
	if bound <= 0 {
		bound = 16
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, bound)
	var mu sync.Mutex
	var firstErr error
	var out []ProvisionedIdentity
	var wg sync.WaitGroup
	for _, acc := range accounts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			roles, err := cl.roles(ctx, acc.ID)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				mu.Unlock()
				return
			}
			var mine []ProvisionedIdentity
			for _, role := range roles {
				mine = append(mine, ProvisionedIdentity{Name: acc.Name + "/" + role, AccountID: acc.ID, AccountName: acc.Name, Role: role})
			}
			mu.Lock()
			out = append(out, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if err := auth.WriteJSON(provisionedPath(a.Cache(), s.Name()), provisionedRecord{V: 1, Provider: s.Name(), StartURL: p.StartURL, Region: p.Region, Identities: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// Provisioned returns the identities the last login auto-provisioned
// (cached in the project dirs d), when auto_provision_identities is on and
// the cache is of this start URL and region.
func (p *AWSSSOProvider) Provisioned(d config.Dirs, pe *config.Entry) []*config.Entry {
	if !p.AutoProvisionIdentities {
		return nil
	}
	path := provisionedPath(d, pe.Name)
	var r provisionedRecord
	if auth.ReadJSON(path, &r) != nil || r.V != 1 || r.StartURL != p.StartURL || r.Region != p.Region {
		return nil
	}
	var out []*config.Entry
	for _, pi := range r.Identities {
		spec := &AWSPermissionSet{}
		spec.Kind = "aws/permission-set"
		spec.Via = &config.Via{Provider: pe.Name}
		spec.Principal.Name = pi.Role
		spec.Principal.Account.ID = pi.AccountID
		out = append(out, &config.Entry{Name: pi.Name, Role: config.RoleIdentity, Kind: "aws/permission-set", Via: config.Via{Provider: pe.Name}, Spec: spec, Pos: config.Pos{File: path}})
	}
	return out
}
