//go:build unix

package cdr

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time. The benchmark reports rows
// per CPU-second beside rows per wall-second, because a shared machine's
// wall clock measures the neighbours as much as the import.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
