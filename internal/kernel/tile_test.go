package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTileUpdateMatchesFMA checks TileUpdate with every kernel this CPU
// supports against the definition evaluated with the same fused
// multiply-adds in row order, on operands with different strides: the bits
// must agree exactly, as for the Gram tile.
func TestTileUpdateMatchesFMA(t *testing.T) {
	defer saveKernel()()
	rng := rand.New(rand.NewPCG(21, 22))
	const lda, ldb, ldc = 24, 131, 40
	for _, rows := range []int{0, 1, 7, 37} {
		a := make([]float64, max(rows, 1)*lda)
		b := make([]float64, max(rows, 1)*ldb)
		c0 := make([]float64, 8*ldc)
		for _, v := range [][]float64{a, b, c0} {
			for i := range v {
				v[i] = rng.NormFloat64()
			}
		}
		want := append([]float64(nil), c0...)
		for r := 0; r < 8; r++ {
			for k := 0; k < 8; k++ {
				s := want[r*ldc+k]
				for i := 0; i < rows; i++ {
					s = math.FMA(a[i*lda+3+r], b[i*ldb+5+k], s)
				}
				want[r*ldc+k] = s
			}
		}
		for _, md := range kernelModes(t) {
			md.set()
			c := append([]float64(nil), c0...)
			TileUpdate(c, ldc, a[3:], lda, b[5:], ldb, rows)
			for i := range c {
				if c[i] != want[i] {
					t.Fatalf("%s rows=%d: C[%d] = %v, want %v", md.name, rows, i, c[i], want[i])
				}
			}
		}
	}
}

// TestTilePairIsTwoTiles checks tilePair with every kernel this CPU
// supports against two TileUpdate calls on the Go kernel, on operands with
// different strides and both strip offsets GramUpdate and GramUpdatePacked
// pass: the bits must agree exactly.
func TestTilePairIsTwoTiles(t *testing.T) {
	defer saveKernel()()
	rng := rand.New(rand.NewPCG(23, 24))
	const lda, ldb, ldc = 24, 131, 40
	for _, rows := range []int{0, 1, 7, 37} {
		for _, bstep := range []int{8, 8 * max(rows, 1), 61} {
			a := make([]float64, max(rows, 1)*lda)
			b := make([]float64, bstep+max(rows, 1)*ldb)
			c0 := make([]float64, 8*ldc)
			for _, v := range [][]float64{a, b, c0} {
				for i := range v {
					v[i] = rng.NormFloat64()
				}
			}
			setKernel(false, false)
			want := append([]float64(nil), c0...)
			TileUpdate(want, ldc, a[3:], lda, b[5:], ldb, rows)
			TileUpdate(want[8:], ldc, a[3:], lda, b[5+bstep:], ldb, rows)
			for _, md := range kernelModes(t) {
				md.set()
				c := append([]float64(nil), c0...)
				tilePair(c, ldc, a[3:], lda, b[5:], ldb, bstep, rows, c)
				for i := range c {
					if c[i] != want[i] {
						t.Fatalf("%s rows=%d bstep=%d: C[%d] = %v, want %v", md.name, rows, bstep, i, c[i], want[i])
					}
				}
			}
		}
	}
}
