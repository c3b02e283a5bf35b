package cli

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/atmos-auth/atmos-auth/formats"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
	"github.com/atmos-auth/atmos-auth/shells"
)

// EnvCmd prints the identity's environment for a shell or a tool.
type EnvCmd struct {
	Format     string `short:"f" default:"bash" placeholder:"FORMAT" help:"Output format: bash, zsh, fish, pwsh, tcsh, elvish, nu, json, dotenv, github (appends to $GITHUB_ENV)."`
	OutputFile string `short:"o" name:"output-file" type:"path" placeholder:"FILE" help:"Write to FILE (mode 0600, atomically) instead of stdout; for github, the file to append to instead of $GITHUB_ENV."`
	Login      bool   `help:"Authenticate first when nothing valid is cached (may prompt or open a browser)."`
}

// EnvFormatNames lists every --format value: shell dialects, then formats.
func EnvFormatNames() []string {
	names := append(shells.Names(), formats.EnvFormatNames()...)
	sort.Strings(names)
	return names
}

func (c *EnvCmd) Run(g *Globals) error {
	_, isShell := shells.Registry[c.Format]
	_, isFormat := formats.EnvFormats[c.Format]
	if !isShell && !isFormat {
		return Configf("unknown format %q: choose one of %s", c.Format, strings.Join(EnvFormatNames(), ", "))
	}
	env, err := g.activeIdentityEnv(c.Login)
	if err != nil || env == nil { // nil: disabled, nothing to change
		return err
	}
	var out bytes.Buffer
	switch {
	case isShell:
		s, err := shells.Render(shells.Registry[c.Format], env)
		if err != nil {
			// A name or value this shell cannot hold: the whole
			// emission is refused (nothing on stdout), exit 2.
			return ConfigErr(err)
		}
		out.WriteString(s)
	default:
		f := formats.EnvFormats[c.Format]
		if a, ok := f.(formats.EnvAppender); ok {
			// It appends to its own file (--output-file names it); only
			// what it prints goes to stdout.
			return a.AppendingTo(c.OutputFile, g.Getenv).RenderEnv(g.Stdout, env)
		}
		if err := f.RenderEnv(&out, env); err != nil {
			return err
		}
	}
	if c.OutputFile != "" {
		return writeFileAtomic(c.OutputFile, out.Bytes())
	}
	_, err = g.Stdout.Write(out.Bytes())
	return err
}

// writeFileAtomic writes data to path (mode 0600) through a temp file in
// the same directory and a rename.
func writeFileAtomic(path string, data []byte) error {
	if err := fsutil.WriteFileAtomic(path, data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
