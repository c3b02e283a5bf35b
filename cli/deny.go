package cli

import (
	"fmt"

	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// DenyCmd revokes trust of a per-directory identity file; the hook stays
// quiet about a denied file until its content (or configuration) changes.
// The file is not parsed: a broken or hostile file can be denied too.
type DenyCmd struct {
	Path string `arg:"" optional:"" help:"The identity file or its directory (default: the nearest one)."`
}

func (c *DenyCmd) Run(g *Globals) error {
	f, trust, err := g.identityFileArg(c.Path)
	if err != nil {
		return err
	}
	if err := trust.Deny(f.Subject()); err != nil {
		return err
	}
	fmt.Fprintln(g.Stderr, "atmos-auth: denied", termsafe.String(f.Path))
	return nil
}
