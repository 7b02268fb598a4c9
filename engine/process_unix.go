//go:build unix

package engine

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// ownProcessGroup starts cmd in a new process group: a terminal's Ctrl-C
// goes to the foreground group, infra's, and not to pulumi behind its back.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interrupt asks a pulumi to cancel, as a Ctrl-C would.
func interrupt(p *os.Process) { _ = p.Signal(os.Interrupt) }

// processAlive reports whether a process of this host runs. A zombie (a
// killed process its new parent has not reaped yet: where pid 1 is slow to
// reap, a killed run's pulumi lingers so for a while) does not run: its
// locks are stale.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && err != syscall.EPERM {
		return false
	}
	if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		// pid (comm) state ...: the state follows the last parenthesis.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return false
		}
	}
	return true
}
