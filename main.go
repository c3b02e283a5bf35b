// Command atmos-auth manages cloud credentials from the auth: section of
// atmos.yaml and makes them native to the shell.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/atmos-auth/atmos-auth/cli"
	"github.com/atmos-auth/atmos-auth/formats"
)

var version = "dev"

// CLI is the whole command tree; each command lives in its own file in cli/.
type CLI struct {
	cli.Globals

	Validate cli.ValidateCmd `cmd:"" help:"Validate the auth configuration and report every error."`
	List     cli.ListCmd     `cmd:"" help:"List providers and identities."`
	Keyring  cli.KeyringCmd  `cmd:"" help:"Show which credential store is in use and whether it is reachable."`

	Version kong.VersionFlag `help:"Print the version and exit."`
}

func main() { os.Exit(run(os.Args[1:], cli.Globals{})) }

// run parses args and runs the command; io carries the streams and
// environment (zero fields default to the process's own).
func run(args []string, io cli.Globals) int {
	root := CLI{Globals: io}
	root.Defaults()
	parser, err := kong.New(&root,
		kong.Name("atmos-auth"),
		kong.Description("Cloud credentials from atmos.yaml, native to your shell."),
		kong.UsageOnError(),
		kong.Vars{"version": version, "list_formats": strings.Join(formats.ListFormatNames(), ",")},
		kong.Writers(root.Stdout, root.Stderr),
		kong.Exit(func(code int) { panic(exitPanic(code)) }),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "atmos-auth: internal error:", err)
		return cli.ExitFailure
	}
	return parse(parser, &root, cli.PreparseArgs(args))
}

type exitPanic int

// parse parses and runs; kong's help/version flags exit through a panic
// that is turned back into a return code here.
func parse(parser *kong.Kong, root *CLI, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			if c, ok := r.(exitPanic); ok {
				code = int(c)
				return
			}
			panic(r)
		}
	}()
	ctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(root.Stderr, "atmos-auth: %v\n", err)
		return cli.ExitConfig
	}
	if err := ctx.Run(&root.Globals); err != nil {
		var ee *cli.ExitError
		if !(errors.As(err, &ee) && ee.Err == nil) {
			msg := err.Error()
			if !strings.HasSuffix(msg, "\n") {
				msg += "\n"
			}
			fmt.Fprint(root.Stderr, "atmos-auth: "+msg)
		}
		return cli.CodeOf(err)
	}
	return cli.ExitOK
}
