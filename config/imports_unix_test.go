//go:build unix

package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A FIFO in .atmos.d is a located error, not a hang.
func TestAtmosDFifo(t *testing.T) {
	dir := writeFiles(t, map[string]string{"atmos.yaml": ssoProvider})
	if err := os.MkdirAll(filepath.Join(dir, ".atmos.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, ".atmos.d", "pipe.yaml"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	_, p := loadProblems(t, dir, nil)
	if !strings.Contains(p, "pipe.yaml: cannot read: not a regular file") {
		t.Errorf("FIFO not refused:\n%s", p)
	}
}
