package probe

import "golang.org/x/sys/cpu"

//go:noescape
func sumRowsAVX2(x []float64, d int, order []int, ahead, lines, hint, dep int) float64

// SumRows sums the rows of x (d columns) in the given order, prefetching
// lines cache lines of the row ahead steps later (none when lines is 0)
// with the given hint (0: T0, 1: T1, 2: NTA); with dep, each row's
// loads wait for the sum of the row before.
func SumRows(x []float64, d int, order []int, ahead, lines, hint int, dep bool) float64 {
	if !cpu.X86.HasAVX2 {
		return sumRowsGo(x, d, order)
	}
	dp := 0
	if dep {
		dp = 1
	}
	return sumRowsAVX2(x, d, order, ahead, lines, hint, dp)
}

// CanPrefetch says whether SumRows issues prefetches on this architecture.
const CanPrefetch = true

// Vectorised says whether SumRows uses AVX2 on this machine.
var Vectorised = cpu.X86.HasAVX2
