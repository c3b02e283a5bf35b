package cli

import (
	"fmt"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// autoIntegrate runs, after a login of identity, its integrations with
// auto_provision that are not current (a registry token about to expire,
// a kubeconfig entry missing). A failure never fails the login: one
// warning names the command that runs it again.
func (s *Session) autoIntegrate(identity string, creds *auth.Credentials) {
	entries := s.Auth.PendingIntegrations(auth.IntegrationsOf(s.Config, identity), s.g.managedExecutable())
	if len(entries) == 0 {
		return
	}
	if creds == nil {
		res, err := s.Auth.Login(s.Ctx(), identity)
		if err != nil {
			return
		}
		creds = res.Credentials
	}
	outs := s.Auth.RunIntegrations(s.Ctx(), entries, creds, s.g.managedExecutable(), false)
	for _, o := range outs {
		switch {
		case o.Err != nil:
			fmt.Fprintf(s.g.Stderr, "atmos-auth: warning: integration %s failed: %s; run `%s` to retry\n",
				termsafe.String(o.Name), termsafe.String(auth.ErrSummary(o.Err)), termsafe.String(o.Retry))
		case o.Result != nil:
			fmt.Fprintf(s.g.Stderr, "atmos-auth: %s: %s\n", termsafe.String(o.Name), termsafe.String(o.Result.Summary))
		}
	}
}

// runIntegrations runs the named integrations (every one that is an
// accept's match when names is empty: via the identity -i names, else
// all), logging in each identity they are via first. It prints one line
// per integration on stdout and returns an error when any failed.
func (s *Session) runIntegrations(names []string, accept func(*config.Entry) bool, what string) error {
	var entries []*config.Entry
	switch {
	case len(names) > 0:
		for _, n := range names {
			e, ok := s.Config.Integrations[n]
			if !ok || !accept(e) {
				return Configf("%s %q does not exist (%s)", what, n, s.Config.NameHint(n, s.integrationNames(accept), "integrations"))
			}
			entries = append(entries, e)
		}
	case s.g.Identity != "":
		id, err := s.g.ResolveIdentity(s.Config)
		if err != nil {
			return err
		}
		for _, e := range auth.IntegrationsOf(s.Config, id) {
			if accept(e) {
				entries = append(entries, e)
			}
		}
		if len(entries) == 0 {
			return Configf("identity %q has no %s", id, what)
		}
	default:
		for _, n := range s.integrationNames(accept) {
			entries = append(entries, s.Config.Integrations[n])
		}
		if len(entries) == 0 {
			return Configf("the configuration has no %s", what)
		}
	}
	failed := 0
	creds := map[string]*auth.Credentials{}
	for _, e := range entries {
		id := e.Via.Identity
		c, ok := creds[id]
		if !ok {
			res, err := s.Auth.Login(s.Ctx(), id)
			if err != nil {
				fmt.Fprintf(s.g.Stderr, "atmos-auth: %s: %s\n", termsafe.String(e.Name), termsafe.Lines(authErr(err).Error()))
				failed++
				continue
			}
			c = res.Credentials
			creds[id] = c
		}
		for _, o := range s.Auth.RunIntegrations(s.Ctx(), []*config.Entry{e}, c, s.g.managedExecutable(), false) {
			if o.Err != nil {
				fmt.Fprintf(s.g.Stderr, "atmos-auth: %s: %s\n", termsafe.String(o.Name), termsafe.String(auth.ErrSummary(o.Err)))
				failed++
				continue
			}
			exp := ""
			if !o.Result.Expiration.IsZero() {
				exp = "; expires " + describeExpiry(o.Result.Expiration, time.Now())
			}
			fmt.Fprintf(s.g.Stdout, "%s: %s%s\n", termsafe.String(o.Name), termsafe.String(o.Result.Summary), exp)
		}
	}
	if failed > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d integration%s failed", failed, plural(failed))}
	}
	return nil
}

func (s *Session) integrationNames(accept func(*config.Entry) bool) []string {
	var out []string
	for _, n := range s.Config.IntegrationOrder {
		if accept(s.Config.Integrations[n]) {
			out = append(out, n)
		}
	}
	return out
}
