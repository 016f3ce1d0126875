package kernel

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"
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

// BenchmarkLossGradVsRead is the full pass at n = 2·10⁶, d = 20 without
// weights (the CLI's gradient-descent epoch on the task's CSV), each pass
// paired with a STREAM-style read of the same X (ReadSum: one contiguous
// part per worker, eight accumulators) so that both run under the same load
// from other processes. It reports the medians of both bandwidths, the pass
// counting the bytes of X and y, and their ratio. 340 MB; skipped under
// -short.
func BenchmarkLossGradVsRead(b *testing.B) {
	if testing.Short() {
		b.Skip("340 MB design; run without -short")
	}
	const n, d = 2_000_000, 20
	x, y, _, mu, s := problem(n, d, 9)
	k := NewLS(x, n, d, d, y, nil, true, mu, s)
	theta := make([]float64, d+1)
	for j := range theta {
		theta[j] = 0.01 * float64(j%5)
	}
	g := make([]float64, d+1)
	var pass, read []float64
	for b.Loop() {
		t0 := time.Now()
		sink += ReadSum(x)
		t1 := time.Now()
		sink += k.LossGrad(g, theta)
		t2 := time.Now()
		read = append(read, float64(8*n*d)/t1.Sub(t0).Seconds()/1e9)
		pass = append(pass, float64(8*n*(d+1))/t2.Sub(t1).Seconds()/1e9)
	}
	p, r := medianOf(pass), medianOf(read)
	b.ReportMetric(p, "pass-GB/s")
	b.ReportMetric(r, "read-GB/s")
	b.ReportMetric(p/r, "pass/read")
}

func medianOf(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
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

// BenchmarkRows is the block pass of each row kernel on one block of rows
// (800 KB at d = 100, 160 KB at d = 20, in L2 cache) without weights: the
// arithmetic cost per row, without the memory traffic of a full pass.
func BenchmarkRows(b *testing.B) {
	for _, d := range []int{20, 100} {
		const n = BlockRows
		x, y, _, _, _ := problem(n, d, 9)
		wp := make([]float64, d)
		for j := range wp {
			wp[j] = 1 / float64(j+1)
		}
		g := make([]float64, d)
		for _, m := range []struct {
			name         string
			ok           bool
			avx512, avx2 bool
		}{{"avx512", hasAVX512(), true, false}, {"avx2", hasAVX2(), false, true}, {"go", true, false, false}} {
			b.Run(fmt.Sprintf("d=%d/%s", d, m.name), func(b *testing.B) {
				if !m.ok {
					b.Skip("not supported here")
				}
				defer saveKernel()()
				setKernel(m.avx512, m.avx2)
				b.SetBytes(int64(8 * n * (d + 1)))
				b.ReportAllocs()
				for b.Loop() {
					sr, sl := rowsK(g, x, d, n, wp, 0.5, y, nil, true)
					sink += sr + sl
				}
			})
		}
	}
}

// gramPanelRows is package linear's most rows per Gram panel.
const gramPanelRows = 128

// BenchmarkGramUpdate measures the Gram kernel on one panel: PᵀP for a
// gramPanelRows×m panel, m = gramWidth(d), stored by rows (GramUpdate) and
// packed (GramUpdatePacked), reporting GFLOP/s counted as 2 flops per
// multiply-add of the upper triangle (m(m+1)/2 entries), per second of wall
// time and per second of the thread's CPU time (steadier on a shared
// machine). BenchmarkFMAPeak gives the core's peak to compare with.
func BenchmarkGramUpdate(b *testing.B) {
	for _, d := range []int{20, 100, 400, 1000} {
		m := gramWidth(d)
		rng := rand.New(rand.NewPCG(1, 2))
		p := make([]float64, gramPanelRows*m)
		for i := range p {
			p[i] = rng.NormFloat64()
		}
		packed := make([]float64, len(p))
		for i := 0; i < gramPanelRows; i++ {
			PackRow(packed, gramPanelRows, i, p[i*m:(i+1)*m])
		}
		c := make([]float64, m*m)
		for _, k := range []struct {
			name   string
			update func(c, p []float64, m, rows int)
			panel  []float64
		}{{"rows", GramUpdate, p}, {"packed", GramUpdatePacked, packed}} {
			b.Run(fmt.Sprintf("d=%d/%s", d, k.name), func(b *testing.B) {
				b.ReportAllocs()
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				c0 := threadCPU()
				for b.Loop() {
					k.update(c, k.panel, m, gramPanelRows)
				}
				flops := float64(m*(m+1)/2) * 2 * gramPanelRows * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				b.ReportMetric(flops/(threadCPU()-c0).Seconds()/1e9, "cpu-GFLOP/s")
			})
		}
	}
}

// BenchmarkGramTileGo is the portable kernel, for comparison.
func BenchmarkGramTileGo(b *testing.B) {
	m := gramWidth(100)
	p := make([]float64, gramPanelRows*m)
	for i := range p {
		p[i] = float64(i%7) - 3
	}
	c := make([]float64, m*m)
	b.ReportAllocs()
	for b.Loop() {
		tileUpdateGo(c, m, p, m, p[8:], m, gramPanelRows)
	}
	b.ReportMetric(float64(64*2*gramPanelRows*b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkGramRowKernels times the per-row work of package linear's
// refinement pass at d = 100 (centred copy and dot, then the update of Ãᵀr).
func BenchmarkGramRowKernels(b *testing.B) {
	const d = 100
	rng := rand.New(rand.NewPCG(5, 6))
	row, means, beta, xc, h := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	for j := range row {
		row[j], means[j], beta[j] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
	}
	b.ReportAllocs()
	for b.Loop() {
		t := CentredDot(xc, row, means, beta)
		Axpy(h, 1e-3*t, xc)
	}
}
