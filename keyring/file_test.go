package keyring

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const testSecret = "wJalrXUtnFEMI-K7MDENG-never-shown"

func secretEnv() Envelope {
	return Envelope{Kind: "aws/user-keys", Data: map[string]string{"aws_secret_access_key": testSecret}}
}

func TestFileWrongPassword(t *testing.T) {
	dir := t.TempDir()
	good := openFile(t, dir, "right")
	k := Key("aws/user-keys", "a")
	mustSet(t, good, k, secretEnv())
	before := snapshot(t, dir)

	bad := openFile(t, dir, "wrong")
	_, err := bad.Get(k)
	if !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("Get with wrong password: %v", err)
	}
	if !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), DefaultPasswordEnv) {
		t.Errorf("error does not say where or which variable: %v", err)
	}
	if err := bad.Set(k, Envelope{Kind: "aws/user-keys"}); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("Set with wrong password: %v", err)
	}
	if err := bad.Set(Key("aws/user-keys", "new"), Envelope{Kind: "x"}); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("Set new key with wrong password: %v", err)
	}
	if after := snapshot(t, dir); !equalSnap(before, after) {
		t.Fatalf("files changed after a wrong password:\nbefore %v\nafter  %v", keysOf(before), keysOf(after))
	}
	assertEnv(t, mustGet(t, openFile(t, dir, "right"), k), secretEnv())
}

func TestFileNoPassword(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir, "")
	err := s.Set(Key("aws/user-keys", "a"), secretEnv())
	if !errors.Is(err, ErrNoPassword) || !strings.Contains(err.Error(), DefaultPasswordEnv) {
		t.Fatalf("err = %v", err)
	}
	// A prompt (TTY) supplies it; a custom variable name is honoured.
	s, err = Open(Options{Type: TypeFile, FileDir: dir, PasswordEnv: "MY_PW", Getenv: func(string) string { return "" },
		Prompt: func(p string) (string, error) {
			if !strings.Contains(p, dir) {
				t.Errorf("prompt %q does not name the directory", p)
			}
			return "pw", nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, Key("aws/user-keys", "a"), secretEnv())
	s, _ = Open(Options{Type: TypeFile, FileDir: dir, PasswordEnv: "MY_PW", Getenv: func(k string) string {
		if k == "MY_PW" {
			return "pw"
		}
		return ""
	}})
	assertEnv(t, mustGet(t, s, Key("aws/user-keys", "a")), secretEnv())
}

func TestFileCorruptEntry(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir, "pw")
	a, b, c := Key("aws/user-keys", "a"), Key("aws/user-keys", "b"), Key("aws/user-keys", "c")
	for _, k := range []string{a, b, c} {
		mustSet(t, s, k, secretEnv())
	}
	fb := s.(*store).b.(*fileBackend)
	// a: garbage; b: a valid entry of another key (swapped file).
	if err := os.WriteFile(fb.entryPath(a), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	cb, _ := os.ReadFile(fb.entryPath(c))
	if err := os.WriteFile(fb.entryPath(b), cb, 0o600); err != nil {
		t.Fatal(err)
	}
	s = openFile(t, dir, "pw")
	for _, k := range []string{a, b} {
		_, err := s.Get(k)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), k) {
			t.Errorf("Get(%s) = %v, want ErrCorrupt naming the key", k, err)
		}
		if err != nil && strings.Contains(err.Error(), testSecret) {
			t.Error("error shows the secret")
		}
	}
	assertEnv(t, mustGet(t, s, c), secretEnv())
	ks, err := s.List(KeyPrefix)
	if err != nil || len(ks) != 3 {
		t.Fatalf("List = %v, %v", ks, err)
	}
	// A corrupt entry can be replaced.
	mustSet(t, s, a, secretEnv())
	assertEnv(t, mustGet(t, s, a), secretEnv())
}

func TestFileModesAndNoPlaintext(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "atmos", "keyring")
	s := openFile(t, dir, "pw")
	mustSet(t, s, Key("aws/user-keys", "a"), secretEnv())
	st, _ := os.Stat(dir)
	if st.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", st.Mode().Perm())
	}
	for name, data := range snapshot(t, dir) {
		st, _ := os.Stat(filepath.Join(dir, name))
		if name != lockName && st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", name, st.Mode().Perm())
		}
		if bytes.Contains(data, []byte(testSecret)) || bytes.Contains(data, []byte("aws_secret_access_key")) {
			t.Errorf("%s holds plaintext", name)
		}
		if strings.HasPrefix(name, ".tmp-") {
			t.Errorf("temp file left: %s", name)
		}
	}
}

func TestFileDefaultDir(t *testing.T) {
	env := map[string]string{"XDG_DATA_HOME": "/x", "ATMOS_XDG_DATA_HOME": "/a"}
	get := func(k string) string { return env[k] }
	if d := FileDir(get); d != "/a/atmos/keyring" {
		t.Errorf("FileDir = %s", d)
	}
	delete(env, "ATMOS_XDG_DATA_HOME")
	if d := FileDir(get); d != "/x/atmos/keyring" {
		t.Errorf("FileDir = %s", d)
	}
	delete(env, "XDG_DATA_HOME")
	if d := FileDir(get); !strings.HasSuffix(d, ".local/share/atmos/keyring") {
		t.Errorf("FileDir = %s", d)
	}
}

// Several processes create the keyring and write different keys at the same
// time: every entry is readable afterwards (no lost update, one header).
func TestFileConcurrentProcesses(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const procs, perProc = 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, procs)
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			cmd := exec.Command(exe)
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d|%d", envWriter, dir, p, perProc))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("writer %d: %v: %s", p, err, out)
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s := openFile(t, dir, "pw")
	ks, err := s.List(KeyPrefix)
	if err != nil || len(ks) != procs*perProc {
		t.Fatalf("List: %d keys, %v; want %d", len(ks), err, procs*perProc)
	}
	for _, k := range ks {
		mustGet(t, s, k)
	}
}

// writerMain is the body of a writer process: "dir|index|count".
func writerMain(spec string) int {
	f := strings.Split(spec, "|")
	n, _ := strconv.Atoi(f[2])
	s, err := Open(Options{Type: TypeFile, FileDir: f[0], Getenv: func(string) string { return "pw" }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for i := 0; i < n; i++ {
		k := Key("aws/user-keys", fmt.Sprintf("p%s-%d", f[1], i))
		if err := s.Set(k, Envelope{Kind: "aws/user-keys", Data: map[string]string{"i": strconv.Itoa(i)}}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// hang is a backend that never answers, like a Secret Service behind a
// prompt nobody can see.
type hang struct{}

func (hang) name() string               { return "secret-service" }
func (hang) location() string           { return "" }
func (hang) get(string) ([]byte, error) { select {} }
func (hang) set(string, []byte) error   { select {} }
func (hang) remove(string) error        { select {} }
func (hang) keys() ([]string, error)    { select {} }

func TestTimeoutNamesBackend(t *testing.T) {
	s := wrap(hang{}, Options{Timeout: 100 * time.Millisecond})
	start := time.Now()
	_, err := s.Get(Key("aws/user-keys", "a"))
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), `"secret-service"`) ||
		!strings.Contains(err.Error(), EnvType+"=file") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second { // generous: a loaded CI machine
		t.Fatalf("took %s with a 100ms timeout", d)
	}
	// Later calls fail at once.
	start = time.Now()
	if _, err := s.List(""); !errors.Is(err, ErrUnavailable) || time.Since(start) > 2*time.Second {
		t.Fatalf("second call: %v after %s", err, time.Since(start))
	}
}

func TestResolve(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	if got := Resolve("", get); got != TypeSystem {
		t.Errorf("default = %s", got)
	}
	if got := Resolve("file", get); got != TypeFile {
		t.Errorf("config = %s", got)
	}
	env[EnvType] = "Memory"
	if got := Resolve("file", get); got != TypeMemory {
		t.Errorf("env = %s", got)
	}
	if _, err := Open(Options{Type: "bogus"}); err == nil || !strings.Contains(err.Error(), EnvType) {
		t.Errorf("unknown type: %v", err)
	}
	if _, err := Open(Options{Type: TypeSystem, Backend: "bogus"}); err == nil {
		t.Error("unknown backend accepted")
	}
}

func TestKey(t *testing.T) {
	if got := Key("aws/user-keys", "emergency"); got != "atmos-auth:aws/user-keys:emergency" {
		t.Errorf("Key = %s", got)
	}
	if got := Key("aws/sso-client", "a b/c"); got != "atmos-auth:aws/sso-client:a%20b%2Fc" {
		t.Errorf("Key = %s", got)
	}
	e := Envelope{Expires: time.Unix(100, 0)}
	if e.Expired(time.Unix(99, 0)) || !e.Expired(time.Unix(100, 0)) || (Envelope{}).Expired(time.Now()) {
		t.Error("Expired")
	}
}

func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		b, _ := os.ReadFile(filepath.Join(dir, de.Name()))
		m[de.Name()] = b
	}
	return m
}

func equalSnap(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func keysOf(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
