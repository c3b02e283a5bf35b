package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// LoginCmd authenticates an identity (or a provider's session) and caches
// its credentials. stdout: identity, account, region, expiry; everything
// else (progress, device codes) goes to stderr.
type LoginCmd struct {
	Provider   string `name:"provider" placeholder:"NAME" help:"Sign in to a provider only (its session), not an identity."`
	Output     string `short:"o" name:"output" enum:"text,json" default:"text" help:"Output format: text or json."`
	NoBrowser  bool   `name:"no-browser" help:"Do not open a browser for a device sign-in (also ATMOS_AUTH_NO_BROWSER=1)."`
	DeviceFlow bool   `name:"device-flow" help:"Allow a device sign-in without a terminal: print the code on stderr and wait (also ATMOS_AUTH_DEVICE_FLOW=non-interactive)."`
	Force      bool   `name:"force" help:"Re-authenticate every step of the chain, ignoring cached credentials (an IAM Identity Center session is renewed with its refresh token, else by a new sign-in)."`
	TagsFlag   `embed:""`
}

// loginView is what login and whoami print; it never holds a secret.
type loginView struct {
	Identity string   `json:"identity,omitempty"`
	Alias    string   `json:"alias,omitempty"`
	Provider string   `json:"provider,omitempty"`
	Chain    []string `json:"chain"`
	Kind     string   `json:"kind"`
	Account  string   `json:"account,omitempty"`
	Role     string   `json:"role,omitempty"`
	ARN      string   `json:"arn,omitempty"`
	// Principal is who the credentials act as when that is not an ARN
	// (a GCP service account email, a workload identity pool).
	Principal  string    `json:"principal,omitempty"`
	Region     string    `json:"region,omitempty"`
	Expiration time.Time `json:"expiration,omitzero"`
	Status     string    `json:"status"`
	Reused     []string  `json:"reused,omitempty"`
	Renewed    []string  `json:"renewed,omitempty"`
	Verified   *verified `json:"verified,omitempty"`
	Realm      realmView `json:"realm"`
}

// realmView says which credential namespace is in use and why.
type realmView struct {
	Name   string `json:"name,omitempty"`
	Source string `json:"source"` // env, config or "" (none: per project)
	From   string `json:"from"`   // for people: ATMOS_AUTH_REALM, auth.realm in FILE:LINE:COL
}

func newRealmView(cfg *config.Config) realmView {
	r := cfg.RealmOf()
	return realmView{Name: r.Name, Source: r.Source, From: r.Describe(cfg)}
}

func (v *loginView) setRealm(cfg *config.Config) { v.Realm = newRealmView(cfg) }

// String is the realm line of text outputs.
func (r realmView) String() string {
	if r.Name == "" {
		return "none (" + r.From + ")"
	}
	return r.Name + " (" + r.From + ")"
}

type verified struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
}

func newView(chain []*config.Entry, c *auth.Credentials, status string) loginView {
	v := loginView{Kind: chain[0].Kind, Status: status}
	if chain[0].Role == config.RoleProvider {
		v.Provider = chain[0].Name
	} else {
		v.Identity, v.Alias = chain[0].Name, chain[0].Alias
	}
	for _, e := range chain {
		v.Chain = append(v.Chain, e.Name)
	}
	if c != nil {
		v.Account, v.Role, v.ARN, v.Region, v.Expiration = c.Account, c.Role, c.Principal, c.Region, c.Expiration
		if !strings.HasPrefix(c.Principal, "arn:") {
			v.ARN, v.Principal = "", c.Principal
		}
	}
	if v.Region == "" {
		v.Region = auth.ChainRegion(chain)
	}
	return v
}

func (v loginView) write(w io.Writer, format string, now time.Time) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	if v.Identity != "" {
		fmt.Fprintf(w, "identity: %s\n", v.Identity)
		if v.Alias != "" {
			fmt.Fprintf(w, "alias: %s\n", v.Alias)
		}
	} else {
		fmt.Fprintf(w, "provider: %s\n", v.Provider)
	}
	fmt.Fprintf(w, "chain: %s\n", strings.Join(v.Chain, " ← "))
	if v.Account != "" {
		fmt.Fprintf(w, "account: %s\n", v.Account)
	}
	if v.Role != "" {
		fmt.Fprintf(w, "role: %s\n", v.Role)
	}
	if v.ARN != "" {
		fmt.Fprintf(w, "arn: %s\n", v.ARN)
	}
	if v.Principal != "" {
		fmt.Fprintf(w, "principal: %s\n", termsafe.String(v.Principal))
	}
	if v.Region != "" {
		fmt.Fprintf(w, "region: %s\n", v.Region)
	}
	if v.Status != "not logged in" {
		fmt.Fprintf(w, "expires: %s\n", describeExpiry(v.Expiration, now))
	}
	fmt.Fprintf(w, "status: %s\n", v.Status)
	fmt.Fprintf(w, "realm: %s\n", v.Realm)
	if v.Verified != nil {
		label := "arn"
		if !strings.HasPrefix(v.Verified.ARN, "arn:") {
			label = "principal"
		}
		fmt.Fprintf(w, "verified %s: %s\nverified account: %s\n", label, termsafe.String(v.Verified.ARN), termsafe.String(v.Verified.Account))
	}
	return nil
}

func (c *LoginCmd) Run(g *Globals) error {
	c.apply(g)
	s, err := g.session(authOpts{deviceFlow: c.DeviceFlow, noBrowser: c.NoBrowser})
	if err != nil {
		return err
	}
	cfg, a := s.Config, s.Auth
	a.Force = c.Force
	ctx := g.Context()
	var res *auth.Result
	if c.Provider == "" && g.Identity == "" && len(g.Tags) == 0 && len(cfg.Defaults()) == 0 {
		// Atmos's provider default: no identity asked for and none is
		// the default, so sign in to the default provider.
		c.Provider = cfg.DefaultProvider()
	}
	if c.Provider != "" {
		if _, ok := cfg.Providers[c.Provider]; !ok {
			return Configf("provider %q does not exist", c.Provider)
		}
		res, err = a.LoginProvider(ctx, c.Provider)
	} else {
		var name string
		name, err = g.ResolveIdentity(cfg)
		if err != nil {
			return err
		}
		res, err = a.Login(ctx, name)
	}
	if err != nil {
		return authErr(err)
	}
	if c.Provider == "" {
		// Make AWS_PROFILE=<identity> resolve at once, profiles of the
		// identities this login provisioned included (the one merge
		// after the session's: they did not exist before).
		auth.MergeProvisioned(cfg, s.Dirs)
		if err := s.Prepare(res.Chain); err != nil {
			return err
		}
		s.autoIntegrate(res.Identity, res.Credentials)
		s.LoginRequired(res.Identity)
	}
	switch {
	case len(res.Renewed) == 0:
		fmt.Fprintf(g.Stderr, "atmos-auth: using cached credentials (%s)\n", strings.Join(res.Reused, ", "))
	case len(res.Reused) > 0:
		fmt.Fprintf(g.Stderr, "atmos-auth: reused %s; renewed %s\n", strings.Join(res.Reused, ", "), strings.Join(res.Renewed, ", "))
	default:
		fmt.Fprintf(g.Stderr, "atmos-auth: authenticated %s\n", strings.Join(res.Renewed, ", "))
	}
	v := newView(res.Chain, res.Credentials, "valid")
	v.Reused, v.Renewed = res.Reused, res.Renewed
	v.setRealm(cfg)
	return v.write(g.Stdout, c.Output, time.Now())
}
