package cli

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/formats"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
	"github.com/atmos-auth/atmos-auth/shells"
)

// EnvCmd prints the identity's environment for a shell or a tool.
type EnvCmd struct {
	Format string `short:"f" placeholder:"FORMAT" help:"Output format: ${env_formats}. Default: $ATMOS_AUTH_ENV_FORMAT, else bash."`
	// Output is --format under the name login, whoami and list give their
	// output format: -o means the format in every command. The file has a
	// long flag only, so that no short flag writes a file by surprise.
	Output     string `short:"o" name:"output" placeholder:"FORMAT" help:"Same as --format."`
	OutputFile string `name:"output-file" type:"path" env:"ATMOS_AUTH_ENV_OUTPUT_FILE" placeholder:"FILE" help:"Write to FILE (mode 0600, atomically) instead of stdout${env_output_file}."`
	Login      bool   `help:"Authenticate first when nothing valid is cached (may prompt or open a browser)."`
	// ExportCredentials puts the secrets themselves in the output.
	ExportCredentials bool `name:"export-credentials" help:"Put the credentials themselves (keys, tokens) in the output, for what cannot run credential_process (docker run --env-file, old tools). The output then holds secrets that are not renewed; a warning says so."`
	TagsFlag          `embed:""`
}

// envVars are the kong variables of env's help, read from formats.Env:
// every format, and what --output-file means to a format that appends to
// a file of its own.
func envVars() kong.Vars {
	var names, appends []string
	for _, n := range formats.EnvNames() {
		if a, ok := formats.Env[n].(formats.EnvAppender); ok {
			names = append(names, n+" (appends to $"+a.FileVar()+")")
			appends = append(appends, "; for "+n+", the file to append to instead of $"+a.FileVar())
			continue
		}
		names = append(names, n)
	}
	return kong.Vars{
		"env_formats":     strings.Join(names, ", "),
		"env_output_file": strings.Join(appends, ""),
	}
}

func (c *EnvCmd) Run(g *Globals) error {
	c.apply(g)
	name, err := c.format(g.Getenv)
	if err != nil {
		return err
	}
	f, err := formats.LookupEnvFormat(name)
	if err != nil {
		if c.Output != "" {
			// `env -o FILE` wrote FILE before -o meant the format.
			err = fmt.Errorf("%w (-o/--output is the output format; to write a file use --output-file %s)", err, c.Output)
		}
		return ConfigErr(err)
	}
	env, err := g.ActiveEnvironment(c.Login)
	if err != nil || env == nil { // nil: disabled, nothing to change
		return err
	}
	if c.ExportCredentials {
		if err := g.exportCredentials(env); err != nil {
			return err
		}
	}
	if a, ok := f.(formats.EnvAppender); ok {
		// It appends to its own file (--output-file names it); only what
		// it prints goes to stdout.
		return a.AppendingTo(c.OutputFile, g.Getenv).RenderEnv(g.Stdout, env)
	}
	var out bytes.Buffer
	if err := f.RenderEnv(&out, env); err != nil {
		if errors.Is(err, shells.ErrInvalidName) || errors.Is(err, shells.ErrInvalidValue) {
			// A name or value this shell cannot hold: the whole
			// emission is refused (nothing on stdout), exit 2.
			return ConfigErr(err)
		}
		return err
	}
	if c.OutputFile != "" {
		return writeFileAtomic(c.OutputFile, out.Bytes())
	}
	_, err = g.Stdout.Write(out.Bytes())
	return err
}

// EnvEnvFormat is the format env prints when no flag names one (Atmos's
// ATMOS_AUTH_ENV_FORMAT); bash without it.
const EnvEnvFormat = "ATMOS_AUTH_ENV_FORMAT"

// format is the one format asked for: -o/--output and -f/--format name
// the same thing, and two different answers are a usage error. Either
// flag beats ATMOS_AUTH_ENV_FORMAT.
func (c *EnvCmd) format(getenv func(string) string) (string, error) {
	switch {
	case c.Output == "" && c.Format == "":
		if f := strings.TrimSpace(getenv(EnvEnvFormat)); f != "" {
			return f, nil
		}
		return "bash", nil
	case c.Output == "":
		return c.Format, nil
	case c.Format != "" && c.Format != c.Output:
		return "", ConfigErr(fmt.Errorf("--output %s and --format %s ask for two formats: give one", c.Output, c.Format))
	}
	return c.Output, nil
}

// writeFileAtomic writes data to path (mode 0600) through a temp file in
// the same directory and a rename.
func writeFileAtomic(path string, data []byte) error {
	if err := fsutil.WriteFileAtomic(path, data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// exportCredentials adds the identity's cached credentials themselves to
// env (the identity's SecretEnv), with a warning on stderr: the output then
// holds secrets, valid until they expire and not renewed.
func (g *Globals) exportCredentials(env *environ.Environment) error {
	s, chain, se, err := identityWith[auth.SecretEnv](g)
	if errors.Is(err, errNoCapability) {
		return Configf("identity %s (%s) has no credentials to export as variables; use its environment without --export-credentials", chain[0].Name, chain[0].Kind)
	}
	if err != nil {
		return err
	}
	name := chain[0].Name
	creds, valid, err := s.Auth.Cached(name)
	if err != nil || !valid {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("identity %s has no valid cached credentials to export: run `atmos-auth login -i %s` or add --login", name, name)}
	}
	set, unset, err := se.SecretEnv(creds)
	if err != nil {
		return err
	}
	for _, k := range unset {
		env.UnsetVar(k)
	}
	for k, v := range set {
		env.SetVar(k, v)
	}
	until := "they expire"
	if !creds.Expiration.IsZero() {
		until = creds.Expiration.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(g.Stderr, "atmos-auth: warning: this output holds the credentials of %s themselves, valid until %s and not renewed: keep it out of logs, shell history and version control\n", termsafe.String(name), until)
	return nil
}
