package cli

import (
	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// EcrLoginCmd logs docker in to container registries (aws/ecr,
// aws/ecr-public integrations): the named ones, those of the identity -i
// names, or all. Tokens are renewed whether or not they expired.
type EcrLoginCmd struct {
	Integrations []string `arg:"" optional:"" name:"integration" help:"Integrations to run (default: those of -i, else all)."`
}

func (c *EcrLoginCmd) Run(g *Globals) error {
	s, err := g.session(authOpts{})
	if err != nil {
		return err
	}
	return s.runIntegrations(c.Integrations, func(e *config.Entry) bool {
		_, ok := e.Spec.(auth.RegistryIntegration)
		return ok
	}, "registry integration")
}
