//go:build unix

package engine

import (
	"os"
	"os/exec"
	"syscall"
)

// ownProcessGroup starts cmd in a new process group: a terminal's Ctrl-C
// goes to the foreground group, infra's, and not to pulumi behind its back.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interrupt asks a pulumi to cancel, as a Ctrl-C would.
func interrupt(p *os.Process) { _ = p.Signal(os.Interrupt) }

// processAlive reports whether a process of this host runs.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
