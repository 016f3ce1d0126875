package kernel

//go:noescape
func tileUpdateAVX(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, rows int)

//go:noescape
func tileUpdate8AVX512(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, rows int)

//go:noescape
func tileUpdatePairAVX512(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, bstep int, rows int, next *float64)

// tileUpdate selects the kernel: AVX-512 as one 8×8 tile, AVX2 with FMA as
// two 4×8 tiles, or tileUpdateGo.
func tileUpdate(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, rows int) {
	switch {
	case useAVX512:
		tileUpdate8AVX512(c, ldc, a, lda, b, ldb, rows)
	case useAVX2:
		tileUpdateAVX(c, ldc, a, lda, b, ldb, rows)
		tileUpdateAVX(c[4*ldc:], ldc, a[4:], lda, b, ldb, rows)
	default:
		tileUpdateGo(c, ldc, a, lda, b, ldb, rows)
	}
}

// tileUpdatePair selects the kernel of tilePair: AVX-512 as one 8×16
// block, which prefetches next, or tileUpdate twice.
func tileUpdatePair(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, bstep int, rows int, next []float64) {
	if useAVX512 {
		tileUpdatePairAVX512(c, ldc, a, lda, b, ldb, bstep, rows, &next[0])
		return
	}
	tileUpdate(c, ldc, a, lda, b, ldb, rows)
	tileUpdate(c[8:], ldc, a, lda, b[bstep:], ldb, rows)
}
