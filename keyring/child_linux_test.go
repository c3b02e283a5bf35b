package keyring

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// runChildFile runs cmd with its output in a file, not a pipe: a daemon the
// child's D-Bus session started (gnome-keyring-daemon, stuck on a prompt for
// a locked collection) may outlive the child and would hold a pipe open,
// making Wait block or fail although the child itself is done. Strays whose
// environment holds marker (e.g. "HOME=<temp dir>") are killed afterwards.
func runChildFile(t *testing.T, cmd *exec.Cmd, marker string) (string, error) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "child-*.out")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	err = cmd.Run()
	f.Close()
	out, _ := os.ReadFile(f.Name())
	if marker != "" {
		killStrays(marker)
	}
	return string(out), err
}

// killStrays kills the processes whose environment contains marker.
func killStrays(marker string) {
	procs, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, p := range procs {
		env, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(env, []byte("\x00"+marker+"\x00")) && !bytes.HasPrefix(env, []byte(marker+"\x00")) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil && pid != os.Getpid() {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
