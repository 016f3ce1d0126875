//go:build linux

package kernel

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// BenchmarkSGDRows is one pass of batch-1 SGD steps (SGDRows, no driver)
// over an n = 10⁶, d = 100 matrix (800 MB of 800-byte rows) in storage order
// and in a random permutation, with the prefetch SGDRows makes and without
// it, with the prefetch at other distances, and with x moved into 2 MB
// pages (transparent huge pages, one TLB entry for 2 MB instead of 4 kB;
// skipped where the kernel cannot). It reports
// ns/step, and cpu-ns/step, the CPU time of the thread that steps, which
// time spent waiting for a core on a loaded machine does not inflate. The pass's bound is the machine's random-access rate for such
// rows: go run ./bench/access. Not run with -short: it needs 1 GB.
func BenchmarkSGDRows(b *testing.B) {
	if testing.Short() {
		b.Skip("needs 1 GB")
	}
	const n, d = 1_000_000, 100
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n*d)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	k := NewLS(x, n, d, d, y, nil, true, nil, nil)
	ident := make([]int, n)
	for i := range ident {
		ident[i] = i
	}
	perm := append([]int(nil), ident...)
	rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	defer func(a int) { sgdAhead = a }(sgdAhead)
	a0 := sgdAhead
	for _, c := range []struct {
		name  string
		rows  []int
		ahead int
	}{
		{"storage", ident, a0}, {"storage-noprefetch", ident, 0},
		{"permuted", perm, a0}, {"permuted-noprefetch", perm, 0},
		{"permuted-ahead2", perm, 2}, {"permuted-ahead4", perm, 4}, {"permuted-ahead16", perm, 16}, {"permuted-ahead32", perm, 32},
		// Last, as it changes the pages of x for the cases after it.
		{"permuted-huge", perm, a0},
	} {
		b.Run(c.name, func(b *testing.B) {
			sgdAhead = c.ahead
			if c.name == "permuted-huge" {
				t0 := time.Now()
				if err := collapseHuge(x); err != nil {
					b.Skip("no huge pages:", err)
				}
				b.Logf("x collapsed into huge pages in %v", time.Since(t0))
			}
			th := make([]float64, d+1)
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			c0 := threadCPU()
			for b.Loop() {
				if m := k.SGDRows(th, c.rows, 1e-4); m != n {
					b.Fatal(fmt.Sprintf("%d steps", m))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/step")
			b.ReportMetric(float64((threadCPU()-c0).Nanoseconds())/float64(b.N*n), "cpu-ns/step")
		})
	}
}

// threadCPU is the CPU time the calling thread has used.
func threadCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// collapseHuge moves the 2 MB-aligned part of x into transparent huge pages
// now (MADV_COLLAPSE, Linux 6.1 or later), keeping its values.
func collapseHuge(x []float64) error {
	const page = 2 << 20
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 8*len(x))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := int((p+page-1)&^(page-1) - p)
	hi := int((p+uintptr(len(b)))&^(page-1) - p)
	if hi <= lo {
		return nil
	}
	if err := unix.Madvise(b[lo:hi], unix.MADV_HUGEPAGE); err != nil {
		return err
	}
	return unix.Madvise(b[lo:hi], unix.MADV_COLLAPSE)
}
