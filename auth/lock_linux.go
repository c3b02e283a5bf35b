//go:build linux

package auth

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// kernelLockHolder finds the process holding a flock on path in
// /proc/locks (matched by device and inode): right even when the holder is not an
// atmos-auth that wrote its PID.
func kernelLockHolder(path string) int {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0
	}
	b, err := readProc("/proc/locks", 1<<20)
	if err != nil {
		return 0
	}
	// The kernel prints the device as hex major:minor, then the inode: both
	// must match, an inode alone names a file on any device.
	dev := fmt.Sprintf("%02x:%02x:%d", unix.Major(uint64(sys.Dev)), unix.Minor(uint64(sys.Dev)), sys.Ino)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		// "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; waiters have "->".
		if len(f) < 6 || f[1] != "FLOCK" {
			continue
		}
		if f[5] == dev {
			if pid, err := strconv.Atoi(f[4]); err == nil && pid > 0 {
				return pid
			}
		}
	}
	return 0
}

// processStopped reports whether pid is stopped (state T or t).
func processStopped(pid int) bool {
	b, err := readProc("/proc/"+strconv.Itoa(pid)+"/stat", 4096)
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return false
	}
	return s[i+2] == 'T' || s[i+2] == 't'
}

// readProc reads at most max bytes of a kernel file the tool itself names
// (fsutil.ReadRegular refuses /proc on purpose: it guards files a
// configuration names).
func readProc(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}
