// Command atmos-auth manages cloud credentials from the auth: section of
// atmos.yaml and makes them native to the shell.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"

	"github.com/atmos-auth/atmos-auth/cli"
	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// version, when set at link time (-ldflags "-X main.version=v1.2.3", as
// `make build` does from git describe), is the version --version prints;
// left empty, the build information the Go toolchain recorded answers.
var version = ""

// versionString is what --version prints: the link-time version, else the
// main module's version (a tag, or the pseudo-version go build derives from
// the commit; +dirty with uncommitted changes), else the commit alone; a
// build without any of these says so rather than inventing a number.
func versionString() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (built without module information)"
	}
	return buildVersion(bi)
}

func buildVersion(bi *debug.BuildInfo) string {
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	v := bi.Main.Version
	if v == "(devel)" {
		v = ""
	}
	short := rev
	if len(short) > 12 {
		short = short[:12]
	}
	switch {
	case v != "" && (short == "" || strings.Contains(v, short)):
		return v
	case v != "":
		return v + " (commit " + short + ")"
	case short != "":
		if modified == "true" {
			short += "+dirty"
		}
		return "devel (commit " + short + ")"
	}
	return "devel (no version control information)"
}

// CLI is the whole command tree; each command lives in its own file in cli/.
type CLI struct {
	cli.Globals

	Validate cli.ValidateCmd `cmd:"" help:"Validate the auth configuration and report every error."`
	List     cli.ListCmd     `cmd:"" help:"List providers and identities."`
	Keyring  cli.KeyringCmd  `cmd:"" help:"Show which credential store is in use and whether it is reachable."`

	// Credentials (the credential engine).
	Login             cli.LoginCmd             `cmd:"" help:"Authenticate an identity (or a provider) and cache its credentials."`
	Whoami            cli.WhoamiCmd            `cmd:"" help:"Show the identity in use, its account, region and expiry."`
	Logout            cli.LogoutCmd            `cmd:"" help:"Remove cached credentials, keyring entries and sessions."`
	CredentialProcess cli.CredentialProcessCmd `cmd:"" name:"credential-process" hidden:"" help:"Print credentials as AWS credential_process JSON."`
	User              cli.UserCmd              `cmd:"" help:"Manage aws/user identities."`
	EcrLogin          cli.EcrLoginCmd          `cmd:"" name:"ecr-login" help:"Log docker in to the registries of ECR integrations."`
	Console           cli.ConsoleCmd           `cmd:"" help:"Open the cloud's web console signed in as the identity."`
	Serve             cli.ServeCmd             `cmd:"" help:"Serve an identity's credentials on 127.0.0.1 to programs atmos-auth does not start (--ecs)."`
	Eks               cli.EksCmd               `cmd:"" help:"Kubernetes clusters of aws/eks integrations: kubeconfig entries and their exec plugin."`

	// The shell (env, exec, subshell, hook, prompt).
	Env        cli.EnvCmd        `cmd:"" help:"Print the identity's environment for a shell or a tool."`
	Exec       cli.ExecCmd       `cmd:"" help:"Run a command with an identity's environment."`
	Shell      cli.ShellCmd      `cmd:"" help:"Start a subshell with an identity's environment."`
	Hook       cli.HookCmd       `cmd:"" help:"Print the shell hook for your rc file."`
	Allow      cli.AllowCmd      `cmd:"" help:"Trust a per-directory identity file."`
	Deny       cli.DenyCmd       `cmd:"" help:"Revoke trust of a per-directory identity file."`
	Status     cli.StatusCmd     `cmd:"" help:"Show the identity file in effect here and whether it is trusted."`
	Prompt     cli.PromptCmd     `cmd:"" help:"Print a short prompt segment: identity and time left."`
	Completion cli.CompletionCmd `cmd:"" help:"Print shell completions."`
	HookApply  cli.HookApplyCmd  `cmd:"" name:"__hook" hidden:"" help:"The prompt hook's entry point."`
	Complete   cli.CompleteCmd   `cmd:"" name:"__complete" hidden:"" help:"List names for completion scripts."`

	Version kong.VersionFlag `help:"Print the version and exit."`
}

func main() { os.Exit(run(os.Args[1:], cli.Globals{})) }

// run parses args and runs the command; io carries the streams and
// environment (zero fields default to the process's own).
func run(args []string, io cli.Globals) int {
	if io.Kinds == nil {
		io.Kinds = cloud.Kinds()
	}
	args = cli.PreparseArgs(args)
	if f, ok := hotEligible(args); ok {
		if code, ok := runHot(args, io, f); ok {
			return code
		}
	}
	root := CLI{Globals: io}
	root.Defaults()
	parser, err := kong.New(&root,
		kong.Name("atmos-auth"),
		kong.Description("Cloud credentials from atmos.yaml, native to your shell."),
		kong.UsageOnError(),
		kong.Vars{"version": versionString()}.CloneWith(cli.ListVars()),
		cli.CompletionVars(),
		kong.Writers(root.Stdout, root.Stderr),
		kong.Exit(func(code int) { panic(exitPanic(code)) }),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "atmos-auth: internal error:", err)
		return cli.ExitFailure
	}
	return parse(parser, &root, args)
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
	// Every message may quote a path, a name or an answer from a hostile
	// repository or endpoint: what reaches the terminal is made inert.
	ctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(root.Stderr, "atmos-auth: %s\n", termsafe.Lines(err.Error()))
		return cli.ExitConfig
	}
	return execute(ctx, &root.Globals)
}

// execute runs a parsed command: the global checks, the interrupt
// context, the command, and its error turned into a message and an exit
// code.
func execute(ctx *kong.Context, g *cli.Globals) int {
	return executeRun(g, func() error { return ctx.Run(g) })
}

// executeRun is execute for a command run by run (a parse without kong).
func executeRun(g *cli.Globals, run func() error) int {
	if err := g.Check(); err != nil {
		fmt.Fprintf(g.Stderr, "atmos-auth: %s\n", termsafe.Lines(err.Error()))
		return cli.ExitConfig
	}
	defer g.Close()
	if g.Ctx == nil {
		sctx, stop := interruptContext()
		defer stop()
		g.Ctx = sctx
	}
	if err := run(); err != nil {
		if g.Ctx.Err() != nil && errors.Is(err, context.Canceled) {
			// Ctrl-C or SIGTERM ended a wait: say what was interrupted,
			// exit as a shell does after SIGINT (a child's own exit code,
			// from exec or shell, carries no cancellation and passes
			// through).
			fmt.Fprintf(g.Stderr, "atmos-auth: interrupted: %s\n", termsafe.String(cli.FirstLine(err.Error())))
			return cli.ExitInterrupted
		}
		var ee *cli.ExitError
		if !(errors.As(err, &ee) && ee.Err == nil) {
			msg := termsafe.Lines(err.Error())
			if !strings.HasSuffix(msg, "\n") {
				msg += "\n"
			}
			fmt.Fprint(g.Stderr, "atmos-auth: "+msg)
		}
		return cli.CodeOf(err)
	}
	return cli.ExitOK
}

// interruptContext is cancelled by the first SIGINT or SIGTERM, so that
// every wait (a device approval, a lock, the network) ends cleanly; the
// handler is removed then, so a second Ctrl-C kills as usual even if
// something did not listen.
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			signal.Stop(sigs)
			cancel()
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
