package fsutil

import (
	"os"
	"syscall"
)

// pseudoFS names the kernel file systems whose "regular" files are views of
// process or kernel state (/proc/self/environ holds the environment's
// secrets): never configuration. Magic numbers from linux/magic.h.
var pseudoFS = map[uint32]string{
	0x9fa0:     "procfs",
	0x62656572: "sysfs",
	0x64626720: "debugfs",
	0x74726163: "tracefs",
	0x73636673: "securityfs",
	0x27e0eb:   "cgroupfs",
	0x63677270: "cgroup2fs",
	0xcafe4a11: "bpffs",
	0xde5e81e4: "efivarfs",
	0x62656570: "configfs",
}

// onPseudoFS returns the name of the kernel file system f is on, "" when
// it is an ordinary one.
func onPseudoFS(f *os.File) string {
	var st syscall.Statfs_t
	if err := syscall.Fstatfs(int(f.Fd()), &st); err != nil {
		return ""
	}
	return pseudoFS[uint32(st.Type)]
}
