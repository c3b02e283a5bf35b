package logfmt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrUnsafeFile is wrapped when a log path is a symbolic link, not a
// regular file, or a hard link to another file.
var ErrUnsafeFile = errors.New("unsafe log file")

// OpenFile opens (creating it 0600, and its directory 0700) a log file for
// appending without following a final symbolic link, and only when it is a
// regular file with no other hard link: a configuration cannot turn its log
// into a write to ~/.bashrc through a link planted next to it.
func OpenFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("log file %q: %w", path, withoutPath(err))
	}
	f, err := openNoFollow(path)
	if err != nil {
		if isSymlinkErr(err) {
			return nil, fmt.Errorf("log file %q: %w: it is a symbolic link", path, ErrUnsafeFile)
		}
		return nil, fmt.Errorf("log file %q: %w", path, withoutPath(err))
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("log file %q: %w", path, withoutPath(err))
	}
	if !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, fmt.Errorf("log file %q: %w: not a regular file", path, ErrUnsafeFile)
	}
	if links(st) > 1 {
		_ = f.Close()
		return nil, fmt.Errorf("log file %q: %w: it has other hard links", path, ErrUnsafeFile)
	}
	return f, nil
}

// bare drops the path an *os.PathError repeats (unquoted).
func withoutPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
