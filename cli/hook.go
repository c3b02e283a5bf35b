package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/hooks"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
	"github.com/atmos-auth/atmos-auth/shells"
)

// HookCmd prints the code a user evals in their rc file, e.g.
// eval "$(atmos-auth hook zsh)".
type HookCmd struct {
	Shell string `arg:"" optional:"" help:"Shell: bash, zsh, fish, pwsh, tcsh, elvish, nu (default: from $SHELL)."`
}

// Help is the detailed help of `hook`: how each shell loads it.
func (c *HookCmd) Help() string {
	return `Add one line to your shell's rc file:

  bash    ~/.bashrc        eval "$(atmos-auth hook bash)"
  zsh     ~/.zshrc         eval "$(atmos-auth hook zsh)"
  fish    config.fish      atmos-auth hook fish | source
  tcsh    ~/.tcshrc        eval "` + "`atmos-auth hook tcsh`" + `"
  elvish  rc.elv           eval (atmos-auth hook elvish | slurp)
  nu      config.nu        source ~/.atmos-auth.nu
          (after: atmos-auth hook nu | save -f ~/.atmos-auth.nu; nu cannot eval)
  pwsh    $PROFILE         atmos-auth hook pwsh | Out-String | Invoke-Expression

On each prompt the shell checks with builtins whether the directory's
identity file, its content or its trust changed, and only then runs
atmos-auth. The tcsh hook keeps its per-prompt script in
$XDG_DATA_HOME/atmos/hook/.`
}

func (c *HookCmd) Run(g *Globals) error {
	name := c.Shell
	if name == "" {
		d, ok := shells.Detect(g.Getenv("SHELL"))
		if !ok {
			return Configf("cannot tell the shell from $SHELL=%q; name it: atmos-auth hook %s", g.Getenv("SHELL"), strings.Join(hookShells(), "|"))
		}
		name = d.Name()
	}
	d, ok := shells.Detect(name)
	if !ok {
		return Configf("unknown shell %q: choose one of %s", name, strings.Join(hookShells(), ", "))
	}
	h, ok := d.(shells.Hooker)
	if !ok {
		return Configf("no prompt hook for %s (hooks exist for %s); use `atmos-auth env --format %s` or `atmos-auth shell`", d.Name(), strings.Join(hookShells(), ", "), d.Name())
	}
	code := h.Hook(g.managedExecutable(), hooks.FileName)
	if sh, ok := h.(shells.ScriptHooker); ok {
		script, err := writeHookScript(config.ResolveDirs(g.Getenv).Data, d.Name(), code)
		if err != nil {
			return fmt.Errorf("hook %s: %w", d.Name(), err)
		}
		code = sh.Install(script)
	}
	_, err := fmt.Fprint(g.Stdout, code)
	return err
}

// writeHookScript saves a hook's per-prompt code as
// DATA/hook/atmos-auth-precmd-HASH.SHELL (named by its content, so shells
// started from older rc code keep theirs) and returns the path. It lives
// with the trust database, not in the cache, because shells source it on
// every prompt.
func writeHookScript(data, shell, code string) (string, error) {
	sum := sha256.Sum256([]byte(code))
	dir := filepath.Join(data, "hook")
	path := filepath.Join(dir, shells.TcshScriptMark+"-"+hex.EncodeToString(sum[:6])+"."+shell)
	if b, err := os.ReadFile(path); err == nil && string(b) == code {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return path, fsutil.WriteFileAtomic(path, []byte(code))
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
	dirs := config.ResolveDirs(g.Getenv)
	trust := hooks.NewTrust(dirs.Data)
	pwd, err := hooks.LogicalPWD(g.Getenv)
	if err != nil {
		fmt.Fprintln(g.Stderr, "atmos-auth: hook:", termsafe.String(err.Error()))
		return nil
	}
	var sess *Session // the session that resolved the identity applied
	var sessName string
	procEnv := hooks.EnvironMap(os.Environ())
	delete(procEnv, "_ATMOS_AUTH_STATE")
	delete(procEnv, "_ATMOS_AUTH_RECHECK")
	in := hooks.Input{
		Environ:  procEnv,
		State:    g.Getenv("_ATMOS_AUTH_STATE"),
		PWD:      pwd,
		Trust:    trust,
		Config:   hookConfig,
		Resolve:  g.hookResolver(g.Context(), func(s *Session, name string) { sess, sessName = s, name }),
		Disabled: Disabled,
	}
	res := hooks.Run(in)
	now := time.Now()
	// A recheck (tcsh: the file was modified within the second of the
	// last run, so its mtime cannot tell) has shown a pending file's
	// message already.
	recheck := g.Getenv("_ATMOS_AUTH_RECHECK") == "1" && res.Status == "pending"
	if res.Message != "" && !recheck {
		fmt.Fprintln(g.Stderr, termsafe.String(res.Message))
	}
	vars := shells.HookVars{State: res.State.Encode(), File: res.File, TrustDir: trust.AllowDir()}
	if w := res.Watch; w != nil {
		vars.Watch = &shells.HookWatch{ModTime: w.ModTime.Unix(), Size: w.Size, Recent: w.Recent, Content: w.Content,
			Allow: w.Allow, Deny: w.Deny, Allowed: w.Allowed, Denied: w.Denied}
	}
	if sid := c.SID; sid != "" && validSID(sid) {
		if res.File != "" {
			// The shell compares the allow directory with its stamp: it
			// must exist for the first `allow` to show (best effort: when
			// it cannot be made, the stamp is removed as before).
			_ = trust.EnsureAllowDir()
		}
		vars.StampDir = filepath.Join(dirs.Cache, "hook", sid)
		if err := writeStamps(vars.StampDir, res.File, vars.TrustDir, now); err != nil {
			fmt.Fprintln(g.Stderr, "atmos-auth: hook:", termsafe.String(err.Error()))
			vars.StampDir = ""
		}
	}
	out, err := shells.HookOutput(d, h, res.Diff, vars)
	if err != nil {
		// The shell cannot hold this identity's environment: nothing of
		// it is applied, and the previous identity is removed as after
		// any failure, so the prompt and the state never claim an
		// identity the shell does not have.
		in.Resolve = func(*hooks.IdentityFile, func(string) string) (*environ.Environment, error) { return nil, err }
		res = hooks.Run(in)
		fmt.Fprintln(g.Stderr, res.Message)
		vars.State = res.State.Encode()
		if out, err = shells.HookOutput(d, h, res.Diff, vars); err != nil {
			fmt.Fprintln(g.Stderr, "atmos-auth: hook:", termsafe.String(FirstLine(err.Error())))
			// Change nothing rather than half an identity.
			out, _ = shells.HookOutput(d, h, nil, vars)
		}
	}
	// Like direnv's loading line: which identity the shell now has (after
	// any fallback above), unless ATMOS_AUTH_HOOK_QUIET is set.
	if q := g.Getenv("ATMOS_AUTH_HOOK_QUIET"); q == "" || Disabled(q) {
		from, to := res.Previous, res.State.Identity
		switch {
		case to != "" && to != from:
			fmt.Fprintln(g.Stderr, termsafe.String(switchLine(sess, sessName, to, now)))
		case to == "" && from != "":
			fmt.Fprintln(g.Stderr, termsafe.String("atmos-auth: left "+from))
		}
	}
	if fa, ok := h.(shells.FileApplier); ok && vars.StampDir != "" {
		// The shell cannot read every value from our stdout: hand it a file.
		p := filepath.Join(vars.StampDir, "apply."+d.Name())
		if err := fsutil.WriteFileAtomic(p, []byte(out)); err != nil {
			fmt.Fprintln(g.Stderr, "atmos-auth: hook:", termsafe.String(err.Error()))
		} else {
			out = fa.Source(p)
		}
	}
	_, err = fmt.Fprint(g.Stdout, out)
	return err
}

// switchLine is the line the hook prints when it applies identity, e.g.
// "atmos-auth: prod-admin (999999999999, expires in 54m)": the account and
// expiry of its cached credentials (one cache file: no keyring, no
// network), "not logged in" when none are cached.
func switchLine(s *Session, name, identity string, now time.Time) string {
	line := "atmos-auth: " + identity
	if s == nil || name != identity {
		return line
	}
	c, _, err := s.Auth.Cached(name)
	if err != nil || c == nil {
		return line + " (not logged in)"
	}
	var parts []string
	if c.Account != "" {
		parts = append(parts, c.Account)
	}
	if !c.Expiration.IsZero() {
		if left := c.Expiration.Sub(now); left > 0 {
			parts = append(parts, "expires in "+shortDuration(left))
		} else {
			parts = append(parts, "expired")
		}
	}
	if len(parts) == 0 {
		return line
	}
	return line + " (" + strings.Join(parts, ", ") + ")"
}

func writeStamps(dir, file, trustDir string, now time.Time) error {
	if err := hooks.OpenStampDir(dir, now); err != nil {
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

// FirstLine is s up to its first line break.
func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// hookResolver computes an identity file's environment from the
// environment as it is without the previous identity: profiles come from
// the file and that base environment, the configuration is f.Config (see
// identityConfig), not the flags kong folded in from the current one. It
// never logs in. resolved is told the session and identity it used.
func (g *Globals) hookResolver(ctx context.Context, resolved func(*Session, string)) hooks.Resolver {
	return func(f *hooks.IdentityFile, base func(string) string) (*environ.Environment, error) {
		if Disabled(base("ATMOS_IDENTITY")) {
			return nil, hooks.ErrDisabled
		}
		if f.Config == "" {
			// Never the search from the working directory: that would
			// make the outcome depend on where the shell is.
			return nil, config.ErrNoConfig
		}
		h := *g
		h.Getenv = base
		h.Stdin = strings.NewReader("") // never a selector
		h.Identity = f.Identity
		h.Config = f.Config
		h.Profile = f.Profiles
		if len(h.Profile) == 0 {
			if p := base("ATMOS_PROFILE"); p != "" {
				h.Profile = strings.Split(p, ",")
			}
		}
		h.sess = nil // the file's own configuration
		s, err := h.session(authOpts{})
		if err != nil {
			return nil, err
		}
		name, err := h.ResolveIdentity(s.Config)
		if err != nil {
			return nil, err
		}
		resolved(s, name)
		return s.Environment(name, false)
	}
}

// hookConfig locates the configuration of an identity file for the hook:
// ATMOS_CLI_CONFIG_PATH of the environment without the previous identity,
// else the search from the file's directory.
func hookConfig(file string, base func(string) string) string {
	return identityConfig(file, base("ATMOS_CLI_CONFIG_PATH"), base)
}

// identityConfig returns the absolute path of the atmos.yaml an identity
// file is applied with, "" when there is none: the explicit one (--config,
// ATMOS_CLI_CONFIG_PATH) when set, else the nearest atmos.yaml walking up
// from the identity file's directory — never from the working directory,
// so that `cd mono/sub; cd ..` and `cd mono` give the same account — and
// then the user's own ($XDG_CONFIG_HOME/atmos, ~/.atmos). The trust of the
// file is bound to this path (hooks.Subject.Config).
func identityConfig(file, explicit string, getenv func(string) string) string {
	dir := filepath.Dir(file)
	if explicit != "" {
		abs, err := filepath.Abs(explicit)
		if err != nil {
			return ""
		}
		explicit = abs
	}
	p, _, err := config.FindConfig(config.LoadOptions{ConfigPath: explicit, Cwd: dir, Getenv: getenv})
	if err != nil {
		return ""
	}
	if !filepath.IsAbs(p) {
		// FindConfig shortens paths below Cwd for messages.
		p = filepath.Join(dir, p)
	}
	return filepath.Clean(p)
}
