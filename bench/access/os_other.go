//go:build !linux

package main

import "time"

var start = time.Now()

// threadCPU stands in for the thread's CPU time with the wall time.
func threadCPU() time.Duration { return time.Since(start) }
