//go:build !unix

package cli

import (
	"os"
	"os/exec"
)

var forwarded = []os.Signal{os.Interrupt}

// sigwinch does not exist here: the window size is read at start only.
var sigwinch os.Signal = noSignal{}

type noSignal struct{}

func (noSignal) String() string { return "none" }
func (noSignal) Signal()        {}

// execve runs the command as a child where the OS cannot replace a process.
func execve(g *Globals, path string, argv, environ []string) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Env = environ
	return runChild(g, cmd)
}
