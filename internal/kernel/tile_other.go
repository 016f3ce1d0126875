//go:build !amd64

package kernel

func tileUpdate(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, rows int) {
	tileUpdateGo(c, ldc, a, lda, b, ldb, rows)
}

func tileUpdatePair(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, bstep int, rows int, next []float64) {
	tileUpdateGo(c, ldc, a, lda, b, ldb, rows)
	tileUpdateGo(c[8:], ldc, a, lda, b[bstep:], ldb, rows)
}
