//go:build !unix

package logfmt

import (
	"errors"
	"os"
)

var errSymlink = errors.New("symbolic link")

func openNoFollow(path string) (*os.File, error) {
	if st, err := os.Lstat(path); err == nil && st.Mode()&os.ModeSymlink != 0 {
		return nil, errSymlink
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
}

func isSymlinkErr(err error) bool { return errors.Is(err, errSymlink) }

func links(os.FileInfo) uint64 { return 1 }
