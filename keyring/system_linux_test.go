package keyring

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// systemTimeout is generous: the first gpg or D-Bus call of a run may be slow.
const systemTimeout = 10 * time.Second

func openSystemBackend(t testing.TB, backend, service string, getenv func(string) string) Store {
	t.Helper()
	s, err := Open(Options{Type: TypeSystem, Backend: backend, ServiceName: service, Getenv: getenv, Timeout: systemTimeout})
	if err != nil {
		t.Fatalf("open %s: %v", backend, err)
	}
	if s.Backend() != backend {
		t.Fatalf("Backend() = %q, want %q", s.Backend(), backend)
	}
	return s
}

// emptyStore removes every entry, so each contract case starts clean on
// stores shared within a run.
func emptyStore(t testing.TB, s Store) {
	t.Helper()
	ks, err := s.List("")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range ks {
		if err := s.Remove(k); err != nil {
			t.Fatal(err)
		}
	}
}

var serviceSeq int

func uniqueService(t testing.TB) string {
	serviceSeq++
	return fmt.Sprintf("atmos-auth-test-%d-%d", os.Getpid(), serviceSeq)
}

func TestContractKeyctl(t *testing.T) {
	testenv.RequireTool(t, "keyctl") // the CI image has keyutils; the test itself uses syscalls
	runContract(t, func(t *testing.T) (Store, func() Store) {
		svc := uniqueService(t)
		s := openSystemBackend(t, "keyctl", svc, os.Getenv)
		t.Cleanup(func() {
			emptyStore(t, s)
			// Unlink the named keyring the library created under @u.
			if id, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "keyring", svc, 0); err == nil {
				_, _ = unix.KeyctlInt(unix.KEYCTL_UNLINK, id, unix.KEY_SPEC_USER_KEYRING, 0, 0)
			}
		})
		return s, func() Store { return openSystemBackend(t, "keyctl", svc, os.Getenv) }
	})
}

func requireBus(t *testing.T) {
	testenv.RequireTool(t, "dbus-run-session")
	testenv.RequireTool(t, "gnome-keyring-daemon")
	if os.Getenv(envInBus) == "" {
		t.Fatal("TestMain did not re-execute the tests inside dbus-run-session")
	}
}

func TestContractSecretService(t *testing.T) {
	requireBus(t)
	runContract(t, func(t *testing.T) (Store, func() Store) {
		s := openSystemBackend(t, "secret-service", DefaultServiceName, os.Getenv)
		emptyStore(t, s)
		t.Cleanup(func() { emptyStore(t, s) })
		return s, func() Store { return openSystemBackend(t, "secret-service", DefaultServiceName, os.Getenv) }
	})
}

func TestSystemPicksSecretService(t *testing.T) {
	requireBus(t)
	s, err := Open(Options{Type: TypeSystem, Timeout: systemTimeout})
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend() != "secret-service" {
		t.Fatalf("system chose %s, want secret-service", s.Backend())
	}
}

// pass needs a gpg key: one batch key per test run, in a temp GNUPGHOME.
var (
	passOnce sync.Once
	passFpr  string
	passErr  error
	gnupg    string
)

func setupGPG(t testing.TB) string {
	testenv.RequireTool(t, "pass")
	testenv.RequireTool(t, "gpg")
	passOnce.Do(func() {
		// gpg-agent's socket path must stay short: no t.TempDir here.
		gnupg, passErr = os.MkdirTemp("", "gnupg-")
		if passErr != nil {
			return
		}
		os.Setenv("GNUPGHOME", gnupg)
		out, err := exec.Command("gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
			"--quick-gen-key", "Test <test@example.invalid>", "default", "default", "never").CombinedOutput()
		if err != nil {
			passErr = fmt.Errorf("gpg key generation: %v: %s", err, out)
			return
		}
		out, err = exec.Command("gpg", "--batch", "--with-colons", "--list-secret-keys").Output()
		if err != nil {
			passErr = err
			return
		}
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
				passFpr = f[9]
				break
			}
		}
		if passFpr == "" {
			passErr = fmt.Errorf("no fingerprint in %s", out)
		}
	})
	if passErr != nil {
		t.Fatal(passErr)
	}
	return passFpr
}

func cleanupPass() {
	if gnupg != "" {
		cmd := exec.Command("gpgconf", "--kill", "gpg-agent")
		cmd.Env = append(os.Environ(), "GNUPGHOME="+gnupg)
		_ = cmd.Run()
		os.RemoveAll(gnupg)
	}
}

func newPassStore(t testing.TB) string {
	fpr := setupGPG(t)
	dir := t.TempDir()
	cmd := exec.Command("pass", "init", fpr)
	cmd.Env = append(os.Environ(), "PASSWORD_STORE_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pass init: %v: %s", err, out)
	}
	return dir
}

func TestContractPass(t *testing.T) {
	runContract(t, func(t *testing.T) (Store, func() Store) {
		dir := newPassStore(t)
		getenv := func(k string) string {
			if k == "PASSWORD_STORE_DIR" {
				return dir
			}
			return os.Getenv(k)
		}
		return openSystemBackend(t, "pass", DefaultServiceName, getenv), func() Store {
			return openSystemBackend(t, "pass", DefaultServiceName, getenv)
		}
	})
}

func TestPassUninitialisedIsUnavailable(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(Options{Type: TypeSystem, Backend: "pass", Getenv: func(k string) string {
		if k == "PASSWORD_STORE_DIR" {
			return dir
		}
		return ""
	}})
	if err == nil || !strings.Contains(err.Error(), `"pass"`) || !strings.Contains(err.Error(), EnvType+"=file") {
		t.Fatalf("err = %v", err)
	}
}

// Without a session bus, secret-service fails at once, naming itself, and
// "system" does not fall back to file or memory.
func TestSystemWithoutBusFailsFast(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("ATMOS_KEYRING_TEST_NOBUS") == "1" {
		start := time.Now()
		_, err := Open(Options{Type: TypeSystem, Getenv: func(k string) string {
			if k == "PASSWORD_STORE_DIR" {
				return t.TempDir()
			}
			return ""
		}})
		fmt.Printf("elapsed=%s\nerr=%v\n", time.Since(start).Round(time.Millisecond), err)
		return
	}
	cmd := exec.Command(exe, "-test.run=^TestSystemWithoutBusFailsFast$", "-test.v")
	cmd.Env = append(os.Environ(), "ATMOS_KEYRING_TEST_NOBUS=1", envInBus+"=1", "DBUS_SESSION_BUS_ADDRESS=disabled:")
	start := time.Now()
	o, err := runChildFile(t, cmd, "")
	if err != nil {
		t.Fatalf("%v\n%s", err, o)
	}
	if d := time.Since(start); d > 15*time.Second { // generous: a loaded CI machine
		t.Errorf("took %s", d)
	}
	for _, want := range []string{"no system keyring is reachable", "secret-service", "pass", EnvType + "=file"} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	if strings.Contains(o, "err=<nil>") {
		t.Errorf("system opened something without a bus:\n%s", o)
	}
}

func init() {
	benchStores = append(benchStores,
		struct {
			name string
			open func(b *testing.B) Store
		}{"keyctl", func(b *testing.B) Store {
			svc := uniqueService(b)
			s := openSystemBackend(b, "keyctl", svc, os.Getenv)
			b.Cleanup(func() {
				emptyStore(b, s)
				if id, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "keyring", svc, 0); err == nil {
					_, _ = unix.KeyctlInt(unix.KEYCTL_UNLINK, id, unix.KEY_SPEC_USER_KEYRING, 0, 0)
				}
			})
			return s
		}},
		struct {
			name string
			open func(b *testing.B) Store
		}{"secret-service", func(b *testing.B) Store {
			if os.Getenv(envInBus) == "" {
				b.Skip("no private D-Bus session (dbus-run-session or gnome-keyring-daemon missing)")
			}
			s := openSystemBackend(b, "secret-service", DefaultServiceName, os.Getenv)
			b.Cleanup(func() { emptyStore(b, s) })
			return s
		}},
		struct {
			name string
			open func(b *testing.B) Store
		}{"pass", func(b *testing.B) Store {
			dir := newPassStore(b)
			return openSystemBackend(b, "pass", DefaultServiceName, func(k string) string {
				if k == "PASSWORD_STORE_DIR" {
					return dir
				}
				return os.Getenv(k)
			})
		}},
	)
}
