//go:build !linux

package probe

import "time"

var start = time.Now()

// ThreadCPU stands in for the thread's CPU time with the wall time.
func ThreadCPU() time.Duration { return time.Since(start) }
