package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/hooks"
)

// ExecCmd runs a command with an identity's environment. On Unix atmos-auth
// replaces itself with the command (execve): no extra process, signals
// reach the command natively and its exit status is the exit status.
type ExecCmd struct {
	Login    bool `help:"Authenticate first when nothing valid is cached (may prompt or open a browser)."`
	Server   bool `help:"Serve the identity's credentials to the command from 127.0.0.1, renewed while it runs, for runs that outlive them: AWS as an ECS-style credential endpoint, GCP as an external_account token endpoint every Google client library and Terraform read. The command runs as a child."`
	TagsFlag `embed:""`
	Command  []string `arg:"" passthrough:"" help:"The command and its arguments (after --)."`
}

func (c *ExecCmd) Run(g *Globals) error {
	c.apply(g)
	argv := c.Command
	if len(argv) > 0 && argv[0] == "--" {
		argv = argv[1:]
	}
	if len(argv) == 0 {
		return Configf("no command given: atmos-auth exec [-i IDENTITY] -- COMMAND [ARGS...]")
	}
	if c.Server {
		// A token server of the identity's own cloud (GCP), else the
		// ECS-style credential endpoint (AWS) below.
		if err := c.runTokenServed(g, argv); !errors.Is(err, errNoTokenServer) {
			return err
		}
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

// errNoTokenServer: the identity has no token server of its own.
var errNoTokenServer = errors.New("no token server")

// runTokenServed runs the command as a child while the identity's token
// server (auth.TokenServer, GCP) serves it credentials, renewed through
// the cache; errNoTokenServer when the identity has none.
func (c *ExecCmd) runTokenServed(g *Globals, argv []string) error {
	s, chain, ts, err := identityWith[auth.TokenServer](g)
	if errors.Is(err, errNoCapability) {
		return errNoTokenServer
	}
	if err != nil {
		return err
	}
	name := chain[0].Name
	env, err := g.ActiveEnvironment(c.Login)
	if err != nil {
		return err
	}
	if env == nil {
		return Configf("atmos-auth is disabled here: --server has nothing to serve")
	}
	var mu sync.Mutex
	fresh := func(ctx context.Context) (*auth.Credentials, error) {
		mu.Lock()
		defer mu.Unlock()
		res, err := s.Auth.Login(ctx, name)
		if err != nil {
			return nil, err
		}
		return res.Credentials, nil
	}
	vars, stop, err := ts.ServeTokens(&auth.EnvContext{Config: s.Config, Dirs: s.Dirs, Chain: chain, Getenv: g.Getenv}, fresh)
	if err != nil {
		return err
	}
	defer stop()
	for k, v := range vars {
		env.SetVar(k, v)
	}
	env.UnsetVar(hooks.HookIdentityVar)
	environ := env.Apply(os.Environ())
	path, err := lookPath(argv[0], hooks.EnvironMap(environ)["PATH"])
	if err != nil {
		return err
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Env = environ
	return runChild(g, cmd)
}

// identityEnviron returns the process environment with the identity's
// applied, or unchanged when atmos-auth is disabled. The identity is an
// explicit choice (exec and shell are): without the marker of a
// hook-applied identity, the hook in a shell started with it stands aside
// instead of switching by directory (see hooks.HookIdentityVar), and
// without the hook's exported state it does not take the parent's
// directory identity for its own (see hooks.LoadedVar).
func (g *Globals) identityEnviron(login bool) ([]string, error) {
	env, err := g.ActiveEnvironment(login)
	if err != nil || env == nil {
		return os.Environ(), err
	}
	env.UnsetVar(hooks.HookIdentityVar)
	env.UnsetVar(hooks.LoadedVar)
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
