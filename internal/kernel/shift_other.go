//go:build !amd64

package kernel

func shiftedRowsK(p []float64, m int, x []float64, stride, rows int, s, y, w []float64) bool {
	return false
}
