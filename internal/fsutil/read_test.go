//go:build unix

package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok")
	if err := os.WriteFile(ok, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(ok, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{ok, link} {
		b, err := ReadRegular(p, 5)
		if err != nil || string(b) != "hello" {
			t.Fatalf("%s: %q %v", p, b, err)
		}
	}
	if _, err := ReadRegular(ok, 4); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("cap: %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	environ := filepath.Join(dir, "environ")
	if err := os.Symlink("/proc/self/environ", environ); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, zero, "/dev/zero", "/dev/urandom", dir, environ, "/proc/self/environ", "/sys/kernel/mm/transparent_hugepage/enabled"} {
		if _, err := os.Stat(p); err != nil {
			continue // not on this kernel
		}
		_, err := ReadRegular(p, MaxConfigSize)
		if !errors.Is(err, ErrNotRegular) {
			t.Fatalf("%s: want ErrNotRegular, got %v", p, err)
		}
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("%s: error does not name the path: %v", p, err)
		}
	}
}
