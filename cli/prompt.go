package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// PromptCmd prints a short prompt segment from the environment and the
// local credential cache (no keyring, no network): the identity, the
// account or cloud target, and the time left, e.g. "prod-admin (42m)". The
// time left is that of the identity's cached credentials, which
// credential_process and logins renew after the environment was set; only
// when the cache cannot be read (no configuration, an unknown identity) it
// comes from AWS_CREDENTIAL_EXPIRATION. Nothing is printed
// when no identity is active. The text forms go into prompts: control
// characters in a name (from a repository's atmos.yaml, through the
// environment) are shown as escapes, never sent to the terminal.
type PromptCmd struct {
	Format string `short:"f" default:"text" enum:"text,json,long" help:"text: \"prod-admin (42m)\"; long: adds the cloud target; json: every field."`

	now func() time.Time
}

type promptInfo struct {
	Identity   string `json:"identity"`
	Alias      string `json:"alias,omitempty"`
	Stack      string `json:"stack,omitempty"`
	Cloud      string `json:"cloud,omitempty"`
	Target     string `json:"target,omitempty"`
	Region     string `json:"region,omitempty"`
	Expiration string `json:"expiration,omitempty"`
	Remaining  *int64 `json:"remaining_seconds,omitempty"`
	Left       string `json:"left,omitempty"`
}

func (c *PromptCmd) Run(g *Globals) error {
	now := time.Now
	if c.now != nil {
		now = c.now
	}
	env := g.Getenv
	p := promptInfo{Identity: env("ATMOS_IDENTITY"), Stack: env("ATMOS_SHELL_STACK")}
	if p.Identity == "" || Disabled(p.Identity) {
		if c.Format == "json" {
			fmt.Fprintln(g.Stdout, "{}")
		}
		return nil
	}
	switch {
	case env("AWS_PROFILE") != "":
		p.Cloud, p.Target, p.Region = "aws", env("AWS_PROFILE"), env("AWS_REGION")
	case env("GOOGLE_CLOUD_PROJECT") != "":
		p.Cloud, p.Target, p.Region = "gcp", env("GOOGLE_CLOUD_PROJECT"), env("GOOGLE_CLOUD_REGION")
	case env("AZURE_SUBSCRIPTION_ID") != "":
		p.Cloud, p.Target, p.Region = "azure", env("AZURE_SUBSCRIPTION_ID"), env("AZURE_LOCATION")
	case env("AWS_REGION") != "":
		p.Cloud, p.Region = "aws", env("AWS_REGION")
	}
	p.Alias = identityAlias(g, p.Identity)
	if t, ok := cachedExpiry(g, p.Identity); ok {
		if !t.IsZero() {
			p.setExpiry(t, now())
		}
	} else if e := env("AWS_CREDENTIAL_EXPIRATION"); e != "" {
		if t, err := time.Parse(time.RFC3339, e); err == nil {
			p.setExpiry(t, now())
		}
	}
	switch c.Format {
	case "json":
		b, _ := json.Marshal(p)
		fmt.Fprintln(g.Stdout, string(b))
	case "long":
		s := p.Identity
		if p.Alias != "" {
			s += " [" + p.Alias + "]"
		}
		if p.Cloud != "" {
			s += " " + p.Cloud
			if p.Target != "" && p.Target != p.Identity {
				s += ":" + p.Target
			}
			if p.Region != "" {
				s += "@" + p.Region
			}
		}
		if p.Left != "" {
			s += " (" + p.Left + ")"
		}
		fmt.Fprintln(g.Stdout, termsafe.String(s))
	default:
		s := p.Identity
		if p.Alias != "" {
			s = p.Alias // the short name the configuration gives it
		}
		if p.Left != "" {
			s += " (" + p.Left + ")"
		}
		fmt.Fprintln(g.Stdout, termsafe.String(s))
	}
	return nil
}

func (p *promptInfo) setExpiry(t, now time.Time) {
	p.Expiration = t.UTC().Format(time.RFC3339)
	left := t.Sub(now).Truncate(time.Second)
	secs := int64(left / time.Second)
	p.Remaining = &secs
	p.Left = shortDuration(left)
}

// cachedExpiry is when the cached credentials of identity expire, read
// from the one cache file of its step (no keyring, no network): zero when
// nothing is cached (not logged in, or no expiry); ok is false when the
// cache cannot be read (no or an invalid configuration, an identity it
// does not name), and the caller falls back to the environment.
func cachedExpiry(g *Globals, identity string) (t time.Time, ok bool) {
	s, err := g.session(authOpts{})
	if err != nil {
		return time.Time{}, false
	}
	return s.Expiry(identity)
}

// identityAlias is the alias the configuration gives identity ("" for
// none, or when the configuration cannot be read).
func identityAlias(g *Globals, identity string) string {
	s, err := g.session(authOpts{})
	if err != nil {
		return ""
	}
	if e, ok := s.Config.Identities[identity]; ok {
		return e.Alias
	}
	return ""
}

// shortDuration renders time left: "expired", else span(d).
func shortDuration(d time.Duration) string {
	if d <= 0 {
		return "expired"
	}
	return span(d)
}

// span is the one rendering of a duration in messages, the prompt and
// whoami: "<1m", "42m", "3h05m", "2d4h".
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "<1m"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}
