//go:build !unix

package cli

import "os/exec"

// execve runs the command as a child where the OS cannot replace a process.
func execve(g *Globals, path string, argv, environ []string) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Env = environ
	return runChild(g, cmd)
}
