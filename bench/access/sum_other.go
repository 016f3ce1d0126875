//go:build !amd64

package main

// sumRows sums the rows of x (d columns) in the given order; there is no
// prefetch on this architecture.
func sumRows(x []float64, d int, order []int, ahead, lines, hint int, dep bool) float64 {
	return sumRowsGo(x, d, order)
}

const canPrefetch = false

var vectorised = false
