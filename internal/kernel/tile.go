package kernel

import "math"

// TileUpdate adds AᵀB to the 8×8 block C: C[a][b] += Σᵢ A[i][a]·B[i][b] for
// a, b < 8 and i < rows, A and B row-major with strides lda and ldb, C with
// stride ldc. GramUpdate's tiles are TileUpdate with A and B in one panel;
// package linear's blocked triangular solve of the panels' transposes uses
// it with A a band of the triangular factor and B the rows of the panel
// solved so far. Each
// entry is accumulated with fused multiply-adds in row order, so every
// kernel gives identical bits.
func TileUpdate(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, rows int) {
	if rows <= 0 {
		return
	}
	// Bounds the assembly relies on.
	_ = c[7*ldc+7]
	_ = a[(rows-1)*lda+7]
	_ = b[(rows-1)*ldb+7]
	tileUpdate(c, ldc, a, lda, b, ldb, rows)
}

// tilePair is TileUpdate of two tiles side by side, the 8×16 block C whose
// right half, c[8:], takes B's strip bstep elements on: C[a][8+b] +=
// Σᵢ A[i][a]·B[i][bstep+b]. Each entry takes TileUpdate's fused
// multiply-adds in row order, so the bits are those of two calls; on
// AVX-512 one pass over A does both, with sixteen multiply-adds for every
// ten loads instead of eight for nine (BenchmarkGramUpdate). next is the
// 8×16 block (stride ldc) the caller updates after this one, or c itself:
// a kernel may ask for it in the caches, and changes no value in it.
func tilePair(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, bstep int, rows int, next []float64) {
	if rows <= 0 {
		return
	}
	// Bounds the assembly relies on.
	_ = c[7*ldc+15]
	_ = a[(rows-1)*lda+7]
	_ = b[bstep+(rows-1)*ldb+7]
	_ = next[7*ldc+15]
	tileUpdatePair(c, ldc, a, lda, b, ldb, bstep, rows, next)
}

// tileUpdateGo is the portable TileUpdate: the same fused multiply-adds in
// the same order as the assembly.
func tileUpdateGo(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, rows int) {
	for r := 0; r < 8; r++ {
		for k := 0; k < 8; k++ {
			s := c[r*ldc+k]
			for i := 0; i < rows; i++ {
				s = math.FMA(a[i*lda+r], b[i*ldb+k], s)
			}
			c[r*ldc+k] = s
		}
	}
}
