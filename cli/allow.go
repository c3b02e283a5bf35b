package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/hooks"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// AllowCmd trusts a per-directory identity file: its path as found, its
// content and the atmos.yaml it is applied with.
type AllowCmd struct {
	Path string `arg:"" optional:"" help:"The identity file or its directory (default: the nearest one)."`
}

func (c *AllowCmd) Run(g *Globals) error {
	f, trust, err := g.identityFileArg(c.Path)
	if err != nil {
		return err
	}
	// The user is reviewing this file: its errors may name line:col.
	parsed, err := hooks.Parse(f.Path, f.Content)
	if err != nil {
		return oneLineErr(err)
	}
	parsed.Config = f.Config
	if err := trust.Allow(parsed.Subject()); err != nil {
		return err
	}
	fmt.Fprintln(g.Stderr, termsafe.String(fmt.Sprintf("atmos-auth: allowed %s (%s)", f.Path, describeFile(parsed))))
	return nil
}

func describeFile(f *hooks.IdentityFile) string {
	s := "identity " + f.Identity
	if f.Identity == "" {
		s = "default identity"
	}
	if len(f.Profiles) > 0 {
		s += ", profile " + strings.Join(f.Profiles, ",")
	}
	if f.Config == "" {
		return s + "; no atmos.yaml found for it"
	}
	return s + "; configuration " + f.Config
}

// identityFileArg reads the identity file named by arg (a file or a
// directory, relative to the logical working directory as the hook sees
// it), or the nearest one from the working directory, without parsing it,
// with the configuration it is applied with (see identityConfig).
func (g *Globals) identityFileArg(arg string) (*hooks.IdentityFile, *hooks.Trust, error) {
	pwd, err := hooks.LogicalPWD(g.Getenv)
	if err != nil {
		return nil, nil, err
	}
	var path string
	if arg == "" {
		path = hooks.Find(pwd)
		if path == "" {
			return nil, nil, Configf("no %s file in %s or any parent directory", hooks.FileName, termsafe.String(pwd))
		}
	} else {
		path = arg
		if !filepath.IsAbs(path) {
			path = filepath.Join(pwd, path)
		}
		path = filepath.Clean(path)
		if st, err := os.Stat(path); err == nil && st.IsDir() && filepath.Base(path) != hooks.FileName {
			path = filepath.Join(path, hooks.FileName)
		}
	}
	content, err := hooks.ReadContent(path)
	if err != nil {
		return nil, nil, oneLineErr(err)
	}
	f := &hooks.IdentityFile{Path: path, Content: content, Config: identityConfig(path, g.Config, g.Getenv)}
	return f, hooks.NewTrust(config.ResolveDirs(g.Getenv).Data), nil
}

// oneLineErr is a configuration error (exit 2) whose message is one line
// that may quote a path: a newline in it is escaped too.
func oneLineErr(err error) error { return ConfigErr(errors.New(termsafe.String(err.Error()))) }
