package aws

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// The Browser driver (also GoogleApps): the user's installed Chromium,
// Chrome, Edge or Brave opens the provider's url with a profile of its own
// kept per project and provider under the data directory, so the identity
// provider's session cookie spares the next sign-in. The user signs in with
// whatever the IdP asks (password, MFA, passkey). The browser's post of the
// SAMLResponse to AWS's SAML endpoint is intercepted inside the browser
// (DevTools Fetch domain): it never reaches AWS's console sign-in, the
// response is taken from the request, the tab gets a short page saying it
// may be closed, and the browser is closed. Nothing is downloaded.

// EnvSAMLBrowserHeadless runs the browser headless: for tests only (a
// headless browser cannot be signed in to by a person).
const EnvSAMLBrowserHeadless = "ATMOS_AUTH_SAML_BROWSER_HEADLESS"

var errBrowserClosed = errors.New("the browser was closed before the sign-in reached AWS")

func samlBrowser(ctx context.Context, st *auth.Step, p *AWSSAMLProvider) (string, error) {
	headless := truthyEnv(st.Auth.Env(EnvSAMLBrowserHeadless))
	if !st.Auth.AllowDeviceFlow && !headless {
		// No one to sign in (CI, credential-process without a terminal):
		// fail fast as a needed device authorization does.
		hint := st.Auth.NoDeviceFlowHint
		if hint == "" {
			hint = fmt.Sprintf("run `atmos-auth login --provider %s` in a terminal", st.Name())
		}
		return "", fmt.Errorf("provider %s needs a browser sign-in (%w): %s", st.Name(), auth.ErrDeviceFlowNeeded, hint)
	}
	exe, err := p.findBrowser(st)
	if err != nil {
		return "", err
	}
	profile := filepath.Join(st.Auth.Dirs.Data, "saml-browser", auth.ProjectKey(st.Auth.Config), auth.FileName(st.Name()))
	if err := auth.EnsureDir(profile); err != nil {
		return "", fmt.Errorf("browser profile directory: %w", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.WindowSize(1000, 800),
	}
	if headless {
		opts = append(opts, chromedp.Headless, chromedp.DisableGPU, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-dev-shm-usage", true))
	}
	if runtime.GOOS == "linux" && os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	if err := chromedp.Do(bctx); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("start the browser %s: %w", exe, err)
	}
	// Close the browser gracefully (its cookies reach the profile) when
	// done; a browser already gone is no error.
	defer func() { _ = chromedp.Cancel(bctx) }()
	t := chromedp.FromContext(bctx).Target
	testACS := samlTestACS(st.Auth.Env)
	events := cdp.Events(bctx, t, fetch.RequestPaused)
	if _, err := cdp.Call(bctx, t, fetch.Enable, fetch.EnableParams{Patterns: samlPatterns(testACS)}); err != nil {
		return "", fmt.Errorf("browser: %w", err)
	}
	detached, _ := chromedp.Detached(bctx)
	st.Auth.Prompter().Progress(fmt.Sprintf("sign in to %s in the browser window that opened (%s); waiting up to %s", st.Name(), filepath.Base(exe), samlTimeout(st)))
	if _, err := cdp.Call(bctx, t, page.Navigate, page.NavigateParams{URL: p.URL}); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("open %s in the browser: %w", p.URL, err)
	}
	type result struct {
		resp string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			resp, done, err := samlPaused(bctx, t, ev, testACS)
			if done || err != nil {
				got <- result{resp, err}
				return
			}
		}
	}()
	select {
	case r := <-got:
		return r.resp, r.err
	case <-detached:
		return "", errBrowserClosed
	case <-bctx.Done():
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", errBrowserClosed
	}
}

// samlPaused handles one intercepted request: a post to AWS's SAML endpoint
// is answered by us with a "you may close this window" page and gives the
// response; anything else continues.
func samlPaused(ctx context.Context, t *chromedp.Target, ev fetch.EventRequestPaused, testACS string) (string, bool, error) {
	req := ev.Request
	if req == nil || !isAWSSAMLEndpoint(req.URL, testACS) || req.Method != "POST" {
		_, err := cdp.Call(ctx, t, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		return "", false, err
	}
	var body []byte
	for _, e := range req.PostDataEntries {
		body = append(body, e.Bytes...)
	}
	if len(body) == 0 && req.HasPostData && ev.NetworkID != "" {
		if r, err := cdp.Call(ctx, t, network.GetRequestPostData, network.GetRequestPostDataParams{RequestID: ev.NetworkID}); err == nil {
			body = r.PostData
		}
	}
	page := `<!doctype html><meta charset="utf-8"><title>atmos-auth</title><p>atmos-auth received the sign-in. You can close this window.</p>`
	_, _ = cdp.Call(ctx, t, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 200,
		ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}, Body: []byte(page)})
	if len(body) > maxSAMLResponse*2 {
		return "", true, fmt.Errorf("the post to AWS is larger than %d bytes", maxSAMLResponse*2)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("SAMLResponse") == "" {
		return "", true, fmt.Errorf("the identity provider posted to AWS's SAML endpoint without a SAMLResponse")
	}
	return form.Get("SAMLResponse"), true, nil
}

// samlPatterns are the URLs intercepted: AWS's SAML endpoint in every
// partition and region, and the loopback test endpoint.
func samlPatterns(testACS string) []*fetch.RequestPattern {
	var ps []*fetch.RequestPattern
	for _, h := range samlPartitionHosts {
		ps = append(ps, &fetch.RequestPattern{URLPattern: "https://" + h + "/saml*"}, &fetch.RequestPattern{URLPattern: "https://*." + h + "/saml*"})
	}
	if testACS != "" {
		esc := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`).Replace(testACS)
		ps = append(ps, &fetch.RequestPattern{URLPattern: esc + "*"})
	}
	return ps
}

// browserCandidates are the executables searched, by browser_type: names
// on PATH (Linux, BSD) or absolute paths (macOS, Windows).
func browserCandidates(getenv func(string) string) map[string][]string {
	switch runtime.GOOS {
	case "darwin":
		var c = map[string][]string{
			"chrome":   {"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"},
			"chromium": {"/Applications/Chromium.app/Contents/MacOS/Chromium"},
			"msedge":   {"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"},
			"brave":    {"/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"},
		}
		if home := getenv("HOME"); home != "" {
			for k, v := range c {
				c[k] = append(v, filepath.Join(home, v[0]))
			}
		}
		return c
	case "windows":
		c := map[string][]string{}
		for _, root := range []string{getenv("ProgramFiles"), getenv("ProgramFiles(x86)"), getenv("LocalAppData")} {
			if root == "" {
				continue
			}
			c["chrome"] = append(c["chrome"], filepath.Join(root, `Google\Chrome\Application\chrome.exe`))
			c["chromium"] = append(c["chromium"], filepath.Join(root, `Chromium\Application\chrome.exe`))
			c["msedge"] = append(c["msedge"], filepath.Join(root, `Microsoft\Edge\Application\msedge.exe`))
			c["brave"] = append(c["brave"], filepath.Join(root, `BraveSoftware\Brave-Browser\Application\brave.exe`))
		}
		return c
	}
	return map[string][]string{
		"chromium": {"chromium", "chromium-browser", "/snap/bin/chromium"},
		"chrome":   {"google-chrome", "google-chrome-stable"},
		"msedge":   {"microsoft-edge", "microsoft-edge-stable"},
		"brave":    {"brave-browser", "brave"},
	}
}

// findBrowser is browser_executable_path, else the first installed browser
// of browser_type, else of any supported type. An error names what was
// searched and the setting.
func (p *AWSSAMLProvider) findBrowser(st *auth.Step) (string, error) {
	if b := p.BrowserExecutablePath; b != "" {
		// A repository's atmos.yaml names it: never a program inside the
		// repository itself.
		if dir := filepath.Dir(st.Auth.Config.AbsPath); st.Auth.Config.AbsPath != "" {
			if rel, err := filepath.Rel(dir, b); err == nil && !strings.HasPrefix(rel, "..") {
				return "", config.Invalid(fmt.Errorf("browser_executable_path %q is inside the project directory: name the installed browser (outside the repository)", b))
			}
		}
		if fi, err := os.Stat(b); err != nil || !fi.Mode().IsRegular() || (runtime.GOOS != "windows" && fi.Mode()&0o111 == 0) {
			return "", config.Invalid(fmt.Errorf("browser_executable_path %q is not an executable file", b))
		}
		return b, nil
	}
	cands := browserCandidates(st.Auth.Env)
	order := []string{"chrome", "chromium", "msedge", "brave"}
	if bt := strings.ToLower(p.BrowserType); bt != "" {
		if bt == "edge" {
			bt = "msedge"
		}
		order = []string{bt}
	}
	var searched []string
	for _, k := range order {
		for _, c := range cands[k] {
			searched = append(searched, c)
			if path, ok := lookExecutable(c, st.Auth.Env("PATH")); ok {
				return path, nil
			}
		}
	}
	what := "Chrome, Chromium, Edge or Brave"
	if p.BrowserType != "" {
		what = p.BrowserType
	}
	return "", fmt.Errorf("no browser found (%s) for the SAML sign-in; searched %s on PATH and in their usual places: install one, or set browser_executable_path on the provider", what, strings.Join(searched, ", "))
}

// lookExecutable finds name (a bare name on path, or an absolute path).
func lookExecutable(name, path string) (string, bool) {
	ok := func(p string) bool {
		fi, err := os.Stat(p)
		return err == nil && fi.Mode().IsRegular() && (runtime.GOOS == "windows" || fi.Mode()&0o111 != 0)
	}
	if filepath.IsAbs(name) {
		return name, ok(name)
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // never the current (repository) directory
		}
		if p := filepath.Join(dir, name); ok(p) {
			return p, true
		}
	}
	return "", false
}

func truthyEnv(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
