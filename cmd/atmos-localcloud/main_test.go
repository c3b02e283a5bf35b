package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinary builds the command, starts it, reads the URL from the first
// line of stdout and from --url-file, asks /_admin/stats, applies a fault
// through /_admin/faults, and stops it with SIGTERM.
func TestBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "atmos-localcloud")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	urlFile := filepath.Join(dir, "url")
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--auto-approve", "--accounts", "10", "--roles-per-account", "3", "--url-file", urlFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	url := strings.TrimSpace(line)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q is not the URL", line)
	}
	if b, err := os.ReadFile(urlFile); err != nil || strings.TrimSpace(string(b)) != url {
		t.Fatalf("url file: %q %v", b, err)
	}

	resp, err := http.Post(url+"/_admin/faults", "application/json", strings.NewReader(`{"operation":"GetCallerIdentity","throttle":1}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("faults: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Post(url+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("throttled call: status %d", resp.StatusCode)
	}

	resp, err = http.Get(url + "/_admin/stats")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Calls  map[string]int `json:"calls"`
		Errors map[string]int `json:"errors"`
	}
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if st.Calls["GetCallerIdentity"] != 1 || st.Errors["GetCallerIdentity/Throttling"] != 1 {
		t.Fatalf("stats: %+v", st)
	}

	go func() { done <- cmd.Wait() }()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop after SIGTERM")
	}
}

// TestHelpListsTheCloud: --help says what the local cloud holds — its
// accounts, permission sets and roles — and exits 0.
func TestHelpListsTheCloud(t *testing.T) {
	var out, errb strings.Builder
	if code := run([]string{"--help"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"999999999999  production", "AdminAccess, ReadOnlyAccess", "role/ProductionAdmin  (max 12h)", "role/DeniedRole  (always AccessDenied)", "-auto-approve"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("--help lacks %q:\n%s", want, errb.String())
		}
	}
}
