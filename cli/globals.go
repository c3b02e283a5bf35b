package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"io"
	"os"

	"github.com/atmos-auth/atmos-auth/config"
)

// Globals are the flags every command shares. Kong fills them from flags
// and environment variables; commands receive them by pointer.
type Globals struct {
	Identity string   `short:"i" name:"identity" env:"ATMOS_IDENTITY" placeholder:"NAME" help:"Identity to use; bare -i opens a selector; false|0|no|off disables atmos-auth."`
	Profile  []string `name:"profile" env:"ATMOS_PROFILE" sep:"," placeholder:"A,B" help:"Profiles to merge over the base configuration, in order."`
	Config   string   `name:"config" env:"ATMOS_CLI_CONFIG_PATH" placeholder:"PATH" help:"Path to atmos.yaml (or the directory holding it)."`
	LogLevel string   `name:"log-level" placeholder:"LEVEL" help:"Log level: Debug, Info, Warn, Error (overrides auth.logs.level)."`
	NoColor  bool     `name:"no-color" env:"NO_COLOR" help:"Disable colour output."`

	// IO and process context, replaceable in tests.
	Stdin  io.Reader `kong:"-"`
	Stdout io.Writer `kong:"-"`
	Stderr io.Writer `kong:"-"`
	// Getenv reads the environment (os.Getenv by default).
	Getenv func(string) string `kong:"-"`
	// Ctx is cancelled by Ctrl-C and SIGTERM (main sets it): every wait of
	// a command ends with it.
	Ctx context.Context `kong:"-"`
	// Kinds is the registry of every cloud's kinds (main sets it from
	// package cloud): the CLI itself names no cloud.
	Kinds *config.Registry `kong:"-"`

	// Tags is the --tags of the command (login, logout, list, env, exec,
	// shell): ResolveIdentity picks among the identities with one of them.
	Tags []string `kong:"-"`

	// log is the command's one logger, opened on first use (see logger);
	// closers are closed by Close.
	log     *slog.Logger
	closers []io.Closer
	// sess is the command's session (see session).
	sess *Session
}

// Context is the command's context (Background when main set none).
func (g *Globals) Context() context.Context {
	if g.Ctx == nil {
		return context.Background()
	}
	return g.Ctx
}

// IdentitySelect is the value the argument pre-parser gives --identity when
// it was passed without a value: the user asked for the selector.
const IdentitySelect = "\x00select"

// Check validates the global flags kong cannot (case-insensitive values).
func (g *Globals) Check() error {
	if g.LogLevel != "" {
		for _, l := range config.LogLevels {
			if strings.EqualFold(l, g.LogLevel) {
				return nil
			}
		}
		return fmt.Errorf("--log-level %q is not supported (one of %s)", g.LogLevel, strings.Join(config.LogLevels, ", "))
	}
	return nil
}

// Defaults fills the IO fields.
func (g *Globals) Defaults() {
	if g.Stdin == nil {
		g.Stdin = os.Stdin
	}
	if g.Stdout == nil {
		g.Stdout = os.Stdout
	}
	if g.Stderr == nil {
		g.Stderr = os.Stderr
	}
	if g.Getenv == nil {
		g.Getenv = os.Getenv
	}
}
