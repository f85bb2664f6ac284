// Package benchkit holds what the benchmark commands share: the server
// processes they start, and how they read answers.
package benchkit

import (
	"os/exec"
	"syscall"
)

// DieWithParent makes the kernel kill a server process when the benchmark
// dies, so that an interrupted run leaves no server behind.
func DieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
