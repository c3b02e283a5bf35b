package aws

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/keyring"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// Child processes: the test binary re-executed with ENGINE_TEST_CHILD set.
const childEnv = "ENGINE_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "login":
		os.Exit(childLogin())
	case "write-loop":
		os.Exit(childWriteLoop())
	}
}

// childLogin logs in to $CHILD_IDENTITY with the config $CHILD_CONFIG and the
// cache $CHILD_CACHE; each process has its own (memory) keyring, so only
// the shared cache and lock coordinate them.
func childLogin() int {
	cfg, err := config.Load(config.LoadOptions{Kinds: Kinds, ConfigPath: os.Getenv("CHILD_CONFIG"), Getenv: func(string) string { return "" }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	a := &auth.Authenticator{Config: cfg, Dirs: config.Dirs{Cache: os.Getenv("CHILD_CACHE")}, AllowDeviceFlow: true,
		PollInterval: 5 * time.Millisecond, OpenKeyring: func() (keyring.Store, error) { return keyring.Open(keyring.Options{Type: keyring.TypeMemory}) }}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := a.Login(ctx, os.Getenv("CHILD_IDENTITY"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(res.Credentials.Account)
	return 0
}

// childWriteLoop rewrites one cache file under its lock until killed. After
// each complete write (the file renamed into place, the lock released) it
// prints "written <n>" on stdout: the test kills it only after such a
// signal, so every round has a cache file to check. The access key id is
// "$CHILD_ROUND-<n>", telling this round's writes from older ones.
func childWriteLoop() int {
	d := config.Dirs{Cache: os.Getenv("CHILD_CACHE")}
	round := os.Getenv("CHILD_ROUND")
	chain := []*config.Entry{{Name: "victim", Kind: "aws/assume-role", Spec: &AWSAssumeRole{}}}
	big := strings.Repeat("x", 1<<20)
	for i := 0; ; i++ {
		unlock, err := auth.Lock(context.Background(), d, "step-victim", nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		err = auth.WriteStep(d, chain, "", &auth.Credentials{Type: CredAWS, Payload: map[string]string{keyAccessKeyID: fmt.Sprintf("%s-%d", round, i), keySessionToken: big}, Expiration: time.Now().Add(time.Hour)}, time.Now())
		unlock()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("written %d\n", i)
	}
}

func childCmd(t testing.TB, mode string, env ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{childEnv + "=" + mode}, env...)...)
	return cmd
}

// concurrentLogins runs n processes logging in at once against an expired
// session and returns how many device authorizations the cloud saw.
func concurrentLogins(t testing.TB, n int) int {
	srv := localcloud.StartTest(t, localcloud.WithAutoApprove(50*time.Millisecond), localcloud.WithPollInterval(0))
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "atmos.yaml")
	if err := os.WriteFile(cfgPath, []byte(strings.ReplaceAll(chainYAML, "{{URL}}", srv.URL())), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	// An expired session in the cache.
	cfg, err := config.Load(config.LoadOptions{Kinds: Kinds, ConfigPath: cfgPath, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	seed := &auth.Authenticator{Config: cfg, Dirs: config.Dirs{Cache: cache}}
	if err := auth.WriteJSON(ssoTokenFileOf(seed, "company-sso"),
		ssoTokenRecord{V: 2, Binding: ssoBindingOf(seed, "company-sso"), AccessToken: "expired", ExpiresAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatalf("seeding the expired session: %v", err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := childCmd(t, "login", "CHILD_CONFIG="+cfgPath, "CHILD_CACHE="+cache, "CHILD_IDENTITY=prod-admin")
			out, err := cmd.CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "999999999999" {
				errs <- fmt.Errorf("child: %v: %s", err, out)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	return srv.Calls("StartDeviceAuthorization")
}

func TestConcurrentLoginsOneDeviceAuthorization(t *testing.T) {
	if n := concurrentLogins(t, 20); n != 1 {
		t.Fatalf("StartDeviceAuthorization = %d, want 1", n)
	}
}

func BenchmarkConcurrentLogins20(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if n := concurrentLogins(b, 20); n != 1 {
			b.Fatalf("StartDeviceAuthorization = %d, want 1", n)
		}
	}
}

// killed tells whether a child's Wait error says SIGKILL ended it.
func killed(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// TestKilledWriterLeavesNoCorruptCacheNorLock kills a process rewriting a
// cache file in a loop, each round after its first complete write: the lock
// is free at once and the file is whole and this round's.
func TestKilledWriterLeavesNoCorruptCacheNorLock(t *testing.T) {
	cache := t.TempDir()
	d := config.Dirs{Cache: cache}
	chain := []*config.Entry{{Name: "victim", Kind: "aws/assume-role", Spec: &AWSAssumeRole{}}}
	for round := 0; round < 5; round++ {
		cmd := childCmd(t, "write-loop", "CHILD_CACHE="+cache, fmt.Sprintf("CHILD_ROUND=%d", round))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Every "written n" line is read as it comes; the kill waits for
		// the first: from then on the file must exist, whole. It lands a
		// varying time later, to hit the writer at different points of a
		// write (the assertions below hold wherever it lands: nothing
		// waits for something not to happen).
		first, last := make(chan struct{}), make(chan int, 1)
		var said []string
		go func() {
			n, lines := -1, bufio.NewScanner(out)
			for lines.Scan() {
				var i int
				if _, err := fmt.Sscanf(lines.Text(), "written %d", &i); err != nil || i != n+1 {
					said = append(said, lines.Text())
					continue
				}
				if n = i; n == 0 {
					close(first)
				}
			}
			last <- n
		}()
		select {
		case <-first:
		case n := <-last: // the writer ended without completing a write
			last <- n
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("round %d: no write completed within 30s: %s", round, stderr.String())
		}
		time.Sleep(time.Duration(round*17) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("round %d: kill: %v", round, err)
		}
		// Its output ends with its death (EOF), then Wait may close the pipe.
		done := <-last
		// It died of the kill, not of an error of its own.
		if err := cmd.Wait(); !killed(err) || len(said) > 0 {
			t.Fatalf("round %d: writer ended with %v, want killed: %s %q", round, err, stderr.String(), said)
		}
		if done < 0 {
			t.Fatalf("round %d: the writer never completed a write", round)
		}
		// The lock is free at once (the kernel released it).
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		unlock, err := auth.Lock(ctx, d, "step-victim", nil)
		cancel()
		if err != nil {
			t.Fatalf("round %d: lock still held after kill: %v", round, err)
		}
		unlock()
		// The file is whole (it exists: a write completed before the kill).
		b, err := os.ReadFile(auth.StepPath(d, "victim"))
		if err != nil {
			t.Fatalf("round %d: no cache file after %d complete writes: %v", round, done+1, err)
		}
		var r auth.StepRecord
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("round %d: corrupt cache file: %v", round, err)
		}
		c, ok := auth.ReadStep(d, chain, "")
		if !ok {
			t.Fatalf("round %d: cache file not readable", round)
		}
		// …and holds this round's last completed write (or the one after
		// it, renamed into place before the kill and not yet signalled).
		var gotRound, n int
		if _, err := fmt.Sscanf(c.Secret(keyAccessKeyID), "%d-%d", &gotRound, &n); err != nil || gotRound != round || n < done || n > done+1 {
			t.Fatalf("round %d: cache holds write %q, want %d-%d or %d-%d", round, c.Secret(keyAccessKeyID), round, done, round, done+1)
		}
	}
}
