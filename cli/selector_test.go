package cli_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// TestSelectorKeys: a bare -i on a terminal opens the selector: ↓ moves,
// typing filters, Enter chooses, Esc cancels (exit 2, nothing chosen).
func TestSelectorKeys(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "atmos.yaml")
	if err := os.WriteFile(cfg, []byte(`auth:
  identities:
    alpha: {kind: aws/ambient}
    beta-dev: {kind: aws/ambient}
    gamma: {kind: aws/ambient}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := withoutCI(append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir+"/c", "XDG_CACHE_HOME="+dir+"/k",
		"XDG_DATA_HOME="+dir+"/d", "ATMOS_CLI_CONFIG_PATH="+cfg, "DBUS_SESSION_BUS_ADDRESS=disabled:"))
	for _, tc := range []struct {
		name, keys, want string
		code             int
	}{
		{"down-enter", "\x1b[B\r", "beta-dev", 0},
		{"down-down-up", "\x1b[B\x1b[B\x1b[A\r", "beta-dev", 0},
		{"wrap-up", "\x1b[A\r", "gamma", 0},
		{"filter", "GAM\r", "gamma", 0},
		{"filter-backspace", "gx\x7f\x7fal\r", "alpha", 0},
		{"esc", "\x1b", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer ptmx.Close()
			ctx, cancel := context.WithTimeout(context.Background(), guard)
			defer cancel()
			var stdout bytes.Buffer
			cmd := exec.CommandContext(ctx, testenv.AtmosAuth(t), "env", "-i")
			cmd.Env, cmd.Dir = env, dir
			cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, &stdout, tty
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			tty.Close()
			screen := make(chan string, 1)
			var mu lockedBuffer
			go func() {
				_, _ = io.Copy(&mu, ptmx)
				screen <- mu.String()
			}()
			// Type once the selector is drawn (raw mode is then on).
			deadline := time.Now().Add(guard)
			for !strings.Contains(mu.String(), "type to filter") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if _, err := ptmx.Write([]byte(tc.keys)); err != nil {
				t.Fatal(err)
			}
			werr := cmd.Wait()
			ptmx.Close()
			out := <-screen
			code := 0
			var ee *exec.ExitError
			if errors.As(werr, &ee) {
				code = ee.ExitCode()
			} else if werr != nil {
				t.Fatal(werr)
			}
			if code != tc.code {
				t.Fatalf("exit %d, want %d; screen:\n%q", code, tc.code, out)
			}
			if tc.want != "" && !strings.Contains(stdout.String(), "ATMOS_IDENTITY='"+tc.want+"'") && !strings.Contains(stdout.String(), "ATMOS_IDENTITY="+tc.want+"\n") {
				t.Errorf("chose something else than %s:\n%s\nscreen:\n%q", tc.want, stdout.String(), out)
			}
			if tc.code == 2 && !strings.Contains(out, "no identity chosen") {
				t.Errorf("cancel did not say so:\n%q", out)
			}
		})
	}
}

// lockedBuffer is a bytes.Buffer that one goroutine writes while another reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
