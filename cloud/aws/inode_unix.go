//go:build unix

package aws

import (
	"os"
	"strconv"
	"syscall"
)

// inode is a file's inode number ("" when unknown): an editor's atomic save
// replaces it even when size and mtime come out equal.
func inode(st os.FileInfo) string {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return strconv.FormatUint(uint64(s.Ino), 10)
	}
	return ""
}
