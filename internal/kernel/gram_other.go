//go:build !amd64

package kernel

// CentredDot sets xc = row − means and returns (row − means)·beta
// (len(xc), len(means), len(beta) ≥ len(row)).
func CentredDot(xc, row, means, beta []float64) float64 {
	n := len(row)
	return centredDotGo(xc[:n], row, means[:n], beta[:n])
}

// Axpy sets h += t·x (len(h) ≥ len(x)).
func Axpy(h []float64, t float64, x []float64) { axpy4Go(h[:len(x)], t, x) }

// Dot returns a·b (len(b) ≥ len(a)).
func Dot(a, b []float64) float64 { return dot4Go(a, b[:len(a)]) }

func refineRowsK(h, x []float64, stride, rows int, means, beta, y, w []float64, my float64) bool {
	return false
}

func residualRowsK(r, x []float64, stride, rows int, coef []float64, b0 float64, y, w []float64, my float64) (rss, tss float64, ok bool) {
	return 0, 0, false
}
