package fsutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// MaxConfigSize bounds every file read on behalf of a configuration or an
// identity file: a hostile repository can point one at /dev/zero or at a
// multi-gigabyte file.
const MaxConfigSize = 4 << 20

// ErrNotRegular is wrapped by ReadRegular for FIFOs, devices, sockets and
// directories.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by ReadRegular when a file exceeds its cap.
var ErrTooLarge = errors.New("file too large")

// ReadRegular reads a regular file (symlinks are followed) of at most max
// bytes, refusing the "regular" files of kernel file systems (/proc, /sys:
// /proc/self/environ holds the environment's secrets). It never blocks on a
// FIFO (the open is non-blocking and the file type is checked on the open
// descriptor, so a swap between check and read is impossible) and never
// reads more than max+1 bytes.
func ReadRegular(path string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, describeMode(st.Mode()))}
	}
	if fs := onPseudoFS(f); fs != "" {
		return nil, &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (a file on %s)", ErrNotRegular, fs)}
	}
	if st.Size() > max {
		return nil, &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, st.Size(), max)}
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)}
	}
	return b, nil
}

func describeMode(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}
