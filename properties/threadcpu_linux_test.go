package properties_test

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time (user and system) of the calling OS thread, for
// BenchmarkProveManaged's per-policy lines: on a machine shared by several
// processes, wall time says more about the load than about the policy.
func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

// processCPU is the CPU time (user and system) of the whole process, garbage
// collection included.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
