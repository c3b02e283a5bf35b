package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// ConsoleCmd opens the cloud's web console signed in as the identity. The
// sign-in URL is a bearer secret for 15 minutes: it is opened through a
// one-shot redirect on 127.0.0.1 (the browser's command line holds only
// that address, spent on first use), printed only when asked.
type ConsoleCmd struct {
	Destination string        `name:"destination" placeholder:"URL|ALIAS" help:"Console page: a service alias (s3, ec2, iam, lambda, eks, …) or a console URL."`
	Duration    time.Duration `name:"duration" placeholder:"D" help:"Console session length (15m to 12h; default: console.session_duration, else the cloud's)."`
	PrintOnly   bool          `name:"print-only" help:"Print the sign-in URL on stdout and open nothing (it signs in anyone for 15 minutes)."`
	NoOpen      bool          `name:"no-open" help:"Do not open a browser: show the sign-in URL on stderr."`
	Isolated    bool          `name:"isolated" help:"Open a browser profile of the identity's own (Chromium-family --user-data-dir), so several accounts can be open side by side."`
}

// consoleRedirectWait bounds how long the one-shot redirect waits for the
// browser.
const consoleRedirectWait = 2 * time.Minute

func (c *ConsoleCmd) Run(g *Globals) error {
	s, chain, con, err := identityWith[auth.Console](g)
	if errors.Is(err, errNoCapability) {
		return Configf("identity %q (%s) has no web console sign-in", chain[0].Name, chain[0].Kind)
	}
	if err != nil {
		return err
	}
	name := chain[0].Name
	res, err := s.Auth.Login(s.Ctx(), name)
	if err != nil {
		return authErr(err)
	}
	step, err := s.Auth.StepOf(name)
	if err != nil {
		return ConfigErr(err)
	}
	link, err := con.ConsoleURL(s.Ctx(), step, res.Credentials, auth.ConsoleOptions{Destination: c.Destination, Duration: c.Duration})
	if err != nil {
		return configErr(authErr(err))
	}
	for _, n := range link.Notes {
		fmt.Fprintf(g.Stderr, "atmos-auth: note: %s\n", termsafe.String(n))
	}
	if c.PrintOnly {
		_, err := fmt.Fprintln(g.Stdout, link.URL)
		return err
	}
	if c.NoOpen {
		fmt.Fprintf(g.Stderr, "atmos-auth: console sign-in URL for %s (valid until %s; anyone with it signs in):\n%s\n",
			termsafe.String(name), link.Expires.UTC().Format(time.RFC3339), termsafe.String(link.URL))
		return nil
	}
	profile := ""
	if c.Isolated {
		profile = filepath.Join(s.Dirs.Data, "console", auth.ProjectKey(s.Config), auth.FileName(name))
		if err := auth.EnsureDir(profile); err != nil {
			return err
		}
	}
	if err := openConsole(s.Ctx(), g.Getenv, link.URL, profile); err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("cannot open the console for %s: %v (use --no-open to show the URL)", name, err)}
	}
	fmt.Fprintf(g.Stderr, "atmos-auth: opened the console for %s\n", termsafe.String(name))
	return nil
}

// openConsole serves a one-shot redirect to target on 127.0.0.1, starts the
// browser on it, and waits (bounded) until the browser followed it.
func openConsole(ctx context.Context, getenv func(string) string, target, profile string) error {
	if err := browserURLOK(target); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	path := "/" + hex.EncodeToString(secret)
	hit := make(chan struct{})
	var mu sync.Mutex
	spent := false
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		first := !spent
		spent = true
		mu.Unlock()
		if !first {
			http.Error(w, "this sign-in link was already used", http.StatusGone)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		http.Redirect(w, r, target, http.StatusFound)
		close(hit)
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	local := "http://" + ln.Addr().String() + path
	if err := startBrowser(getenv, local, profile); err != nil {
		return err
	}
	t := time.NewTimer(consoleRedirectWait)
	defer t.Stop()
	select {
	case <-hit:
		// Let the redirect response reach the browser before closing.
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return errors.New("the browser did not open the sign-in link within 2 minutes")
	}
}

// chromiumFamily are the browsers that take --user-data-dir.
var chromiumFamily = []string{"google-chrome", "google-chrome-stable", "chromium", "chromium-browser", "brave-browser", "microsoft-edge", "microsoft-edge-stable", "vivaldi"}

var macChromium = []string{
	"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
	"/Applications/Chromium.app/Contents/MacOS/Chromium",
	"/Applications/Brave Browser.app/Contents/MacOS/Brave Browser",
	"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
}

// startBrowser opens url: with a profile directory, a Chromium-family
// browser ($BROWSER when it is one, else the first found); otherwise
// $BROWSER, else the system's opener.
func startBrowser(getenv func(string) string, url, profile string) error {
	var cmd *exec.Cmd
	b := getenv("BROWSER")
	switch {
	case profile != "":
		bin := ""
		if b != "" && isChromium(b) {
			bin = b
		}
		for _, n := range chromiumFamily {
			if bin != "" {
				break
			}
			if p, err := exec.LookPath(n); err == nil {
				bin = p
			}
		}
		if bin == "" && runtime.GOOS == "darwin" {
			for _, p := range macChromium {
				if _, err := os.Stat(p); err == nil {
					bin = p
					break
				}
			}
		}
		if bin == "" {
			return errors.New("--isolated needs a Chromium-family browser (Chrome, Chromium, Brave, Edge); set BROWSER to one")
		}
		cmd = exec.Command(bin, "--user-data-dir="+profile, "--no-first-run", "--new-window", url)
	case b != "":
		cmd = exec.Command(b, url)
	default:
		return openBrowser(url)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

func isChromium(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	for _, n := range append(chromiumFamily, "chrome", "brave", "msedge") {
		if strings.HasPrefix(base, n) {
			return true
		}
	}
	return strings.Contains(strings.ToLower(path), "chrom")
}
