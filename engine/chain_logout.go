package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/atmos-auth/atmos-auth/keyring"
)

// LogoutIdentity removes the identity's cached credentials.
func (a *Authenticator) LogoutIdentity(identity string) ([]string, error) {
	if _, ok := a.Config.Identities[identity]; !ok {
		_, err := a.Config.Chain(identity)
		return nil, err
	}
	ok, err := removeFile(credsPath(a.cache(), identity))
	if err != nil {
		return nil, err
	}
	if ok {
		return []string{"removed the cached credentials of " + identity}, nil
	}
	return nil, nil
}

// LogoutProvider ends the provider's session (SSO Logout API, token cache,
// keyring entry) and removes the cached credentials of every identity
// chained from it, and its auto-provisioned identity list.
func (a *Authenticator) LogoutProvider(ctx context.Context, provider string) ([]string, error) {
	pe, ok := a.Config.Providers[provider]
	if !ok {
		return nil, fmt.Errorf("provider %q does not exist (%s)", provider, a.Config.nameHint(provider, a.Config.ProviderOrder, "providers"))
	}
	var done []string
	if p, ok := pe.Spec.(*AWSSSOProvider); ok {
		d, err := p.logout(ctx, a, []*Entry{pe})
		done = append(done, d...)
		if err != nil {
			return done, err
		}
		if ok, _ := removeFile(provisionedPath(a.cache(), provider)); ok {
			done = append(done, "removed the auto-provisioned identities of "+provider)
		}
	}
	for _, name := range a.Config.IdentityOrder {
		chain, err := a.Config.Chain(name)
		if err != nil || chain[len(chain)-1] != pe {
			continue
		}
		d, err := a.LogoutIdentity(name)
		done = append(done, d...)
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// LogoutAll ends every provider session and removes every cached
// credential of the project (also of identities no longer configured), and
// the unscoped cache files older versions wrote (never read any more). IAM
// user keys stored with `user configure` stay: they are configuration.
func (a *Authenticator) LogoutAll(ctx context.Context) ([]string, error) {
	var done []string
	var errs []error
	for _, p := range a.Config.ProviderOrder {
		d, err := a.LogoutProvider(ctx, p)
		done = append(done, d...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if n := a.removeLegacySSOSessions(); n > 0 {
		done = append(done, "removed "+itoa(n)+" unscoped SSO session(s) of an older version from the keyring")
	}
	for _, d := range []Dirs{a.cache(), a.Dirs} {
		for _, sub := range []string{"credentials", "sso", "provisioned"} {
			dir := d.awsCache(sub)
			ents, _ := os.ReadDir(dir)
			n := 0
			for _, e := range ents {
				if os.Remove(dir+"/"+e.Name()) == nil {
					n++
				}
			}
			if n > 0 {
				done = append(done, "removed "+itoa(n)+" file(s) from "+dir)
			}
		}
	}
	return done, errors.Join(errs...)
}

// removeLegacySSOSessions removes the keyring entries older versions kept
// per start URL and region for every project (atmos-auth:aws/sso-session:<id>,
// no project part). They are never read; this only tidies up.
func (a *Authenticator) removeLegacySSOSessions() int {
	ks, err := a.keyring()
	if err != nil {
		return 0
	}
	prefix := keyring.KeyPrefix + keyringSSOKind + ":"
	keys, err := ks.List(prefix)
	if err != nil {
		return 0
	}
	n := 0
	for _, k := range keys {
		if !strings.Contains(strings.TrimPrefix(k, prefix), ":") && ks.Remove(k) == nil {
			n++
		}
	}
	return n
}
