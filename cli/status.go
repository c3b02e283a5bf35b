package cli

import (
	"fmt"
	"strings"

	"github.com/atmos-auth/atmos-auth/engine"
	"github.com/atmos-auth/atmos-auth/hooks"
)

// StatusCmd shows the identity file in effect here, its identity and trust,
// and the identity active in this shell. It reads files and env only.
type StatusCmd struct{}

func (c *StatusCmd) Run(g *Globals) error {
	pwd, err := hooks.LogicalPWD(g.Getenv)
	if err != nil {
		return err
	}
	w := g.Stdout
	path := hooks.Find(pwd)
	if path == "" {
		fmt.Fprintf(w, "file:     none (no %s here or above)\n", hooks.FileName)
	} else {
		fmt.Fprintf(w, "file:     %s\n", path)
		f, err := hooks.ReadFile(path)
		if err != nil {
			fmt.Fprintf(w, "error:    %s\n", firstLine(err.Error()))
		} else {
			id := f.Identity
			if id == "" {
				id = "(the configuration's default)"
			}
			fmt.Fprintf(w, "identity: %s\n", id)
			if len(f.Profiles) > 0 {
				fmt.Fprintf(w, "profile:  %s\n", strings.Join(f.Profiles, ","))
			}
			st, err := hooks.NewTrust(engine.ResolveDirs(g.Getenv).Data).State(path, f.Content)
			if err != nil {
				return err
			}
			hint := ""
			if st != hooks.Allowed {
				hint = " (run `atmos-auth allow` to use it)"
			}
			fmt.Fprintf(w, "trust:    %s%s\n", st, hint)
		}
	}
	active := g.Getenv("ATMOS_IDENTITY")
	if active == "" {
		active = "none"
	}
	fmt.Fprintf(w, "active:   %s\n", active)
	return nil
}
