package kernel

//go:noescape
func shiftedRowsAVX512(p []float64, m int, x []float64, stride, rows int, s, y, w []float64)

// shiftedRowsK runs ShiftedRows in assembly when the CPU has AVX-512 (the
// caller has checked the bounds) and reports whether it did.
func shiftedRowsK(p []float64, m int, x []float64, stride, rows int, s, y, w []float64) bool {
	if !useAVX512 {
		return false
	}
	shiftedRowsAVX512(p, m, x, stride, rows, s, y, w)
	return true
}
