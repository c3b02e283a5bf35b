package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/atmos-auth/atmos-auth/config"
)

// LogsOut is implemented by providers with a session to end (a sign-out
// API, a token cache, keyring entries, what the session provisioned), and
// by identities that keep something besides their cached step (an Azure
// identity's isolated az directory).
type LogsOut interface {
	Logout(ctx context.Context, s *Step) ([]string, error)
}

// Tidier is implemented by kinds that left state older versions wrote
// outside the project scope; logout --all removes it.
type Tidier interface {
	Tidy(a *Authenticator) []string
}

// LogoutIdentity removes the identity's cached credentials.
func (a *Authenticator) LogoutIdentity(identity string) ([]string, error) {
	_, ok := a.Config.Identities[identity]
	if !ok {
		_, err := a.Config.Chain(identity)
		return nil, err
	}
	var done []string
	// What the identity keeps besides its cached step (an isolated cloud
	// CLI directory).
	if l, ok := a.Config.Identities[identity].Spec.(LogsOut); ok {
		if chain, err := a.Config.Chain(identity); err == nil {
			d, err := l.Logout(context.Background(), &Step{Auth: a, Chain: chain})
			done = append(done, d...)
			if err != nil {
				return done, err
			}
		}
	}
	ok, err := RemoveFile(StepPath(a.Cache(), identity))
	if err != nil {
		return done, err
	}
	if ok {
		done = append(done, "removed the cached credentials of "+identity)
	}
	return done, nil
}

// LogoutProvider ends the provider's session (SSO Logout API, token cache,
// keyring entry) and removes the cached credentials of every identity
// chained from it, and its auto-provisioned identity list.
func (a *Authenticator) LogoutProvider(ctx context.Context, provider string) ([]string, error) {
	pe, ok := a.Config.Providers[provider]
	if !ok {
		return nil, fmt.Errorf("provider %q does not exist (%s)", provider, a.Config.NameHint(provider, a.Config.ProviderOrder, "providers"))
	}
	var done []string
	if p, ok := pe.Spec.(LogsOut); ok {
		d, err := p.Logout(ctx, &Step{Auth: a, Chain: []*config.Entry{pe}})
		done = append(done, d...)
		if err != nil {
			return done, err
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
	for _, k := range a.Config.Kinds.Kinds() {
		if t, ok := k.New().(Tidier); ok {
			done = append(done, t.Tidy(a)...)
		}
	}
	// Everything the project's cache holds but its locks: every cloud's
	// credentials and what each keeps for itself. Then what versions before
	// project scoping wrote, unscoped.
	proj := a.Cache()
	dirs := []string{CacheDir(proj, "credentials")}
	for _, cloud := range a.Config.Kinds.Clouds() {
		dirs = append(dirs, CacheDir(proj, cloud))
	}
	for _, sub := range []string{"credentials", "sso", "provisioned"} {
		dirs = append(dirs, CacheDir(proj, "aws", sub), CacheDir(a.Dirs, "aws", sub))
	}
	for _, dir := range dirs {
		if n := removeFiles(dir); n > 0 {
			done = append(done, "removed "+strconv.Itoa(n)+" file(s) from "+dir)
		}
	}
	return done, errors.Join(errs...)
}

// removeFiles removes the regular files of dir (not below) and counts them.
func removeFiles(dir string) int {
	ents, _ := os.ReadDir(dir)
	n := 0
	for _, e := range ents {
		if e.Type().IsRegular() && os.Remove(filepath.Join(dir, e.Name())) == nil {
			n++
		}
	}
	return n
}
