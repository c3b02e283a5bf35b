package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/atmos-auth/atmos-auth/engine"
	"github.com/atmos-auth/atmos-auth/hooks"
	"github.com/atmos-auth/atmos-auth/shells"
)

// HookCmd prints the code a user evals in their rc file, e.g.
// eval "$(atmos-auth hook zsh)".
type HookCmd struct {
	Shell string `arg:"" optional:"" help:"Shell: bash, zsh, fish, pwsh (default: from $SHELL)."`
}

func (c *HookCmd) Run(g *Globals) error {
	name := c.Shell
	if name == "" {
		d, ok := shells.Detect(g.Getenv("SHELL"))
		if !ok {
			return Configf("cannot tell the shell from $SHELL=%q; name it: atmos-auth hook bash|zsh|fish|pwsh", g.Getenv("SHELL"))
		}
		name = d.Name()
	}
	d, ok := shells.Detect(name)
	if !ok {
		return Configf("unknown shell %q: choose one of %s", name, strings.Join(hookShells(), ", "))
	}
	h, ok := d.(shells.Hooker)
	if !ok {
		return Configf("no prompt hook for %s yet (hooks exist for %s); use `atmos-auth env --format %s` or `atmos-auth shell`", d.Name(), strings.Join(hookShells(), ", "), d.Name())
	}
	_, err := fmt.Fprint(g.Stdout, h.Hook(g.managedExecutable(), hooks.FileName))
	return err
}

func hookShells() []string {
	var out []string
	for _, n := range shells.Names() {
		if _, ok := shells.Registry[n].(shells.Hooker); ok {
			out = append(out, n)
		}
	}
	return out
}

// HookApplyCmd is the hook's per-change entry point (hidden): the shell runs
// it only when the directory's identity file, its content or its trust may
// have changed. It never fails the prompt: problems are one line on stderr.
type HookApplyCmd struct {
	Shell string `arg:"" help:"Shell dialect."`
	SID   string `arg:"" optional:"" help:"The shell session's id (names its stamp directory)."`
}

func (c *HookApplyCmd) Run(g *Globals) error {
	d, ok := shells.Detect(c.Shell)
	if !ok {
		return Configf("unknown shell %q", c.Shell)
	}
	h, ok := d.(shells.Hooker)
	if !ok {
		return Configf("no prompt hook for %s", d.Name())
	}
	dirs := engine.ResolveDirs(g.Getenv)
	trust := hooks.NewTrust(dirs.Data)
	pwd, err := hooks.LogicalPWD(g.Getenv)
	if err != nil {
		fmt.Fprintln(g.Stderr, "atmos-auth: hook:", err)
		return nil
	}
	environ := hooks.EnvironMap(os.Environ())
	delete(environ, "_ATMOS_AUTH_STATE")
	res := hooks.Run(hooks.Input{
		Environ: environ,
		State:   g.Getenv("_ATMOS_AUTH_STATE"),
		PWD:     pwd,
		Trust:   trust,
		Resolve: g.hookResolver(context.Background()),
	})
	if res.Message != "" {
		fmt.Fprintln(g.Stderr, res.Message)
	}
	code, err := shells.Render(d, res.Diff)
	if err != nil {
		fmt.Fprintln(g.Stderr, "atmos-auth: hook:", firstLine(err.Error()))
		// Restore only: never leave half an identity.
		code = ""
	}
	vars := shells.HookVars{State: res.State.Encode(), File: res.File, TrustDir: trust.AllowDir()}
	if sid := c.SID; sid != "" && validSID(sid) {
		vars.StampDir = filepath.Join(dirs.Cache, "hook", sid)
		if err := writeStamps(vars.StampDir, res.File, vars.TrustDir); err != nil {
			fmt.Fprintln(g.Stderr, "atmos-auth: hook:", err)
		}
	}
	_, err = fmt.Fprint(g.Stdout, code+h.HookVars(vars))
	return err
}

func writeStamps(dir, file, trustDir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if file != "" {
		if err := hooks.Stamp(file, filepath.Join(dir, "f")); err != nil {
			return err
		}
	}
	return hooks.Stamp(trustDir, filepath.Join(dir, "t"))
}

func validSID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return s != "" && s[0] != '.' && len(s) < 100
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// hookResolver computes an identity file's environment from the
// environment as it is without the previous identity: profiles and the
// config path come from the file and that base environment, not from the
// flags kong folded in from the current one. It never logs in.
func (g *Globals) hookResolver(ctx context.Context) hooks.Resolver {
	return func(f *hooks.IdentityFile, base func(string) string) (*engine.Environment, error) {
		if Disabled(base("ATMOS_IDENTITY")) {
			return nil, hooks.ErrDisabled
		}
		h := *g
		h.Getenv = base
		h.Stdin = strings.NewReader("") // never a selector
		h.Identity = f.Identity
		h.Config = base("ATMOS_CLI_CONFIG_PATH")
		h.Profile = f.Profiles
		if len(h.Profile) == 0 {
			if p := base("ATMOS_PROFILE"); p != "" {
				h.Profile = strings.Split(p, ",")
			}
		}
		cfg, err := h.LoadValidConfig()
		if err != nil {
			return nil, err
		}
		name, err := h.ResolveIdentity(cfg)
		if err != nil {
			return nil, err
		}
		return h.IdentityEnv(ctx, cfg, name, false)
	}
}
