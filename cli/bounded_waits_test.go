package cli_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// guard bounds a child only so that a regression fails instead of hanging
// the suite; no test asserts a duration.
const guard = 60 * time.Second

// boundedEnv is a private environment for one run of the binary.
func boundedEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	env := []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"), "CI=true", "DBUS_SESSION_BUS_ADDRESS=disabled:",
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"), "AWS_EC2_METADATA_DISABLED=true",
		"ATMOS_KEYRING_TYPE=file", "ATMOS_KEYRING_PASSWORD=test-password",
	}
	return append(env, extra...)
}

// runBounded runs the binary under the guard and returns its exit code
// and stderr.
func runBounded(t *testing.T, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	cmd := exec.CommandContext(ctx, testenv.AtmosAuth(t), args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v did not end within the %s guard (a wait without end); stderr:\n%s", args, guard, stderr.String())
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// blackhole accepts TCP connections and never answers.
func blackhole(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// TestBlackholedEndpoint: an endpoint that accepts and never answers fails
// within the configured bound with a message naming the endpoint, the
// operation and the chain step, for credential-process (run by SDKs) and
// login alike, whatever the step calls: STS, a container credentials
// endpoint (aws/ambient) or the GitHub OIDC token endpoint.
func TestBlackholedEndpoint(t *testing.T) {
	url := blackhole(t)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`auth:
  providers:
    gh: {kind: github/oidc, region: us-east-1}
  identities:
    base: {kind: aws/ambient}
    role:
      kind: aws/assume-role
      via: {identity: base}
      principal: {assume_role: "arn:aws:iam::111111111111:role/R"}
      spec: {endpoint_url: %q}
    ci:
      kind: aws/assume-role
      via: {provider: gh}
      principal: {assume_role: "arn:aws:iam::111111111111:role/CI"}
`, url)
	if err := os.WriteFile(filepath.Join(dir, "atmos.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	keys := []string{"AWS_ACCESS_KEY_ID=AKIAEXAMPLEEXAMPLE0", "AWS_SECRET_ACCESS_KEY=example", "ATMOS_AUTH_HTTP_TIMEOUT=2s"}
	for _, c := range []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"sts/credential-process", keys, []string{"credential-process", "-i", "role"},
			[]string{"role ← base: STS AssumeRole: no answer from " + url + " within 2s: check the network", "spec.endpoint_url"}},
		{"sts/login", keys, []string{"login", "-i", "role"},
			[]string{"role ← base: STS AssumeRole: no answer from " + url + " within 2s: check the network", "spec.endpoint_url"}},
		{"container-endpoint", []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI=" + url + "/creds", "ATMOS_AUTH_HTTP_TIMEOUT=2s"}, []string{"login", "-i", "base"},
			[]string{"base: no ambient AWS credentials: no answer within 2s from the container credentials endpoint \"" + url + "/creds\""}},
		{"github-oidc", []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + url + "/token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=bearer-secret", "ATMOS_AUTH_HTTP_TIMEOUT=2s"}, []string{"login", "-i", "ci"},
			[]string{"gh: GitHub OIDC token request: no answer from " + url + " within 2s: check the network", "ACTIONS_ID_TOKEN_REQUEST_URL"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stderr := runBounded(t, dir, boundedEnv(t, c.env...), c.args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Fatalf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "bearer-secret") {
				t.Fatalf("a secret in the message:\n%s", stderr)
			}
		})
	}
}

// approvalProject starts a local cloud whose device approval never comes
// and writes a project with one permission set behind it.
func approvalProject(t *testing.T) (dir string, env []string) {
	t.Helper()
	srv := localcloud.New(localcloud.WithAutoApprove(time.Hour)) // the approval never comes
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	dir = t.TempDir()
	cfg := `auth:
  providers:
    company-sso:
      kind: aws/iam-identity-center
      region: us-east-1
      start_url: https://company.awsapps.com/start
  identities:
    admin:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal: {name: AdminAccess, account: {name: core-identity}}
`
	if err := os.WriteFile(filepath.Join(dir, "atmos.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, boundedEnv(t, "AWS_ENDPOINT_URL="+srv.URL(), "ATMOS_AUTH_NO_BROWSER=1")
}

// waitingLogin is a `login --device-flow` that printed its device code and
// waits for its approval, holding the sign-in lock.
type waitingLogin struct {
	*exec.Cmd
	rest chan string // the rest of its stderr, once it has ended
}

// startWaitingLogin starts the login and returns once it waits; the guard
// and a cleanup end it whatever the test does.
func startWaitingLogin(t *testing.T, dir string, env []string) *waitingLogin {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	t.Cleanup(cancel)
	login := exec.CommandContext(ctx, testenv.AtmosAuth(t), "login", "-i", "admin", "--device-flow")
	login.Dir, login.Env = dir, env
	pipe, err := login.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := login.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = login.Process.Signal(syscall.SIGCONT)
		_ = login.Process.Kill()
		_ = login.Wait()
	})
	w := &waitingLogin{Cmd: login, rest: make(chan string, 1)}
	waiting := make(chan bool, 1)
	go func() {
		var rest strings.Builder
		seen := false
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			if !seen && strings.Contains(sc.Text(), "waiting for the approval") {
				seen = true
				waiting <- true
				continue
			}
			rest.WriteString(sc.Text() + "\n")
		}
		if !seen {
			waiting <- false
		}
		w.rest <- rest.String()
	}()
	if !<-waiting {
		t.Fatalf("the login ended before waiting for its approval:\n%s", <-w.rest)
	}
	return w
}

// TestCredentialProcessLockHeld: credential-process needs the sign-in lock
// that a login waiting for its device approval holds, in another process.
// It fails after ATMOS_AUTH_LOCK_TIMEOUT naming the lock, its file and the
// holder's PID; when the holder is stopped (SIGSTOP) the message says so.
func TestCredentialProcessLockHeld(t *testing.T) {
	dir, env := approvalProject(t)
	// The holder: a login printing its device code and waiting.
	login := startWaitingLogin(t, dir, env)
	pid := strconv.Itoa(login.Process.Pid)

	cpEnv := append(env[:len(env):len(env)], "ATMOS_AUTH_LOCK_TIMEOUT=1s")
	code, stderr := runBounded(t, dir, cpEnv, "credential-process", "-i", "admin")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"waited 1s for the IAM Identity Center sign-in lock (", ".lock), held by process " + pid + ": another atmos-auth is authenticating", "ATMOS_AUTH_LOCK_TIMEOUT"} {
		if !strings.Contains(stderr, want) {
			t.Fatalf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	// The holder stopped (Ctrl-Z, SIGSTOP): same bound, and the message says how to resume it.
	if err := login.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	code, stderr = runBounded(t, dir, cpEnv, "credential-process", "-i", "admin")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if want := "held by process " + pid + ", which is stopped: resume it (`kill -CONT " + pid + "`"; !strings.Contains(stderr, want) {
		t.Fatalf("stderr lacks %q:\n%s", want, stderr)
	}
}
