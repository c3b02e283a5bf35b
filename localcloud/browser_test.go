//go:build linux

package localcloud_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/chromedp/chromedp"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// TestBrowserDeviceFlow has a real browser (headless Debian chromium, driven
// over the DevTools protocol) open the verification link that
// StartDeviceAuthorization returned to the real SDK client, check that the
// page shows the user code, and press Approve or Deny; the client's
// CreateToken polling then gets a token or AccessDeniedException.
func TestBrowserDeviceFlow(t *testing.T) {
	chromium := testenv.RequireFile(t, "/usr/bin/chromium")
	start := time.Now()
	browser := startChromium(t, chromium)

	for _, tc := range []struct {
		button, message, wantErr string
	}{
		{"approve", "Request approved.", ""},
		{"deny", "Request denied.", "AccessDeniedException"},
	} {
		t.Run(tc.button, func(t *testing.T) {
			// No auto-approve: only the browser's click decides. A short
			// poll interval keeps SlowDown enforcement but a quick test.
			srv := localcloud.StartTest(t, localcloud.WithPollInterval(200*time.Millisecond))
			c := newClients(srv.URL())
			reg := register(t, c)
			dev := startDevice(t, c, reg)
			link := aws.ToString(dev.VerificationUriComplete)
			code := aws.ToString(dev.UserCode)
			if !strings.HasPrefix(link, srv.URL()+"/device?user_code=") || code == "" {
				t.Fatalf("device authorization: %q %q", link, code)
			}
			_, err := poll(c, reg, dev)
			wantCode(t, err, "AuthorizationPendingException")

			// A new tab of the shared browser, bounded on its own.
			tab, cancelTab := chromedp.NewContext(browser)
			defer cancelTab()
			tab, cancelTimeout := context.WithTimeout(tab, 30*time.Second)
			defer cancelTimeout()
			if err := chromedp.Do(tab,
				chromedp.Navigate(link),
				chromedp.WaitVisible(chromedp.ID("approve")),
			); err != nil {
				t.Fatalf("loading %s: %v", link, err)
			}
			title, err := chromedp.Run(tab, chromedp.Title())
			if err != nil {
				t.Fatal(err)
			}
			shown, err := chromedp.Run(tab, chromedp.Value(chromedp.ID("user_code")))
			if err != nil {
				t.Fatal(err)
			}
			if shown != code || !strings.Contains(title, "authorize device") {
				t.Fatalf("page %q shows the code %q, want %q", title, shown, code)
			}
			// Click the button (a real mouse event at its position); the form
			// posts to /device/decide and the browser shows the answer.
			if err := chromedp.Do(tab,
				chromedp.Click(chromedp.ID(tc.button)),
				chromedp.WaitVisible(chromedp.ID("message")),
			); err != nil {
				t.Fatalf("pressing %s: %v", tc.button, err)
			}
			message, err := chromedp.Run(tab, chromedp.Text(chromedp.ID("message")))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(message, tc.message) {
				t.Fatalf("after %s the page says %q, want %q", tc.button, message, tc.message)
			}

			tok, err := pollUntilDecided(t, c, reg, dev, 20*time.Second)
			if tc.wantErr != "" {
				wantCode(t, err, tc.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(tok.AccessToken) == "" || aws.ToString(tok.RefreshToken) == "" {
				t.Fatalf("incomplete token: %+v", tok)
			}
			if got := srv.PendingUserCodes(); len(got) != 0 {
				t.Fatalf("still pending after approval: %v", got)
			}
		})
	}
	t.Logf("chromium: both device flows in %v (browser start included)", time.Since(start).Round(time.Millisecond))
}

// pollUntilDecided polls CreateToken as a client would: it waits while the
// authorization is pending (longer after SlowDown) and returns the token or
// the first other error, failing the test at the deadline.
func pollUntilDecided(t *testing.T, c clients, reg *ssooidc.RegisterClientOutput, dev *ssooidc.StartDeviceAuthorizationOutput, limit time.Duration) (*ssooidc.CreateTokenOutput, error) {
	t.Helper()
	interval := 250 * time.Millisecond
	deadline := time.Now().Add(limit)
	for {
		time.Sleep(interval)
		tok, err := poll(c, reg, dev)
		switch errCode(err) {
		case "AuthorizationPendingException":
		case "SlowDownException":
			interval += 250 * time.Millisecond
		default:
			return tok, err
		}
		if time.Now().After(deadline) {
			t.Fatalf("CreateToken still pending after %v", limit)
		}
	}
}

// startChromium starts headless chromium with a private profile and returns
// the browser's context. At cleanup it closes the browser and checks that no
// process of it (the browser, its zygote, renderers…) is left.
func startChromium(t *testing.T, path string) context.Context {
	t.Helper()
	profile := t.TempDir()
	var out syncBuffer
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox, // root in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.CombinedOutput(&out),
	}
	// The whole browser lives at most this long, whatever the tests do.
	bounded, cancelBound := context.WithTimeout(context.Background(), 2*time.Minute)
	alloc, cancelAlloc := chromedp.NewExecAllocator(bounded, opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		running := len(processesUsing(profile))
		cancelBrowser() // closes the browser and waits for it
		cancelAlloc()
		cancelBound()
		if left := waitGone(profile, 5*time.Second); len(left) != 0 {
			for _, pid := range left {
				_ = syscall.Kill(pid, syscall.SIGKILL) // ours: they run our profile
			}
			t.Errorf("chromium processes left after cancel: %v", left)
		} else {
			t.Logf("chromium closed: %d processes with its profile before, none after", running)
		}
		if t.Failed() {
			t.Logf("chromium output:\n%s", out.String())
		}
	})
	// The first action starts the browser, bound to the context it gets (a
	// shorter-lived one would end the browser with it): the 2-minute bound
	// above keeps a hung start from hanging the test.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v\n%s", path, err, out.String())
	}
	if p := chromedp.FromContext(browser).Browser.Process(); p == nil || len(processesUsing(profile)) == 0 {
		t.Fatalf("no chromium process runs with the profile %s", profile)
	}
	return browser
}

// waitGone waits until no process uses the profile and returns those still
// running at the deadline.
func waitGone(profile string, limit time.Duration) []int {
	deadline := time.Now().Add(limit)
	for {
		left := processesUsing(profile)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// processesUsing lists the processes started with --user-data-dir=profile;
// chromium passes it to every child process (zygotes, renderers, GPU and
// utility processes). Those children rewrite their command line into one
// space-separated string, so both separators count.
func processesUsing(profile string) []int {
	want := []byte(" --user-data-dir=" + profile + " ")
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		cmdline = bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})
		if bytes.Contains(append(cmdline, ' '), want) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// syncBuffer collects the browser's output from chromedp's goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
