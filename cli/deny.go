package cli

import "fmt"

// DenyCmd revokes trust of a per-directory identity file; the hook stays
// quiet about a denied file until its content changes.
type DenyCmd struct {
	Path string `arg:"" optional:"" type:"path" help:"The identity file or its directory (default: the nearest one)."`
}

func (c *DenyCmd) Run(g *Globals) error {
	f, trust, err := g.identityFileArg(c.Path)
	if err != nil {
		return err
	}
	if err := trust.Deny(f.Path, f.Content); err != nil {
		return err
	}
	fmt.Fprintf(g.Stderr, "atmos-auth: denied %s\n", f.Path)
	return nil
}
