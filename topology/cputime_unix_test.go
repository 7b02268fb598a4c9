//go:build unix

package topology

import "syscall"

// cpuTime is the process's user+system CPU time in nanoseconds. On a shared
// machine it is a steadier measure of work than wall-clock time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
