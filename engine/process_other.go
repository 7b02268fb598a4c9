//go:build !unix

package engine

import (
	"os"
	"os/exec"
)

func ownProcessGroup(*exec.Cmd) {}

// interrupt: without signals, the only way to stop pulumi is to kill it.
func interrupt(p *os.Process) { _ = p.Kill() }

// processAlive cannot tell here: a lock is never taken for stale.
func processAlive(int) bool { return true }
