package cli

import (
	"fmt"
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/hooks"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// StatusCmd shows the identity file in effect here, the configuration it
// uses, its trust, its identity once it is allowed, and the identity active
// in this shell. It reads files and env only. A file that is not allowed is
// never parsed nor quoted: it may be a link to a secret.
type StatusCmd struct{}

func (c *StatusCmd) Run(g *Globals) error {
	pwd, err := hooks.LogicalPWD(g.Getenv)
	if err != nil {
		return err
	}
	line := func(label, value string) { fmt.Fprintf(g.Stdout, "%-9s %s\n", label+":", termsafe.String(value)) }
	if path := hooks.Find(pwd); path == "" {
		line("file", "none (no "+hooks.FileName+" here or above)")
	} else if err := c.file(g, path, line); err != nil {
		return err
	}
	active := g.Getenv("ATMOS_IDENTITY")
	if active == "" {
		active = "none"
	}
	line("active", active)
	return nil
}

func (c *StatusCmd) file(g *Globals, path string, line func(label, value string)) error {
	line("file", path)
	cfgPath := identityConfig(path, g.Config, g.Getenv)
	if cfgPath == "" {
		line("config", "none (no atmos.yaml for it)")
	} else {
		line("config", cfgPath)
	}
	content, err := hooks.ReadContent(path)
	if err != nil {
		line("error", err.Error())
		return nil
	}
	st, err := hooks.NewTrust(config.ResolveDirs(g.Getenv).Data).State(hooks.Subject{Path: path, Content: content, Config: cfgPath})
	if err != nil {
		return err
	}
	if st != hooks.Allowed {
		line("trust", st.String()+" (review it, then run `atmos-auth allow` to use it)")
		return nil
	}
	line("trust", st.String())
	f, err := hooks.Parse(path, content)
	if err != nil {
		line("error", err.Error())
		return nil
	}
	id := f.Identity
	if id == "" {
		id = "(the configuration's default)"
	}
	line("identity", id)
	if len(f.Profiles) > 0 {
		line("profile", strings.Join(f.Profiles, ","))
	}
	return nil
}
