//go:build linux

package ring

// Added in this copy: upstream connected to the session bus in init() of
// secretservice.go and kwallet.go, so every process importing the package
// paid a D-Bus connection before main, and a bus that accepts connections but
// never answers hung the process forever. Here the connection is made only
// when the secret-service or kwallet backend is opened, bounded by a
// timeout, and never by launching a bus (godbus runs dbus-launch when no
// address is known, which starts and leaks a dbus-daemon).

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/godbus/dbus"
)

// DefaultDBusTimeout bounds the session-bus connection when
// Config.DBusTimeout is zero.
const DefaultDBusTimeout = 3 * time.Second

// ErrNoSessionBus is returned when no session bus address is known.
var ErrNoSessionBus = errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set and /run/user/<uid>/bus does not exist)")

// bus is the one connection attempt of the process. godbus keeps the
// connection it makes (dbus.SessionBus is shared), so libsecret, which calls
// dbus.SessionBus itself, reuses it once this attempt has succeeded.
var bus struct {
	mu    sync.Mutex
	done  chan struct{} // closed when the attempt ends
	conn  *dbus.Conn
	err   error
	stuck error // set once a caller gave up waiting: later callers fail at once
}

// sessionBus connects to the session bus (once per process) and waits at
// most timeout for it.
func sessionBus(timeout time.Duration) (*dbus.Conn, error) {
	if timeout <= 0 {
		timeout = DefaultDBusTimeout
	}
	addr, ok := sessionBusAddress()
	if !ok {
		return nil, ErrNoSessionBus
	}
	bus.mu.Lock()
	if bus.stuck != nil {
		err := bus.stuck
		bus.mu.Unlock()
		return nil, err
	}
	if bus.done == nil {
		done := make(chan struct{})
		bus.done = done
		go func() {
			conn, err := dbus.SessionBus()
			bus.mu.Lock()
			bus.conn, bus.err = conn, err
			bus.mu.Unlock()
			close(done)
		}()
	}
	done := bus.done
	bus.mu.Unlock()

	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		bus.mu.Lock()
		defer bus.mu.Unlock()
		if bus.err != nil {
			return nil, fmt.Errorf("cannot connect to the D-Bus session bus %s: %w", addr, bus.err)
		}
		return bus.conn, nil
	case <-t.C:
		bus.mu.Lock()
		defer bus.mu.Unlock()
		select {
		case <-done: // finished just now
			if bus.err != nil {
				return nil, fmt.Errorf("cannot connect to the D-Bus session bus %s: %w", addr, bus.err)
			}
			return bus.conn, nil
		default:
		}
		bus.stuck = fmt.Errorf("the D-Bus session bus %s did not answer within %s", addr, timeout)
		return nil, bus.stuck
	}
}

// sessionBusAddress is godbus's address discovery without its last resort,
// dbus-launch.
func sessionBusAddress() (string, bool) {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return a, true
	}
	dir := filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	if p := filepath.Join(dir, "bus"); exists(p) {
		return "unix:path=" + p, true
	}
	if p := filepath.Join(dir, "dbus-session"); exists(p) {
		return p, true // godbus parses this file for the address
	}
	return "", false
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
