//go:build unix

package seedcorpus

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time the process has used (user + system, every thread,
// the garbage collector's included). On a shared machine it measures a
// benchmark's cost where wall time measures the other users' load too.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
