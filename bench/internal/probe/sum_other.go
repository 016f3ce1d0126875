//go:build !amd64

package probe

// SumRows sums the rows of x (d columns) in the given order; there is no
// prefetch on this architecture.
func SumRows(x []float64, d int, order []int, ahead, lines, hint int, dep bool) float64 {
	return sumRowsGo(x, d, order)
}

// CanPrefetch says whether SumRows issues prefetches on this architecture.
const CanPrefetch = false

// Vectorised says whether SumRows uses AVX2 on this machine.
var Vectorised = false
