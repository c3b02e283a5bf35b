package cli_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// devNull opens /dev/null for reading: a character device that is no
// terminal, what cron and `</dev/null` give a command.
func devNull(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// withoutCI drops the CI variable: the command must judge the terminal
// itself.
func withoutCI(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "CI=") {
			out = append(out, kv)
		}
	}
	return out
}

// TestLoginStdinDevNull: a login whose stdin is /dev/null (cron-style, no
// CI variable) has nobody to approve a device sign-in: it fails at once,
// naming the provider, instead of printing a code and waiting for an
// approval that never comes. Its stderr is a real terminal here, so that
// only stdin decides.
func TestLoginStdinDevNull(t *testing.T) {
	dir, env := approvalProject(t)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	cmd := exec.CommandContext(ctx, testenv.AtmosAuth(t), "login", "-i", "admin")
	cmd.Dir, cmd.Env = dir, withoutCI(env)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devNull(t), io.Discard, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	stderr := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, ptmx) // ends with EIO once the child has closed the terminal
		stderr <- b.String()
	}()
	werr := cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("login </dev/null did not end within the %s guard: it waits for a sign-in nobody can approve", guard)
	}
	var ee *exec.ExitError
	if !errors.As(werr, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1", werr)
	}
	ptmx.Close()
	out := <-stderr
	if !strings.Contains(out, "provider company-sso needs a browser sign-in") {
		t.Fatalf("stderr does not name the provider needing a sign-in:\n%s", out)
	}
	if strings.Contains(out, "waiting for the approval") {
		t.Fatalf("a device flow was started:\n%s", out)
	}
}

// TestShellWithoutTerminal: `atmos-auth shell` opens a PTY only for a
// terminal. With stdin /dev/null the shell runs plainly, reads end of file
// and exits 0; with a stdin that stays open it waits, and SIGTERM ends it
// (forwarded to the shell, its status passed through).
func TestShellWithoutTerminal(t *testing.T) {
	bash := testenv.RequireTool(t, "bash")
	bin := testenv.AtmosAuth(t)
	_, env := testEnv(t)

	t.Run("dev-null", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "shell", "-i", "role", "--shell", bash)
		cmd.Env = env
		cmd.Stdin = devNull(t)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if ctx.Err() != nil {
			t.Fatalf("shell </dev/null did not end within the %s guard (a PTY nobody types into)", guard)
		}
		if err != nil {
			t.Fatalf("exit %v, want 0; stderr:\n%s", err, stderr.String())
		}
		if len(out) != 0 {
			t.Errorf("a shell without a terminal printed %q (a prompt?)", out)
		}
	})

	t.Run("sigterm", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "shell", "-i", "role", "--shell", bash)
		cmd.Env = env
		stdin, err := cmd.StdinPipe() // held open: the shell waits for input
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Once the shell answers, it runs and reads its stdin.
		if _, err := io.WriteString(stdin, "echo ready\n"); err != nil {
			t.Fatal(err)
		}
		line := make([]byte, len("ready\n"))
		if _, err := io.ReadFull(stdout, line); err != nil || string(line) != "ready\n" {
			t.Fatalf("shell did not start: %q %v", line, err)
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, stdout)
		err = cmd.Wait()
		if ctx.Err() != nil {
			t.Fatalf("shell did not end on SIGTERM within the %s guard", guard)
		}
		if code := cmd.ProcessState.ExitCode(); code != 128+int(syscall.SIGTERM) {
			t.Fatalf("exit %v, want %d (the shell killed by SIGTERM)", err, 128+int(syscall.SIGTERM))
		}
	})
}
