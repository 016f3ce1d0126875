package kernel

//go:noescape
func columnSumsAVX512(acc, x []float64, stride, rows int, mean, w []float64, kind int)

// columnSumsK is columnSumsGo (len(acc) ≤ tileCols) on the fastest kernel
// available; the caller has checked the bounds.
func columnSumsK(acc, x []float64, stride, rows int, mean, w []float64, kind SumKind) {
	if !useAVX512 {
		columnSumsGo(acc, x, stride, rows, mean, w, kind)
		return
	}
	columnSumsAVX512(acc, x, stride, rows, mean, w, int(kind))
}
