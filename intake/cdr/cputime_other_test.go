//go:build !unix

package cdr

import "time"

func cpuTime() time.Duration { return 0 }
