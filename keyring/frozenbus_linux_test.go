package keyring

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// frozenBus listens on a unix socket, accepts connections and never answers:
// a D-Bus session bus whose daemon is stuck. It counts the connections.
type frozenBus struct {
	Addr  string // for DBUS_SESSION_BUS_ADDRESS
	n     atomic.Int32
	mu    sync.Mutex
	conns []net.Conn
}

func newFrozenBus(t *testing.T) *frozenBus {
	t.Helper()
	dir, err := os.MkdirTemp("", "bus-") // short: socket paths are limited to 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	b := &frozenBus{Addr: "unix:path=" + sock}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			b.n.Add(1)
			b.mu.Lock()
			b.conns = append(b.conns, c) // held open, never read or written
			b.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		b.mu.Lock()
		for _, c := range b.conns {
			c.Close()
		}
		b.mu.Unlock()
		os.RemoveAll(dir)
	})
	return b
}

func (b *frozenBus) Connections() int { return int(b.n.Load()) }

// runChild re-runs this test binary with only test run, against the bus; a
// hang fails the test after limit instead of blocking it.
func runChild(t *testing.T, run, busAddr string, limit time.Duration, env ...string) (string, time.Duration) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run="+run, "-test.v")
	cmd.Env = append(os.Environ(), append(env, envInBus+"=1", "DBUS_SESSION_BUS_ADDRESS="+busAddr)...)
	start := time.Now()
	out, err := runChildFile(t, cmd, "")
	d := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("child %s hung (killed after %s):\n%s", run, limit, out)
	}
	if err != nil {
		t.Fatalf("child %s: %v\n%s", run, err, out)
	}
	return out, d
}

// Loading the package (every atmos-auth process) must not touch D-Bus: a
// bus that never answers neither delays nor sees the process.
func TestNoBusAtInit(t *testing.T) {
	bus := newFrozenBus(t)
	out, _ := runChild(t, "^TestKey$", bus.Addr, 30*time.Second)
	if !strings.Contains(out, "PASS") {
		t.Fatalf("child did not pass:\n%s", out)
	}
	if n := bus.Connections(); n != 0 {
		t.Fatalf("the process connected to the session bus %d times without opening a keyring", n)
	}
}

// Opening the system keyring against a frozen bus fails within the timeout,
// naming the backend and telling how to choose another; the bus is tried
// once per process (kwallet does not wait for it again).
func TestSystemFrozenBusFailsWithinTimeout(t *testing.T) {
	if os.Getenv("ATMOS_KEYRING_TEST_FROZEN") == "1" {
		frozenChild()
		return
	}
	bus := newFrozenBus(t)
	out, d := runChild(t, "^TestSystemFrozenBusFailsWithinTimeout$", bus.Addr, 60*time.Second,
		"ATMOS_KEYRING_TEST_FROZEN=1", "PASSWORD_STORE_DIR="+t.TempDir())
	t.Logf("child took %s:\n%s", d, out)
	for _, want := range []string{
		// secret-service named: its own error says the bus did not answer.
		`secret-service-result: err: keyring backend "secret-service" is unavailable: the D-Bus session bus ` + bus.Addr + ` did not answer within`,
		EnvType + "=file (or auth.keyring.type: file in atmos.yaml)",
		// system: every candidate tried, each with its reason.
		"system-result: err: no system keyring is reachable (tried secret-service, kwallet, pass)",
		"kwallet: the D-Bus session bus " + bus.Addr + " did not answer",
		"pass: password store",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// Each open is bounded by its 1s timeout; the second does not wait for
	// the bus again. Generous bounds for a loaded CI machine.
	for _, line := range strings.Split(out, "\n") {
		var name string
		var ms int
		if _, err := fmt.Sscanf(line, "elapsed %s %dms", &name, &ms); err == nil && ms > 5000 {
			t.Errorf("%s took %dms with a 1s timeout", name, ms)
		}
	}
	if n := bus.Connections(); n != 1 {
		t.Errorf("bus connections = %d, want 1 (one attempt per process)", n)
	}
}

func frozenChild() {
	for _, c := range []struct{ name, backend string }{{"secret-service", "secret-service"}, {"system", ""}} {
		start := time.Now()
		s, err := Open(Options{Type: TypeSystem, Backend: c.backend, Timeout: time.Second})
		fmt.Printf("elapsed %s %dms\n", c.name, time.Since(start).Milliseconds())
		if err != nil {
			fmt.Printf("%s-result: err: %v\n", c.name, err)
		} else {
			fmt.Printf("%s-result: opened %s\n", c.name, s.Backend())
		}
	}
}
