package cli

import (
	"errors"
	"fmt"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// ValidateCmd is `atmos-auth validate`.
type ValidateCmd struct {
	Verbose bool `short:"v" help:"Print each identity's resolved chain (also ATMOS_AUTH_VALIDATE_VERBOSE=true)."`
}

func (c *ValidateCmd) Run(g *Globals) error {
	cfg, err := g.LoadConfig()
	if err != nil {
		return err
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(g.Stderr, termsafe.String("warning: "+w.String()))
	}
	verr := cfg.Validate()
	if verr != nil {
		var ce *config.ConfigError
		if errors.As(verr, &ce) {
			for _, d := range ce.Diags {
				fmt.Fprintln(g.Stderr, termsafe.String(d.String()))
			}
			fmt.Fprintf(g.Stderr, "%d problem%s found\n", len(ce.Diags), plural(len(ce.Diags)))
			return &ExitError{Code: ExitConfig}
		}
		return ConfigErr(verr)
	}
	if c.Verbose || truthy(g.Getenv("ATMOS_AUTH_VALIDATE_VERBOSE")) {
		for _, f := range cfg.Files {
			fmt.Fprintf(g.Stdout, "file: %s\n", termsafe.String(f))
		}
		for _, n := range cfg.IdentityOrder {
			ch, _ := cfg.Chain(n)
			fmt.Fprintf(g.Stdout, "%s (%s): %s\n", n, cfg.Identities[n].Kind, config.ChainString(ch))
		}
	}
	fmt.Fprintf(g.Stdout, "configuration is valid: %d provider%s, %d identit%s, %d integration%s\n",
		len(cfg.Providers), plural(len(cfg.Providers)), len(cfg.Identities), pluralY(len(cfg.Identities)),
		len(cfg.Integrations), plural(len(cfg.Integrations)))
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func pluralY(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}
