package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/atmos-auth/atmos-auth/engine"
	"github.com/atmos-auth/atmos-auth/hooks"
)

// AllowCmd trusts a per-directory identity file (by path and content).
type AllowCmd struct {
	Path string `arg:"" optional:"" type:"path" help:"The identity file or its directory (default: the nearest one)."`
}

func (c *AllowCmd) Run(g *Globals) error {
	f, trust, err := g.identityFileArg(c.Path)
	if err != nil {
		return err
	}
	if err := trust.Allow(f.Path, f.Content); err != nil {
		return err
	}
	fmt.Fprintf(g.Stderr, "atmos-auth: allowed %s (%s)\n", f.Path, describeFile(f))
	return nil
}

func describeFile(f *hooks.IdentityFile) string {
	s := "identity " + f.Identity
	if f.Identity == "" {
		s = "default identity"
	}
	if len(f.Profiles) > 0 {
		s += fmt.Sprintf(", profile %s", joinComma(f.Profiles))
	}
	return s
}

func joinComma(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

// identityFileArg finds and parses the identity file named by arg (a file
// or a directory), or the nearest one from the working directory.
func (g *Globals) identityFileArg(arg string) (*hooks.IdentityFile, *hooks.Trust, error) {
	var path string
	if arg == "" {
		pwd, err := hooks.LogicalPWD(g.Getenv)
		if err != nil {
			return nil, nil, err
		}
		path = hooks.Find(pwd)
		if path == "" {
			return nil, nil, Configf("no %s file in %s or any parent directory", hooks.FileName, pwd)
		}
	} else {
		abs, err := filepath.Abs(arg)
		if err != nil {
			return nil, nil, err
		}
		path = abs
		if st, err := os.Stat(abs); err == nil && st.IsDir() {
			path = filepath.Join(abs, hooks.FileName)
		}
	}
	f, err := hooks.ReadFile(path)
	if err != nil {
		return nil, nil, ConfigErr(err)
	}
	return f, hooks.NewTrust(engine.ResolveDirs(g.Getenv).Data), nil
}
