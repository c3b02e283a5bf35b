package cli_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// TestInterruptEndsWaits: Ctrl-C (SIGINT) or SIGTERM during a login that
// waits for a device approval ends it cleanly: the process exits 130 by
// itself (not killed by the signal), says what was interrupted, and
// releases the sign-in lock at once, so the next caller does not wait.
func TestInterruptEndsWaits(t *testing.T) {
	srv := localcloud.New(localcloud.WithAutoApprove(time.Hour)) // the approval never comes
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	dir := t.TempDir()
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
	env := boundedEnv(t, "AWS_ENDPOINT_URL="+srv.URL(), "ATMOS_AUTH_NO_BROWSER=1")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		login := exec.CommandContext(ctx, testenv.AtmosAuth(t), "login", "-i", "admin", "--device-flow")
		login.Dir, login.Env = dir, env
		pipe, err := login.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := login.Start(); err != nil {
			t.Fatal(err)
		}
		var rest strings.Builder
		waiting, done := make(chan bool, 1), make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(pipe)
			seen := false
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
		}()
		if !<-waiting {
			cancel()
			t.Fatalf("%v: the login ended before waiting for its approval", sig)
		}
		if err := login.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		<-done
		_ = login.Wait()
		if ctx.Err() != nil {
			t.Fatalf("%v: the login did not end within the guard", sig)
		}
		cancel()
		ws := login.ProcessState.Sys().(syscall.WaitStatus)
		if ws.Signaled() || ws.ExitStatus() != 130 {
			t.Fatalf("%v: want a clean exit 130, got %v; stderr:\n%s", sig, login.ProcessState, rest.String())
		}
		if !strings.Contains(rest.String(), "atmos-auth: interrupted: ") {
			t.Fatalf("%v: stderr does not say what was interrupted:\n%s", sig, rest.String())
		}
		// The lock is free: a caller needing the same sign-in fails at once
		// (CI, no device flow allowed) instead of waiting for it.
		code, stderr := runBounded(t, dir, append(env, "ATMOS_AUTH_LOCK_TIMEOUT=30s"), "credential-process", "-i", "admin")
		if code != 1 || strings.Contains(stderr, "waited") {
			t.Fatalf("%v: after the interrupt: exit %d\n%s", sig, code, stderr)
		}
	}
}
