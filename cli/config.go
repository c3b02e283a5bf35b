package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// loadOptions maps the global flags onto config.LoadOptions.
func (g *Globals) loadOptions() config.LoadOptions {
	return config.LoadOptions{ConfigPath: g.Config, Profiles: g.Profile, Getenv: g.Getenv, Kinds: g.Kinds}
}

// LoadConfig loads the configuration without judging it.
func (g *Globals) LoadConfig() (*config.Config, error) {
	cfg, err := config.Load(g.loadOptions())
	if err != nil {
		return nil, wrapConfigErr(err)
	}
	return cfg, nil
}

// LoadValidConfig loads the configuration, fails (exit 2) with every
// problem when it is not valid, and adds the identities auto-provisioned at
// the last login (cached; the user's own config wins).
func (g *Globals) LoadValidConfig() (*config.Config, error) {
	cfg, err := g.LoadConfig()
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, wrapConfigErr(fmt.Errorf("invalid configuration (run `atmos-auth validate` for details):\n%w", err))
	}
	auth.MergeProvisioned(cfg, config.ResolveDirs(g.Getenv))
	return cfg, nil
}

func wrapConfigErr(err error) error {
	var ce *config.ConfigError
	if errors.As(err, &ce) {
		return ConfigErr(err)
	}
	return err
}

// Disabled reports whether an identity value turns atmos-auth off.
func Disabled(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "false", "0", "no", "off":
		return true
	}
	return false
}

// isTTY reports whether f is a terminal. Its mode is no answer: /dev/null
// is a character device too, and a login from cron (stdin </dev/null) or a
// shell started with it would then wait for a user who is not there.
func isTTY(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// inCI reports whether we run in a CI system.
func (g *Globals) inCI() bool { return inCI(g.Getenv) }

// EnvForceTTY makes atmos-auth behave as on a terminal (selectors and
// prompts, read from stdin) where terminal detection fails: Atmos's
// ATMOS_FORCE_TTY. CI still wins.
const EnvForceTTY = "ATMOS_FORCE_TTY"

// interactive reports whether prompts and selectors may be shown.
func (g *Globals) interactive() bool {
	if g.inCI() {
		return false
	}
	if truthy(g.Getenv(EnvForceTTY)) {
		return true
	}
	in, ok := g.Stdin.(*os.File)
	if !ok || !isTTY(in) {
		return false
	}
	errf, ok := g.Stderr.(*os.File)
	return ok && isTTY(errf)
}
