package main

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// adviseHuge asks the kernel to back the 2 MB pages inside x with
// transparent huge pages (MADV_HUGEPAGE), before x is first written.
func adviseHuge(x []float64) error {
	const page = 2 << 20
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 8*len(x))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := int((p+page-1)&^(page-1) - p)
	hi := int((p+uintptr(len(b)))&^(page-1) - p)
	if hi <= lo {
		return nil
	}
	return unix.Madvise(b[lo:hi], unix.MADV_HUGEPAGE)
}

// threadCPU is the CPU time the calling thread has used.
func threadCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
