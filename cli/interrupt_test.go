package cli_test

import (
	"strings"
	"syscall"
	"testing"
)

// TestInterruptEndsWaits: Ctrl-C (SIGINT) or SIGTERM during a login that
// waits for a device approval ends it cleanly: the process exits 130 by
// itself (not killed by the signal), says what was interrupted, and
// releases the sign-in lock at once, so the next caller does not wait.
func TestInterruptEndsWaits(t *testing.T) {
	dir, env := approvalProject(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		login := startWaitingLogin(t, dir, env)
		if err := login.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		rest := <-login.rest
		_ = login.Wait()
		ws := login.ProcessState.Sys().(syscall.WaitStatus)
		if ws.Signaled() || ws.ExitStatus() != 130 {
			t.Fatalf("%v: want a clean exit 130, got %v; stderr:\n%s", sig, login.ProcessState, rest)
		}
		if !strings.Contains(rest, "atmos-auth: interrupted: ") {
			t.Fatalf("%v: stderr does not say what was interrupted:\n%s", sig, rest)
		}
		// The lock is free: a caller needing the same sign-in fails at once
		// (CI, no device flow allowed) instead of waiting for it.
		code, stderr := runBounded(t, dir, append(env, "ATMOS_AUTH_LOCK_TIMEOUT=30s"), "credential-process", "-i", "admin")
		if code != 1 || strings.Contains(stderr, "waited") {
			t.Fatalf("%v: after the interrupt: exit %d\n%s", sig, code, stderr)
		}
	}
}
