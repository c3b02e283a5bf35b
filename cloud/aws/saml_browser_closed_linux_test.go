package aws

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// The user closes the browser during the sign-in: the login ends at once
// with an error naming the provider, not at the timeout. (Linux: the
// browser's main process is found in /proc by its profile directory and
// stopped as a window manager's close would.)
func TestSAMLBrowserClosedByUser(t *testing.T) {
	requireChromium(t)
	s := newSAMLSetup(t, samlYAML) // no autofill: the form waits for a person
	s.env[EnvSAMLTimeout] = "3m"
	done := make(chan error, 1)
	start := time.Now()
	go func() { _, err := s.a.Login(context.Background(), "saml-admin"); done <- err }()
	profile := filepath.Join(s.a.Dirs.Data, "saml-browser", auth.ProjectKey(s.a.Config), auth.FileName("company-saml"))
	deadline := time.Now().Add(90 * time.Second)
	for s.stats(t)["views"] == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the browser never showed the sign-in form")
		}
		time.Sleep(200 * time.Millisecond)
	}
	killed := 0
	for _, pid := range browserMainPIDs(profile) {
		if syscall.Kill(pid, syscall.SIGTERM) == nil {
			killed++
		}
	}
	if killed == 0 {
		t.Fatalf("no browser process uses %s", profile)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "company-saml: Browser sign-in: the browser was closed before the sign-in reached AWS") {
			t.Fatalf("error %v", err)
		}
		if time.Since(start) > 2*time.Minute {
			t.Fatalf("the login waited for the timeout (%s)", time.Since(start))
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the login did not end when the browser was closed")
	}
}

// browserMainPIDs are the browser processes (not its renderers and
// helpers, which carry --type=) running with the profile directory.
func browserMainPIDs(profile string) []int {
	want := []byte(" --user-data-dir=" + profile + " ")
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		cmd = append(bytes.ReplaceAll(cmd, []byte{0}, []byte{' '}), ' ')
		if bytes.Contains(cmd, want) && !bytes.Contains(cmd, []byte(" --type=")) {
			pids = append(pids, pid)
		}
	}
	return pids
}
