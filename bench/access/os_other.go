//go:build !linux

package main

import (
	"errors"
	"time"
)

func adviseHuge([]float64) error { return errors.New("-huge needs Linux") }

var start = time.Now()

// threadCPU stands in for the thread's CPU time with the wall time.
func threadCPU() time.Duration { return time.Since(start) }
