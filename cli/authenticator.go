package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/logfmt"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// The authenticator a Session holds (device flows, UI, logger), and what
// every command that authenticates shares.
//
// Device flows: a needed IAM Identity Center device authorization runs when
// the session is interactive (terminals on stdin and stderr, not CI), or
// when explicitly allowed without one (--device-flow or
// ATMOS_AUTH_DEVICE_FLOW=non-interactive: the code is printed on stderr and
// the command waits for the approval; tests and the demo use this with the
// local cloud's auto-approve). Otherwise it fails fast naming the provider.

// EnvDeviceFlow allows device flows without a terminal when "non-interactive".
const EnvDeviceFlow = "ATMOS_AUTH_DEVICE_FLOW"

// EnvNoBrowser disables opening a browser ("1" or "true").
const EnvNoBrowser = "ATMOS_AUTH_NO_BROWSER"

// EnvMargin overrides the 5-minute renewal margin (a Go duration).
const EnvMargin = "ATMOS_AUTH_REFRESH_MARGIN"

type authOpts struct {
	deviceFlow bool // --device-flow
	noBrowser  bool
	// credentialProcess: interactive means a terminal on stderr only (the
	// SDK runs us with stdout captured).
	credentialProcess bool
}

func (g *Globals) authenticator(cfg *config.Config, dirs config.Dirs, o authOpts) *auth.Authenticator {
	a := &auth.Authenticator{
		Config: cfg, Dirs: dirs, Getenv: g.Getenv, Clock: time.Now,
		OpenLogger:  func() *slog.Logger { return g.logger(cfg) },
		OpenKeyring: func() (keyring.Store, error) { return g.OpenKeyring(cfg) },
	}
	if v := g.Getenv(EnvMargin); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d >= 0 {
			a.Margin = d
		}
	}
	ui := &cliUI{g: g, noBrowser: o.noBrowser || truthy(g.Getenv(EnvNoBrowser)) || g.inCI()}
	interactive := g.interactive()
	if o.credentialProcess {
		errf, ok := g.Stderr.(*os.File)
		interactive = ok && isTTY(errf) && !g.inCI()
		ui.noMFA = !interactive
	}
	explicit := o.deviceFlow || strings.EqualFold(g.Getenv(EnvDeviceFlow), "non-interactive")
	a.AllowDeviceFlow = interactive || explicit
	if !interactive {
		ui.noBrowser = ui.noBrowser || !explicit
	}
	switch {
	case o.credentialProcess:
		a.NoDeviceFlowHint = "run `atmos-auth login -i " + g.Identity + "` in a terminal, then retry"
	case g.inCI():
		a.NoDeviceFlowHint = "CI has no browser: sign in on a workstation, or use a github/oidc provider or an aws/ambient identity in CI (set " + EnvDeviceFlow + "=non-interactive to print the code and wait anyway)"
	default:
		a.NoDeviceFlowHint = "run the login in a terminal, or pass --device-flow (" + EnvDeviceFlow + "=non-interactive) to print the code and wait for its approval"
	}
	a.UI = ui
	return a
}

func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// logger logs to auth.logs.file or stderr at --log-level / auth.logs.level
// (default Warn). Nothing secret is ever passed to it.
func (g *Globals) logger(cfg *config.Config) *slog.Logger {
	if g.log != nil {
		return g.log
	}
	lvl := g.LogLevel
	if lvl == "" {
		lvl = cfg.Logs.Level
	}
	var level slog.Level
	switch strings.ToLower(lvl) {
	case "debug", "trace":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "error":
		level = slog.LevelError
	default:
		level = slog.LevelWarn
	}
	var w io.Writer = g.Stderr
	// cfg.Logs.File was checked at load time (inside the project or the
	// tool's log directories, see config.LoadFile); the open refuses a final
	// symbolic link, anything but a regular file, and extra hard links.
	if cfg.Logs.File != "" {
		f, err := logfmt.OpenFile(cfg.Logs.File)
		if err != nil {
			fmt.Fprintf(g.Stderr, "atmos-auth: cannot open the log file: %v; logging to stderr instead (fix auth.logs.file)\n", err)
		} else {
			w = f
			g.closers = append(g.closers, f)
		}
	}
	g.log = slog.New(logfmt.New(w, level))
	return g.log
}

// Close releases what the command opened once for all its steps (the log
// file); main calls it when the command returns.
func (g *Globals) Close() error {
	var first error
	for _, c := range g.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	g.closers, g.log = nil, nil
	return first
}

// cliUI prints device codes and progress on stderr, opens the browser when
// allowed and reads MFA codes from stdin.
type cliUI struct {
	g         *Globals
	noBrowser bool
	noMFA     bool
	in        *bufio.Reader
}

func (u *cliUI) DeviceAuthorization(provider, uri, complete, code string) {
	// The URL and the code come from the sign-in endpoint (a hostile
	// configuration can choose it): printed inert.
	fmt.Fprintf(u.g.Stderr, "atmos-auth: sign in to %s: open %s and confirm the code %s\n", termsafe.String(provider), termsafe.String(complete), termsafe.String(code))
	if !u.noBrowser {
		if err := browserOpener(complete); err != nil {
			fmt.Fprintf(u.g.Stderr, "atmos-auth: could not open a browser (%v); open the URL above\n", err)
		}
	}
	fmt.Fprintf(u.g.Stderr, "atmos-auth: waiting for the approval…\n")
}

func (u *cliUI) Progress(msg string) {
	fmt.Fprintf(u.g.Stderr, "atmos-auth: %s\n", termsafe.Lines(msg))
}

func (u *cliUI) MFACode(identity, serial string) (string, error) {
	if u.noMFA {
		return "", fmt.Errorf("identity %s needs an MFA code (%s): run `atmos-auth login -i %s` in a terminal", identity, serial, identity)
	}
	if u.in == nil {
		u.in = bufio.NewReader(u.g.Stdin)
	}
	fmt.Fprintf(u.g.Stderr, "MFA code for %s (%s): ", identity, serial)
	line, err := u.in.ReadString('\n')
	line = strings.TrimSpace(line)
	if line == "" {
		if err == nil {
			err = errors.New("empty")
		}
		return "", fmt.Errorf("no MFA code read for %s: %v", identity, err)
	}
	return line, nil
}

// Ask reads a value (a SAML username or password) from stdin, hidden
// when stdin is a terminal and hidden is asked.
func (u *cliUI) Ask(prompt string, hidden bool) (string, error) {
	if u.noMFA {
		return "", fmt.Errorf("%s is needed: run `atmos-auth login -i %s` in a terminal", prompt, u.g.Identity)
	}
	fmt.Fprintf(u.g.Stderr, "%s: ", termsafe.String(prompt))
	if f, ok := u.g.Stdin.(*os.File); ok && hidden && isTTY(f) {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(u.g.Stderr)
		if err != nil {
			return "", fmt.Errorf("%s: %v", prompt, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	if u.in == nil {
		u.in = bufio.NewReader(u.g.Stdin)
	}
	line, err := u.in.ReadString('\n')
	if line = strings.TrimSpace(line); line == "" {
		if err == nil {
			err = errors.New("empty")
		}
		return "", fmt.Errorf("nothing read for %s: %v", prompt, err)
	}
	return line, nil
}

// browserURLOK decides whether a URL received from a sign-in endpoint may
// be handed to the system's URL opener: the endpoint can be named by a
// hostile atmos.yaml, and an opener launches whatever handles a scheme
// (file:, smb:, an application's own scheme) or reads a leading "-" as an
// option. Only https, or http on a loopback host, with a host and no
// blank or control byte, is opened; anything else is only printed.
func browserURLOK(raw string) error {
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return fmt.Errorf("the URL contains a blank or control character")
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	switch {
	case u.Host == "" || u.Opaque != "":
		return fmt.Errorf("the URL has no host")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && config.IsLoopbackHost(u.Hostname()):
		return nil
	}
	return fmt.Errorf("only https (or http on a loopback address) is opened, not %q", u.Scheme+":")
}

// browserOpener is what a device authorization calls to open its URL
// (tests observe the decision through it).
var browserOpener = openBrowser

func openBrowser(url string) error {
	if err := browserURLOK(url); err != nil {
		return err
	}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

// authErr maps authentication errors to exit codes: configuration problems exit 2,
// everything else 1.
func authErr(err error) error {
	if err == nil {
		return nil
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return err
	}
	return &ExitError{Code: ExitFailure, Err: err}
}

// describeExpiry renders "2025-06-01T13:00:00Z (in 59m)".
func describeExpiry(t, now time.Time) string {
	if t.IsZero() {
		return "never (ambient)"
	}
	d := t.Sub(now).Round(time.Minute)
	if d < 0 {
		return t.UTC().Format(time.RFC3339) + " (expired " + span(-d) + " ago)"
	}
	return t.UTC().Format(time.RFC3339) + " (in " + span(d) + ")"
}

// EnvExecutable overrides the path the managed profiles' credential_process
// runs.
const EnvExecutable = "ATMOS_AUTH_EXECUTABLE"

// managedExecutable is the command credential_process runs: the override,
// else the name we were started as, found on PATH without resolving
// symlinks (a package manager's stable link survives upgrades, and a
// multi-call binary keeps its name), else os.Executable.
func (g *Globals) managedExecutable() string {
	if v := g.Getenv(EnvExecutable); v != "" {
		return v
	}
	if a0 := os.Args[0]; a0 != "" {
		if strings.ContainsRune(a0, os.PathSeparator) {
			if abs, err := filepath.Abs(a0); err == nil {
				return abs
			}
		} else if p, err := exec.LookPath(a0); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				return abs
			}
		}
	}
	if p, err := os.Executable(); err == nil {
		return p
	}
	return "atmos-auth"
}
