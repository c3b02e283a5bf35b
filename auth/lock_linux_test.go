//go:build linux

package auth

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestKernelLockHolder: the holder is found by the lock file's device and
// inode in /proc/locks; a file with no lock has none.
func TestKernelLockHolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := kernelLockHolder(p); got != 0 {
		t.Fatalf("unlocked file: holder %d", got)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if got := kernelLockHolder(p); got != os.Getpid() {
		t.Fatalf("holder %d, want %d", got, os.Getpid())
	}
}
