//go:build unix

package cli

import (
	"fmt"
	"os"
	"syscall"
)

// forwarded are the signals passed on to a child (shell, or exec where the
// process cannot be replaced).
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// sigwinch tells that the terminal was resized.
var sigwinch os.Signal = syscall.SIGWINCH

// execve replaces atmos-auth with the command: signals and the exit status
// are the command's own, and nothing is left to clean up.
func execve(g *Globals, path string, argv, environ []string) error {
	err := syscall.Exec(path, argv, environ)
	code := 126
	if err == syscall.ENOENT {
		code = ExitNotFound
	}
	return &ExitError{Code: code, Err: fmt.Errorf("exec %s: %w", argv[0], err)}
}
