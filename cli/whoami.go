package cli

import (
	"errors"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// WhoamiCmd shows the identity in use, its account, region and expiry,
// from the cache only (no network, no keyring). --verify asks STS
// (GetCallerIdentity) with the cached credentials.
type WhoamiCmd struct {
	Output string `short:"o" name:"output" placeholder:"FORMAT" help:"Output format: text or json (default: $ATMOS_AUTH_WHOAMI_OUTPUT, else text)."`
	Verify bool   `name:"verify" help:"Call sts:GetCallerIdentity with the cached credentials and show what AWS answers."`
}

func (c *WhoamiCmd) Run(g *Globals) error {
	if c.Output == "" {
		c.Output = strings.TrimSpace(g.Getenv("ATMOS_AUTH_WHOAMI_OUTPUT"))
	}
	switch c.Output {
	case "":
		c.Output = "text"
	case "text", "json":
	default:
		return Configf("--output %q is not supported (text or json; ATMOS_AUTH_WHOAMI_OUTPUT names it too)", c.Output)
	}
	s, err := g.session(authOpts{})
	if err != nil {
		return err
	}
	chain, err := s.Identity()
	if err != nil {
		return err
	}
	name, a := chain[0].Name, s.Auth
	now := time.Now()
	creds, valid, err := a.Cached(name)
	var v loginView
	switch {
	case errors.Is(err, auth.ErrNotLoggedIn):
		v = newView(chain, nil, "not logged in")
	case err != nil:
		return authErr(err)
	case valid:
		v = newView(chain, creds, "valid")
	case creds.Expiration.After(now):
		v = newView(chain, creds, "expiring (renewed on next use)")
	default:
		v = newView(chain, creds, "expired")
	}
	v.setRealm(s.Config)
	if c.Verify {
		if creds == nil || !creds.Expiration.After(now) {
			_ = v.write(g.Stdout, c.Output, now)
			return &ExitError{Code: ExitFailure, Err: errors.New("no valid cached credentials to verify: run `atmos-auth login -i " + name + "`")}
		}
		arn, acct, err := a.Verify(g.Context(), name, creds)
		if err != nil {
			return authErr(err)
		}
		v.Verified = &verified{ARN: arn, Account: acct}
	}
	if err := v.write(g.Stdout, c.Output, now); err != nil {
		return err
	}
	if v.Status == "not logged in" || v.Status == "expired" {
		return &ExitError{Code: ExitFailure}
	}
	return nil
}
