package kernel

import (
	"strconv"
	"testing"
)

var sink float64

// BenchmarkLossGrad is the fused full pass. The n=1e6, d=100 case needs 800 MB
// for X; it is skipped under -short.
func BenchmarkLossGrad(b *testing.B) {
	for _, sz := range []struct{ n, d int }{{100_000, 50}, {1_000_000, 100}} {
		b.Run("n="+strconv.Itoa(sz.n)+"/d="+strconv.Itoa(sz.d), func(b *testing.B) {
			if testing.Short() && sz.n > 100_000 {
				b.Skip("800 MB design; run without -short")
			}
			x, y, w, mu, s := problem(sz.n, sz.d, 9)
			k := NewLS(x, sz.n, sz.d, sz.d, y, w, true, mu, s)
			theta := make([]float64, sz.d+1)
			g := make([]float64, sz.d+1)
			b.SetBytes(int64(8 * sz.n * sz.d))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				sink += k.LossGrad(g, theta)
			}
		})
	}
}

func BenchmarkBatchLossGrad(b *testing.B) {
	const n, d, batch = 100_000, 50, 32
	x, y, w, mu, s := problem(n, d, 9)
	k := NewLS(x, n, d, d, y, w, true, mu, s)
	theta := make([]float64, d+1)
	g := make([]float64, d+1)
	idx := make([]int, batch)
	for i := range idx {
		idx[i] = (i * 7919) % n
	}
	b.ReportAllocs()
	for b.Loop() {
		sink += k.BatchLossGrad(g, theta, idx)
	}
}
