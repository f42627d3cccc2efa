//go:build !unix

package scancli

import "time"

// cpuTime is not measured on this platform; benchmarks then omit MB/cpu-s.
func cpuTime() time.Duration { return 0 }
