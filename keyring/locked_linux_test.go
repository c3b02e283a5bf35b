package keyring

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// A locked Secret Service collection (a desktop session whose keyring was
// never unlocked, or an SSH login) must give an error naming the backend
// within the timeout, never a hang. The test runs in its own D-Bus session
// so that locking does not disturb the other tests.
func TestSecretServiceLockedFailsFast(t *testing.T) {
	if os.Getenv("ATMOS_KEYRING_TEST_LOCKED") == "1" {
		lockedChild()
		return
	}
	drs := testenv.RequireTool(t, "dbus-run-session")
	testenv.RequireTool(t, "gnome-keyring-daemon")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	script := `printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$0" "$@"`
	cmd := exec.Command(drs, "--", "sh", "-c", script, exe, "-test.run=^TestSecretServiceLockedFailsFast$", "-test.v")
	cmd.Env = append(os.Environ(), "ATMOS_KEYRING_TEST_LOCKED=1", envInBus+"=1", "HOME="+home, "XDG_RUNTIME_DIR="+home)
	start := time.Now()
	o, err := runChildFile(t, cmd, "HOME="+home)
	if err != nil {
		t.Fatalf("%v\n%s", err, o)
	}
	if d := time.Since(start); d > 20*time.Second { // generous: a loaded CI machine
		t.Errorf("took %s", d)
	}
	if i := strings.Index(o, "locked-result:"); i >= 0 {
		t.Log(strings.SplitN(o[i:], "\n", 2)[0])
	}
	if !strings.Contains(o, "locked-result: err") {
		t.Fatalf("a locked collection did not fail:\n%s", o)
	}
	for _, want := range []string{`"secret-service"`, EnvType + "=file"} {
		if !strings.Contains(o, want) {
			t.Errorf("error lacks %q:\n%s", want, o)
		}
	}
}

func lockedChild() {
	conn, err := dbus.SessionBus()
	if err != nil {
		fmt.Println("locked-setup:", err)
		return
	}
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
		Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{"/org/freedesktop/secrets/collection/login"}).
		Store(&locked, &prompt)
	fmt.Printf("locked-setup: %v %v %v\n", locked, prompt, err)
	start := time.Now()
	s, err := Open(Options{Type: TypeSystem, Backend: "secret-service", Timeout: 2 * time.Second})
	if err == nil {
		err = s.Set(Key("aws/user-keys", "x"), Envelope{Kind: "aws/user-keys"})
	}
	if err != nil {
		fmt.Printf("locked-result: err after %s: %v\n", time.Since(start).Round(time.Millisecond), err)
	} else {
		fmt.Printf("locked-result: ok after %s\n", time.Since(start).Round(time.Millisecond))
	}
}
