package linear

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkGramUpdate measures the Gram kernel on one panel: PᵀP for a
// gramPanelRows×m panel, m = gramWidth(d), reporting GFLOP/s counted as
// 2 flops per multiply-add of the upper triangle (m(m+1)/2 entries).
func BenchmarkGramUpdate(b *testing.B) {
	for _, d := range []int{20, 100, 400} {
		m := gramWidth(d)
		rng := rand.New(rand.NewPCG(1, 2))
		p := make([]float64, gramPanelRows*m)
		for i := range p {
			p[i] = rng.NormFloat64()
		}
		c := make([]float64, m*m)
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				gramUpdate(c, p, m, gramPanelRows)
			}
			flops := float64(m*(m+1)/2) * 2 * gramPanelRows * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
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
		gramTile8Go(c, m, p, p[8:], m, gramPanelRows)
	}
	b.ReportMetric(float64(64*2*gramPanelRows*b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkFitDouble times Fit with Precision Double (the Gram path) on
// tall random problems, against the Householder QR it replaces.
func BenchmarkFitDouble(b *testing.B) {
	for _, sz := range []struct{ n, d int }{{100000, 50}, {20000, 600}, {1000000, 100}} {
		if sz.n > 100000 && testing.Short() {
			continue
		}
		x, y := benchProblem(sz.n, sz.d)
		b.Run(fmt.Sprintf("gram/n=%d/d=%d", sz.n, sz.d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Fit(x, y, &Settings{Precision: Double}); err != nil {
					b.Fatal(err)
				}
			}
		})
		if sz.n*sz.d <= 5000000 {
			b.Run(fmt.Sprintf("householder/n=%d/d=%d", sz.n, sz.d), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := fitFloat(x, y, &Settings{Precision: Double}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// benchProblem is n×d standard normal with y = Σx_j/(j+1) + noise.
func benchProblem(n, d int) (*mat.Dense, []float64) {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(d)))
	data := make([]float64, n*d)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		s := 0.0
		for j := 0; j < d; j++ {
			v := rng.NormFloat64()
			data[i*d+j] = v
			s += v / float64(j+1)
		}
		y[i] = s + rng.NormFloat64()
	}
	return mat.NewDense(n, d, data), y
}

// BenchmarkRowKernels times the per-row work of a refinement pass at
// d = 100 (centred copy and dot, then the update of Ãᵀr).
func BenchmarkRowKernels(b *testing.B) {
	const d = 100
	rng := rand.New(rand.NewPCG(5, 6))
	row, means, beta, xc, h := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	for j := range row {
		row[j], means[j], beta[j] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
	}
	b.ReportAllocs()
	for b.Loop() {
		t := centredDot(xc, row, means, beta)
		axpy(h, 1e-3*t, xc)
	}
}
