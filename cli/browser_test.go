//go:build linux

package cli

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// Linux only: openBrowser runs xdg-open there (open on macOS, rundll32 on
// Windows).
//
// When login opens the browser for a device sign-in: the real login command
// (LoginCmd.Run → engine → cliUI → openBrowser → exec of xdg-open) runs
// against the local cloud, with a fake xdg-open first on PATH that records
// its arguments. When the browser should open, that fake is the only thing
// that approves the device (it posts the approval form with curl, as the
// user's click would), so a login that succeeds proves it got the complete
// verification URL. When it should not open, the local cloud approves by
// itself and the record must stay empty. The URL and the code are on stderr
// in every case that starts a device flow.
//
// The decision itself is observed too: the device authorization hands its
// URL to browserOpener synchronously, before the login can return, so when
// the login has returned the test knows every call there will ever be —
// no waiting for a wrongly started opener that might still show up.

const browserTestConfig = `auth:
  providers:
    company-sso:
      kind: aws/iam-identity-center
      region: us-east-1
      start_url: https://company.awsapps.com/start
  identities:
    dev-admin:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal:
        name: AdminAccess
        account: {name: development}
`

var deviceLine = regexp.MustCompile(`sign in to company-sso: open (\S+/device\?user_code=([A-Z]{4}-[A-Z]{4})) and confirm the code ([A-Z]{4}-[A-Z]{4})`)

func TestLoginOpensBrowserPolicy(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh for the fake xdg-open")
	}
	testenv.RequireTool(t, "curl")

	for _, tc := range []struct {
		name       string
		tty        bool // stdin and stderr on a pseudo-terminal
		env        map[string]string
		cmd        LoginCmd
		wantOpen   bool
		wantDevice bool   // a device flow starts (URL and code on stderr)
		wantErr    string // login fails with this (no device flow)
	}{
		{name: "terminal", tty: true, wantOpen: true, wantDevice: true},
		{name: "device-flow flag, no terminal", cmd: LoginCmd{DeviceFlow: true}, wantOpen: true, wantDevice: true},
		{name: "device-flow env, no terminal", env: map[string]string{EnvDeviceFlow: "non-interactive"}, wantOpen: true, wantDevice: true},
		{name: "CI with device-flow flag", env: map[string]string{"CI": "true"}, cmd: LoginCmd{DeviceFlow: true}, wantDevice: true},
		{name: "CI on a terminal with device-flow env", tty: true, env: map[string]string{"CI": "true", EnvDeviceFlow: "non-interactive"}, wantDevice: true},
		{name: "terminal, --no-browser", tty: true, cmd: LoginCmd{NoBrowser: true}, wantDevice: true},
		{name: "terminal, ATMOS_AUTH_NO_BROWSER=1", tty: true, env: map[string]string{EnvNoBrowser: "1"}, wantDevice: true},
		{name: "device-flow flag, --no-browser", cmd: LoginCmd{DeviceFlow: true, NoBrowser: true}, wantDevice: true},
		{name: "device-flow flag, ATMOS_AUTH_NO_BROWSER=true", env: map[string]string{EnvNoBrowser: "true"}, cmd: LoginCmd{DeviceFlow: true}, wantDevice: true},
		{name: "CI on a terminal, no opt-in", tty: true, env: map[string]string{"CI": "true"}, wantErr: "CI has no browser"},
		{name: "no terminal, no opt-in", wantErr: "run the login in a terminal, or pass --device-flow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := []localcloud.Option{
				localcloud.WithPollInterval(500 * time.Millisecond),
				// A broken approval ends the login instead of hanging it.
				localcloud.WithDeviceCodeExpiry(30 * time.Second),
			}
			if !tc.wantOpen {
				// Nobody else approves: the local cloud does, at once.
				opts = append(opts, localcloud.WithAutoApprove(0))
			}
			srv := localcloud.StartTest(t, opts...)
			record := fakeOpener(t)
			decided := observeOpener(t)

			stderr, stdout, err := runBrowserLogin(t, srv.URL(), tc.tty, tc.env, tc.cmd)
			// The login has returned: every hand-over to the opener
			// happened before, and a started opener that approved the
			// login has recorded its call.
			opened := decided()
			calls := readRecord(t, record)

			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("login: want error %q, got %v\nstderr:\n%s", tc.wantErr, err, stderr)
				}
				if n := srv.Calls("StartDeviceAuthorization"); n != 0 || deviceLine.MatchString(stderr) {
					t.Fatalf("a device flow started (%d) without an opt-in:\n%s", n, stderr)
				}
				if len(calls) != 0 {
					t.Fatalf("xdg-open called without a device flow: %q", calls)
				}
				if len(opened) != 0 {
					t.Fatalf("the opener was handed %q without a device flow", opened)
				}
				return
			}
			if err != nil {
				t.Fatalf("login: %v\nstderr:\n%s\nxdg-open calls: %q", err, stderr, calls)
			}
			if !strings.Contains(stdout, "identity: dev-admin") || !strings.Contains(stdout, "account: 222222222222") {
				t.Fatalf("login output:\n%s", stdout)
			}
			m := deviceLine.FindStringSubmatch(stderr)
			if m == nil {
				t.Fatalf("no verification URL and code on stderr:\n%s", stderr)
			}
			url, code := m[1], m[3]
			if m[2] != code || url != srv.URL()+"/device?user_code="+code {
				t.Fatalf("stderr URL %s and code %s do not match the local cloud %s", url, code, srv.URL())
			}
			if n := srv.Calls("StartDeviceAuthorization"); n != 1 {
				t.Fatalf("StartDeviceAuthorization called %d times", n)
			}
			if tc.wantOpen {
				if len(calls) != 1 || calls[0] != "1 "+url {
					t.Fatalf("xdg-open calls %q, want exactly one with the single argument %s", calls, url)
				}
				if len(opened) != 1 || opened[0] != url {
					t.Fatalf("the opener was handed %q, want exactly %s", opened, url)
				}
				if strings.Contains(stderr, "could not open a browser") {
					t.Fatalf("stderr reports a failed opener:\n%s", stderr)
				}
			} else if len(calls) != 0 || len(opened) != 0 {
				t.Fatalf("xdg-open called %q, the opener handed %q, want no call", calls, opened)
			}
		})
	}
}

// fakeOpener puts an xdg-open first on PATH that appends "<argc> <args>" to
// the returned file, then approves the device code of the URL it got by
// posting the approval page's form, as a click on Approve does.
func fakeOpener(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	record := filepath.Join(dir, "xdg-open.calls")
	script := `#!/bin/sh
printf '%s %s\n' "$#" "$*" >> '` + record + `'
case "$1" in
*/device\?user_code=*) ;;
*) echo "unexpected URL: $1" >> '` + record + `.err'; exit 1 ;;
esac
base=${1%%/device\?*}
code=${1#*user_code=}
curl -fsS -o /dev/null --max-time 10 --data-urlencode "user_code=$code" --data action=approve "$base/device/decide" 2>> '` + record + `.err'
`
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	// openBrowser runs xdg-open through the process's PATH.
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return record
}

// observeOpener records every URL a device authorization hands to the
// opener (then opens it as usual) and returns the record's reader.
func observeOpener(t *testing.T) func() []string {
	t.Helper()
	var mu sync.Mutex
	var urls []string
	prev := browserOpener
	browserOpener = func(u string) error {
		mu.Lock()
		urls = append(urls, u)
		mu.Unlock()
		return prev(u)
	}
	t.Cleanup(func() { browserOpener = prev })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), urls...)
	}
}

// readRecord returns the recorded xdg-open calls.
func readRecord(t *testing.T, record string) []string {
	t.Helper()
	if b, err := os.ReadFile(record + ".err"); err == nil && len(b) > 0 {
		t.Errorf("fake xdg-open failed: %s", b)
	}
	b, err := os.ReadFile(record)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// runBrowserLogin runs `atmos-auth login -i dev-admin` in-process with a
// private environment (env over a base of HOME, XDG dirs, the file keyring
// and the local cloud's endpoint), on a pseudo-terminal when tty is set.
// It fails the test if the login does not end within a minute.
func runBrowserLogin(t *testing.T, endpoint string, tty bool, env map[string]string, cmd LoginCmd) (stderr, stdout string, err error) {
	t.Helper()
	home := t.TempDir()
	cfgPath := filepath.Join(home, "atmos.yaml")
	if err := os.WriteFile(cfgPath, []byte(browserTestConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"HOME":                   home,
		"XDG_CONFIG_HOME":        filepath.Join(home, ".config"),
		"XDG_CACHE_HOME":         filepath.Join(home, ".cache"),
		"XDG_DATA_HOME":          filepath.Join(home, ".local", "share"),
		"AWS_ENDPOINT_URL":       endpoint,
		"ATMOS_KEYRING_TYPE":     "file",
		"ATMOS_KEYRING_PASSWORD": "browser-test",
		EnvExecutable:            "/usr/local/bin/atmos-auth",
	}
	for k, v := range env {
		vars[k] = v
	}
	var out, errBuf syncBuf
	g := &Globals{Kinds: cloud.Kinds(), Identity: "dev-admin", Config: cfgPath,
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errBuf,
		Getenv: func(k string) string { return vars[k] }}

	var readerDone chan struct{}
	var ttyFile *os.File
	if tty {
		ptmx, tt, err := pty.Open()
		if err != nil {
			t.Skipf("no pty: %v", err)
		}
		defer ptmx.Close()
		ttyFile = tt
		g.Stdin, g.Stderr = tt, tt
		readerDone = make(chan struct{})
		go func() { // drain the terminal as the command writes
			defer close(readerDone)
			_, _ = io.Copy(&errBuf, bufio.NewReader(ptmx))
		}()
	}

	done := make(chan error, 1)
	go func() { done <- cmd.Run(g) }()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatalf("login did not end within a minute; stderr so far:\n%s", errBuf.String())
	}
	if tty {
		// With the terminal's last descriptor closed, the reader gets what
		// is still buffered, then EIO.
		ttyFile.Close()
		select {
		case <-readerDone:
		case <-time.After(5 * time.Second):
			t.Fatalf("the terminal's output did not end after it was closed; so far:\n%s", errBuf.String())
		}
	}
	return strings.ReplaceAll(errBuf.String(), "\r\n", "\n"), out.String(), err
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestOpenBrowserRefusesHostileURLs: the verification URL comes from the
// sign-in endpoint, which a hostile atmos.yaml can name. Only https (or
// http on loopback) reaches the system's opener; the refused ones are
// tried first, then an accepted one, and the opener's record must hold the
// accepted URL alone.
func TestOpenBrowserRefusesHostileURLs(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "record")
	fake := "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '" + rec + "'\nmv '" + rec + "' '" + rec + ".done'\n"
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, u := range []string{
		"file:///etc/passwd", "javascript:alert(1)", "smb://evil.example/share", "--help",
		"-https://x.example", "http://evil.example/device", "ssh://x.example", "vscode://x/y",
		"https://x.example/a b", "https://x.example/\x1b]8;;x\x07", "https://x.example/\nfile:///etc/passwd",
		"https:///nohost", "mailto:a@b.example", "", "http://127.0.0.1.evil.example/x",
	} {
		if err := openBrowser(u); err == nil {
			t.Fatalf("%q was handed to the opener", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:1234/device?user_code=ABCD-EFGH", "http://[::1]:1/x", "http://localhost/x"} {
		if err := browserURLOK(u); err != nil {
			t.Fatalf("%q refused: %v", u, err)
		}
	}
	ok := "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH"
	if err := openBrowser(ok); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(rec + ".done")
		if err == nil {
			if string(b) != ok+"\n" {
				t.Fatalf("opener got %q", b)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the opener never ran for an https URL")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDeviceAuthorizationPrintsInert: the verification URL and the user
// code are the sign-in endpoint's answer; a hostile endpoint's escape
// sequences reach the terminal as visible escapes, and such a URL is not
// opened.
func TestDeviceAuthorizationPrintsInert(t *testing.T) {
	var buf bytes.Buffer
	u := &cliUI{g: &Globals{Stderr: &buf}, noBrowser: false}
	dir := t.TempDir()
	t.Setenv("PATH", dir) // no opener at all: a refused URL must not even be tried
	u.DeviceAuthorization("sso", "https://x.example/\x1b]0;pwned\x07", "https://x.example/?c=\x1b[2J\u009b1m", "AB\x1b[8mCD")
	u.Progress("renewing \x1b[31mred\u202e")
	out := buf.String()
	if strings.ContainsAny(out, "\x1b\x07\u009b\u202e") {
		t.Fatalf("raw control characters on the terminal: %q", out)
	}
	for _, want := range []string{`https://x.example/?c=\x1b[2J\u009b1m`, `AB\x1b[8mCD`, `renewing \x1b[31mred\u202e`, "could not open a browser"} {
		if !strings.Contains(out, want) {
			t.Fatalf("missing %q in %q", want, out)
		}
	}
}
