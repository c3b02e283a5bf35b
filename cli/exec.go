package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/atmos-auth/atmos-auth/hooks"
)

// ExecCmd runs a command with an identity's environment. On Unix atmos-auth
// replaces itself with the command (execve): no extra process, signals
// reach the command natively and its exit status is the exit status.
type ExecCmd struct {
	Login   bool     `help:"Authenticate first when nothing valid is cached (may prompt or open a browser)."`
	Server  bool     `help:"Serve the identity's credentials to the command from 127.0.0.1 (ECS-style endpoint, renewed before expiry) for runs that outlive them."`
	Command []string `arg:"" passthrough:"" help:"The command and its arguments (after --)."`
}

func (c *ExecCmd) Run(g *Globals) error {
	argv := c.Command
	if len(argv) > 0 && argv[0] == "--" {
		argv = argv[1:]
	}
	if len(argv) == 0 {
		return Configf("no command given: atmos-auth exec [-i IDENTITY] -- COMMAND [ARGS...]")
	}
	environ, err := g.identityEnviron(c.Login)
	if err != nil {
		return err
	}
	path, err := lookPath(argv[0], hooks.EnvironMap(environ)["PATH"])
	if err != nil {
		return err
	}
	if c.Server {
		return runServed(g, path, argv, environ)
	}
	return execve(g, path, argv, environ)
}

// identityEnviron returns the process environment with the identity's
// applied, or unchanged when atmos-auth is disabled. The identity is an
// explicit choice (exec and shell are): without the marker of a
// hook-applied identity, the hook in a shell started with it stands aside
// instead of switching by directory (see hooks.HookIdentityVar).
func (g *Globals) identityEnviron(login bool) ([]string, error) {
	env, err := g.ActiveEnvironment(login)
	if err != nil || env == nil {
		return os.Environ(), err
	}
	env.UnsetVar(hooks.HookIdentityVar)
	return env.Apply(os.Environ()), nil
}

// lookPath finds name like a shell does, in pathVar: exit 127 when it does
// not exist, 126 when it exists but cannot be executed.
func lookPath(name, pathVar string) (string, error) {
	check := func(p string) (bool, error) {
		st, err := os.Stat(p)
		if err != nil {
			return false, nil
		}
		if st.IsDir() || st.Mode()&0o111 == 0 {
			return true, &ExitError{Code: 126, Err: fmt.Errorf("%s: permission denied (not an executable file)", p)}
		}
		return true, nil
	}
	if strings.Contains(name, "/") {
		found, err := check(name)
		if !found {
			return "", &ExitError{Code: ExitNotFound, Err: fmt.Errorf("%s: no such file", name)}
		}
		return name, err
	}
	var denied error
	for _, dir := range filepath.SplitList(pathVar) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		found, err := check(p)
		if found && err == nil {
			return p, nil
		}
		if found && denied == nil {
			denied = err
		}
	}
	if denied != nil {
		return "", denied
	}
	return "", &ExitError{Code: ExitNotFound, Err: fmt.Errorf("%s: command not found", name)}
}
