package keyring

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

// envInBus marks the re-executed test binary running inside
// dbus-run-session with an unlocked gnome-keyring.
const envInBus = "ATMOS_KEYRING_TEST_IN_BUS"

// envWriter makes the test binary a writer process for the concurrency test.
const envWriter = "ATMOS_KEYRING_TEST_WRITER"

// testKDF keeps file-keyring tests fast; BenchmarkKDF measures DefaultKDF.
var (
	testKDF = KDFParams{Time: 1, Memory: 1024, Threads: 1}
	realKDF = DefaultKDF
)

// TestMain re-executes the tests inside a private D-Bus session with an
// unlocked gnome-keyring "login" collection (HOME in a temp dir), so the
// secret-service backend runs against a real Secret Service. Without
// dbus-run-session or gnome-keyring-daemon the tests run as they are and the
// secret-service test skips (fails in CI).
func TestMain(m *testing.M) {
	DefaultKDF = testKDF
	if spec := os.Getenv(envWriter); spec != "" {
		os.Exit(writerMain(spec))
	}
	if os.Getenv(envInBus) == "" {
		if code, ok := reexecInBus(); ok {
			os.Exit(code)
		}
	}
	code := m.Run()
	cleanupPass()
	os.Exit(code)
}

func reexecInBus() (int, bool) {
	drs, err1 := exec.LookPath("dbus-run-session")
	_, err2 := exec.LookPath("gnome-keyring-daemon")
	if err1 != nil || err2 != nil {
		return 0, false
	}
	home, err := os.MkdirTemp("", "atmos-keyring-home-")
	if err != nil {
		return 0, false
	}
	defer os.RemoveAll(home)
	script := `printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$0" "$@"`
	cmd := exec.Command(drs, append([]string{"--", "sh", "-c", script, os.Args[0]}, os.Args[1:]...)...)
	cmd.Env = append(os.Environ(), envInBus+"=1", "HOME="+home, "XDG_RUNTIME_DIR="+home, "XDG_DATA_HOME="+home+"/.local/share")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), true
		}
		fmt.Fprintln(os.Stderr, "keyring tests: dbus-run-session:", err)
		return 1, true
	}
	return 0, true
}

// opener returns a fresh, empty store and a function that opens the same
// storage again (nil when the backend does not persist).
type opener func(t *testing.T) (Store, func() Store)

func runContract(t *testing.T, open opener) {
	exp := time.Date(2031, 2, 3, 4, 5, 6, 7000, time.UTC)
	secret := "s3cr3t-value-never-printed"
	env := Envelope{Kind: "aws/user-keys", Expires: exp, Data: map[string]string{
		"aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": secret}}
	k := Key("aws/user-keys", "emergency")

	tests := []struct {
		name string
		run  func(t *testing.T, s Store, reopen func() Store)
	}{
		{"get absent", func(t *testing.T, s Store, _ func() Store) {
			_, err := s.Get(Key("aws/user-keys", "missing"))
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get absent: %v, want ErrNotFound", err)
			}
		}},
		{"round trip", func(t *testing.T, s Store, _ func() Store) {
			mustSet(t, s, k, env)
			got := mustGet(t, s, k)
			assertEnv(t, got, env)
		}},
		{"no expiry, no data", func(t *testing.T, s Store, _ func() Store) {
			e := Envelope{Kind: "aws/sso-client"}
			mustSet(t, s, k, e)
			got := mustGet(t, s, k)
			if got.Kind != e.Kind || !got.Expires.IsZero() || len(got.Data) != 0 || got.Data == nil {
				t.Fatalf("got %+v", got)
			}
		}},
		{"overwrite", func(t *testing.T, s Store, _ func() Store) {
			mustSet(t, s, k, env)
			e2 := Envelope{Kind: "aws/user-keys", Data: map[string]string{"aws_access_key_id": "AKIAOTHER"}}
			mustSet(t, s, k, e2)
			assertEnv(t, mustGet(t, s, k), e2)
			if ks, _ := s.List(""); len(ks) != 1 {
				t.Fatalf("after overwrite List = %v, want one key", ks)
			}
		}},
		{"remove", func(t *testing.T, s Store, _ func() Store) {
			mustSet(t, s, k, env)
			if err := s.Remove(k); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get(k); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get after Remove: %v", err)
			}
			if err := s.Remove(k); err != nil {
				t.Fatalf("Remove absent: %v", err)
			}
			if ks, _ := s.List(""); len(ks) != 0 {
				t.Fatalf("List after remove = %v", ks)
			}
		}},
		{"list by prefix", func(t *testing.T, s Store, _ func() Store) {
			keys := []string{
				Key("aws/user-keys", "b"), Key("aws/user-keys", "a"),
				Key("aws/sso-refresh-token", "corp"), Key("aws/sso-client", "corp"),
			}
			for _, key := range keys {
				mustSet(t, s, key, Envelope{Kind: "x"})
			}
			got, err := s.List(KeyPrefix + "aws/user-keys:")
			if err != nil {
				t.Fatal(err)
			}
			want := []string{Key("aws/user-keys", "a"), Key("aws/user-keys", "b")}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("List = %q, want %q", got, want)
			}
			all, _ := s.List(KeyPrefix)
			if len(all) != 4 {
				t.Fatalf("List(KeyPrefix) = %q", all)
			}
			none, err := s.List("nothing-here:")
			if err != nil || len(none) != 0 || none == nil {
				t.Fatalf("List(no match) = %#v, %v; want empty non-nil", none, err)
			}
		}},
		{"odd names", func(t *testing.T, s Store, _ func() Store) {
			names := []string{"a b", "x/y/../z", "ü-名前", "per%cent:colon", strings.Repeat("n", 60)}
			for _, n := range names {
				key := Key("aws/user-keys", n)
				mustSet(t, s, key, Envelope{Kind: "aws/user-keys", Data: map[string]string{"n": n}})
			}
			for _, n := range names {
				key := Key("aws/user-keys", n)
				if got := mustGet(t, s, key); got.Data["n"] != n {
					t.Fatalf("%q: got %q", key, got.Data["n"])
				}
			}
			ks, _ := s.List(KeyPrefix)
			if len(ks) != len(names) {
				t.Fatalf("List = %q", ks)
			}
		}},
		{"large value", func(t *testing.T, s Store, _ func() Store) {
			big := Envelope{Kind: "aws/sso-client", Data: map[string]string{"blob": strings.Repeat("x", 8192)}}
			mustSet(t, s, k, big)
			assertEnv(t, mustGet(t, s, k), big)
		}},
		{"invalid input", func(t *testing.T, s Store, _ func() Store) {
			for _, bad := range []string{"", "../x", "a//b", "/abs", "tab\there", strings.Repeat("k", 200)} {
				if err := s.Set(bad, env); !errors.Is(err, ErrInvalidKey) {
					t.Errorf("Set(%q) = %v, want ErrInvalidKey", bad, err)
				}
				if _, err := s.Get(bad); !errors.Is(err, ErrInvalidKey) {
					t.Errorf("Get(%q) = %v, want ErrInvalidKey", bad, err)
				}
			}
			if err := s.Set(k, Envelope{}); err == nil {
				t.Error("Set without kind succeeded")
			}
			if ks, _ := s.List(""); len(ks) != 0 {
				t.Fatalf("invalid input created %q", ks)
			}
		}},
		{"persists", func(t *testing.T, s Store, reopen func() Store) {
			if reopen == nil {
				t.Skip("backend does not persist")
			}
			mustSet(t, s, k, env)
			s2 := reopen()
			assertEnv(t, mustGet(t, s2, k), env)
			if s2.Backend() != s.Backend() {
				t.Fatalf("backend %s then %s", s.Backend(), s2.Backend())
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, reopen := open(t)
			if s.Backend() == "" {
				t.Fatal("empty Backend()")
			}
			tc.run(t, s, reopen)
		})
	}
}

func mustSet(t *testing.T, s Store, key string, e Envelope) {
	t.Helper()
	if err := s.Set(key, e); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

func mustGet(t *testing.T, s Store, key string) Envelope {
	t.Helper()
	e, err := s.Get(key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return e
}

func assertEnv(t *testing.T, got, want Envelope) {
	t.Helper()
	if got.Kind != want.Kind || !got.Expires.Equal(want.Expires) || !reflect.DeepEqual(got.Data, want.Data) {
		t.Fatalf("got %s %v %d fields, want %s %v %d fields", got.Kind, got.Expires, len(got.Data), want.Kind, want.Expires, len(want.Data))
	}
}

func TestContractMemory(t *testing.T) {
	runContract(t, func(t *testing.T) (Store, func() Store) {
		s, err := Open(Options{Type: TypeMemory})
		if err != nil {
			t.Fatal(err)
		}
		return s, nil
	})
}

func openFile(t testing.TB, dir, pw string) Store {
	t.Helper()
	s, err := Open(Options{Type: TypeFile, FileDir: dir, Getenv: func(k string) string {
		if k == DefaultPasswordEnv {
			return pw
		}
		return ""
	}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContractFile(t *testing.T) {
	runContract(t, func(t *testing.T) (Store, func() Store) {
		dir := t.TempDir()
		return openFile(t, dir, "pw"), func() Store { return openFile(t, dir, "pw") }
	})
}
