package kernel

//go:noescape
func sgdRowsAVX512(theta []float64, d int, x []float64, stride int, y []float64, rows []int, from, to int, lr float64, ahead int, intercept bool) int

// sgdRowsReg takes the first steps of SGDRows(θ, rows, lr) with θ held in
// registers (sgdRowsAVX512), where the CPU has AVX-512 and the steps are
// SGDStep's plain case (no centre, scale or weights; 1 ≤ d ≤ sgdRegMaxD),
// and returns how many it took: len(rows), or the n of a row whose loss is
// not finite or whose index is out of range, for the caller to take on the
// general path; 0 where it does not apply. It calls the assembly for
// sgdRegChunk steps at a time: the runtime cannot preempt an assembly
// function, and a garbage collection would wait for a whole epoch.
func (k *LS) sgdRowsReg(theta []float64, rows []int, lr float64) int {
	if !useAVX512 || k.center != nil || k.scale != nil || k.wt != nil ||
		k.d < 1 || k.d > sgdRegMaxD || len(theta) != k.Dim() {
		return 0
	}
	ahead := sgdAhead
	if ahead <= 0 {
		ahead = len(rows) // no row is that far ahead: no prefetch
	}
	for n := 0; n < len(rows); {
		to := min(n+sgdRegChunk, len(rows))
		if n = sgdRowsAVX512(theta, k.d, k.x, k.stride, k.y, rows, n, to, lr, ahead, k.intercept); n < to {
			return n
		}
	}
	return len(rows)
}
