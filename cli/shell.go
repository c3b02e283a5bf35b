package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/creack/pty"
	"golang.org/x/term"

	"github.com/atmos-auth/atmos-auth/hooks"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
	"github.com/atmos-auth/atmos-auth/shells"
)

// ShellCmd starts a subshell with an identity's environment: in a PTY when
// stdin is a terminal (raw mode, window resizes, terminal restored on
// exit), plainly otherwise. It exports ATMOS_IDENTITY, ATMOS_SHLVL (1 in
// the first atmos-auth shell, 2 in one started from it, ...) and
// ATMOS_SHELL_STACK ("prod-admin > dev"), and marks the bash, zsh and fish
// prompt with "[prod-admin > dev] ". The shell's exit status is passed
// through.
type ShellCmd struct {
	Shell    string `name:"shell" type:"path" env:"ATMOS_SHELL" placeholder:"PATH" help:"Shell to start (default: $ATMOS_SHELL, else $SHELL, else /bin/sh)."`
	Login    bool   `help:"Authenticate first when nothing valid is cached (may prompt or open a browser)."`
	TagsFlag `embed:""`
	Args     []string `arg:"" optional:"" passthrough:"" help:"Arguments for the shell (after --)."`
}

func (c *ShellCmd) Run(g *Globals) error {
	c.apply(g)
	environ, err := g.identityEnviron(c.Login)
	if err != nil {
		return err
	}
	env := hooks.EnvironMap(environ)
	sh := c.Shell
	if sh == "" {
		sh = g.Getenv("SHELL")
	}
	if sh == "" {
		sh = "/bin/sh"
	}
	path, err := lookPath(sh, env["PATH"])
	if err != nil {
		return err
	}
	id := env["ATMOS_IDENTITY"]
	if Disabled(id) {
		id = ""
	}
	level, _ := strconv.Atoi(env["ATMOS_SHLVL"])
	stack := env["ATMOS_SHELL_STACK"]
	if id != "" {
		if stack != "" {
			stack += " > "
		}
		stack += id
	}
	environ = setEnv(environ, "ATMOS_SHLVL", strconv.Itoa(level+1))
	environ = setEnv(environ, "ATMOS_SHELL_STACK", stack)

	tmp, err := os.MkdirTemp("", "atmos-auth-shell-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	args := c.Args
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	argv, environ, err := promptMarked(path, stack, tmp, environ, env, args)
	if err != nil {
		return err
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env = environ
	in, ok := g.Stdin.(*os.File)
	if !ok || !isTTY(in) {
		return runChild(g, cmd)
	}
	return runPTY(g, in, cmd)
}

func setEnv(environ []string, k, v string) []string {
	out := environ[:0:0]
	for _, kv := range environ {
		if !strings.HasPrefix(kv, k+"=") {
			out = append(out, kv)
		}
	}
	return append(out, k+"="+v)
}

// promptMarked returns the argv and environment that start shell path with
// its prompt prefixed by "[stack] ", after the user's own rc files.
func promptMarked(path, stack, tmp string, environ []string, env map[string]string, args []string) ([]string, []string, error) {
	argv := append([]string{path}, args...)
	d, ok := shells.Detect(path)
	if !ok || stack == "" || len(args) > 0 {
		return argv, environ, nil
	}
	// The stack holds identity names from a repository's atmos.yaml: each
	// prompt language gets them as literal text (PromptLiteral), never as
	// code it expands on every prompt, and with control characters shown,
	// not sent to the terminal.
	marker := "[" + stack + "] "
	home := env["HOME"]
	switch d.Name() {
	case "bash":
		if !isBash(path) {
			return argv, environ, nil // sh, dash, ksh: no --rcfile
		}
		rc := filepath.Join(tmp, "bashrc")
		q := shells.Bash{}.Quote
		body := "[ -f " + q(filepath.Join(home, ".bashrc")) + " ] && . " + q(filepath.Join(home, ".bashrc")) +
			"\nPS1=" + q(shells.Bash{}.PromptLiteral(marker)) + "\"${PS1-\\s-\\v\\$ }\"\n"
		if err := os.WriteFile(rc, []byte(body), 0o600); err != nil {
			return nil, nil, err
		}
		argv = []string{path, "--rcfile", rc}
	case "zsh":
		orig, had := env["ZDOTDIR"]
		if !had {
			orig = home
		}
		q := shells.Zsh{}.Quote
		restore := "unset ZDOTDIR\n"
		if had {
			restore = "ZDOTDIR=" + q(orig) + "\n"
		}
		files := map[string]string{
			".zshenv": "[[ -f " + q(orig+"/.zshenv") + " ]] && ZDOTDIR=" + q(orig) + " source " + q(orig+"/.zshenv") + "\n",
			".zshrc": restore + "[[ -f " + q(orig+"/.zshrc") + " ]] && source " + q(orig+"/.zshrc") + "\n" +
				"PS1=" + q(shells.Zsh{}.PromptLiteral(marker)) + "\"$PS1\"\n",
		}
		for n, b := range files {
			if err := os.WriteFile(filepath.Join(tmp, n), []byte(b), 0o600); err != nil {
				return nil, nil, err
			}
		}
		environ = setEnv(environ, "ZDOTDIR", tmp)
	case "fish":
		q := shells.Fish{}.Quote
		argv = []string{path, "--init-command", "functions -q fish_prompt && functions -c fish_prompt __atmos_auth_orig_prompt; " +
			"function fish_prompt; printf '%s' " + q(termsafe.String(marker)) + "; functions -q __atmos_auth_orig_prompt && __atmos_auth_orig_prompt; end"}
	}
	return argv, environ, nil
}

// isBash reports whether path names bash itself (not sh or another shell
// that speaks its dialect), which alone takes --rcfile.
func isBash(path string) bool {
	return strings.HasPrefix(strings.TrimLeft(filepath.Base(path), "-"), "bash")
}

// runChild runs cmd on our stdio, forwarding signals, and passes its exit
// status through (128+n when a signal n killed it).
func runChild(g *Globals, cmd *exec.Cmd) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = g.Stdin, g.Stdout, g.Stderr
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return &ExitError{Code: 126, Err: fmt.Errorf("start %s: %w", cmd.Path, err)}
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	return exitStatus(err)
}

func exitStatus(err error) error {
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return &ExitError{Code: 128 + int(ws.Signal())}
		}
		return &ExitError{Code: ee.ExitCode()}
	}
	return err
}

// runPTY runs cmd in a new pseudo-terminal bridged to ours: raw mode,
// window size followed, terminal restored however the shell ends.
func runPTY(g *Globals, in *os.File, cmd *exec.Cmd) error {
	// The shell must see the real size from its first read of it: a
	// readline started at the default 80 columns scrolls long prompts.
	size, err := pty.GetsizeFull(in)
	if err != nil {
		size = nil
	}
	ptmx, err := pty.StartWithSize(cmd, size)
	if err != nil {
		return &ExitError{Code: 126, Err: fmt.Errorf("start %s in a pty: %w", cmd.Path, err)}
	}
	defer ptmx.Close()
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, append([]os.Signal{sigwinch}, forwarded...)...)
	defer signal.Stop(sigs)
	if old, err := term.MakeRaw(int(in.Fd())); err == nil {
		defer term.Restore(int(in.Fd()), old)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if s == sigwinch {
					_ = pty.InheritSize(in, ptmx)
				} else {
					_ = cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	go func() { _, _ = io.Copy(ptmx, in) }()
	outDone := make(chan struct{})
	go func() { _, _ = io.Copy(g.Stdout, ptmx); close(outDone) }()
	werr := cmd.Wait()
	close(done)
	select { // a background job may hold the terminal open: don't wait for it
	case <-outDone:
	case <-time.After(time.Second):
	}
	return exitStatus(werr)
}
