package linear

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkFitDouble times Solve with Precision Double (the Gram path) on
// tall random problems, against the Householder QR it replaces, reporting
// the process's CPU time per fit too (steadier than wall time on a shared
// machine). n = 2·10⁶, d = 20 is the size of the exact reference of the
// CLI's gradient-descent benchmark (BenchmarkMatrixGD in package fit);
// n = 10⁵, d = 1000 is a wide design, whose Gram pass takes packed panels.
// Each problem is made inside its sub-benchmark, so that -bench selects
// which are made.
func BenchmarkFitDouble(b *testing.B) {
	for _, sz := range []struct{ n, d int }{{100000, 50}, {20000, 600}, {1000000, 100}, {2000000, 20}, {100000, 1000}} {
		if (sz.n > 100000 || sz.d > 600) && testing.Short() {
			continue
		}
		var x *mat.Dense
		var y []float64
		problem := func() {
			if x == nil {
				x, y = benchProblem(sz.n, sz.d)
			}
		}
		b.Run(fmt.Sprintf("gram/n=%d/d=%d", sz.n, sz.d), func(b *testing.B) {
			problem()
			b.ReportAllocs()
			c0 := processCPU()
			for b.Loop() {
				if _, err := Solve(x, y, &Settings{Precision: Double}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((processCPU()-c0).Seconds()/float64(b.N), "cpu-s/op")
		})
		if sz.n*sz.d <= 5000000 {
			b.Run(fmt.Sprintf("householder/n=%d/d=%d", sz.n, sz.d), func(b *testing.B) {
				problem()
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

// BenchmarkPanelLayout times the two Gram passes alone, the Gram path's
// (gramFit.gram) and CholeskyQR2's (cqr.pass, without its triangular
// solve), with their panels by rows and packed: the measurement behind
// kernel.PackWidth for this package. n·d = 2·10⁷ standard normal values,
// widths on both sides of PackWidth; CPU time per pass as cpu-s/op.
func BenchmarkPanelLayout(b *testing.B) {
	for _, d := range []int{100, 382, 446, 510, 600, 1000, 1020} {
		n := 20000000 / d
		var passes map[string]func()
		for _, name := range []string{"gram", "cholqr"} {
			for _, packed := range []bool{false, true} {
				layout := "rows"
				if packed {
					layout = "packed"
				}
				b.Run(fmt.Sprintf("d=%d/%s/%s", d, name, layout), func(b *testing.B) {
					if passes == nil {
						passes = layoutPasses(n, d)
					}
					defer func(p func(int) bool) { packs = p }(packs)
					packs = func(int) bool { return packed }
					c0 := processCPU()
					for b.Loop() {
						passes[name]()
					}
					b.ReportMetric((processCPU()-c0).Seconds()/float64(b.N), "cpu-s/op")
				})
			}
		}
	}
}

// layoutPasses returns BenchmarkPanelLayout's two passes over one n×d
// benchProblem.
func layoutPasses(n, d int) map[string]func() {
	x, y := benchProblem(n, d)
	f := &gramFit{xs: x.RawMatrix().Data, stride: d, y: y, n: n, d: d, intercept: true, rb: newRowBlocks(n, d)}
	mh := f.provisionalMeans()
	m := parallelMoments(x, y, nil, true, tsqrBlocks(n))
	c := newCQR(x, y, nil, &m)
	pos := make([]int, d)
	for j := range pos {
		pos[j] = j
	}
	return map[string]func(){
		"gram":   func() { f.gram(mh) },
		"cholqr": func() { c.pass(pos, nil) },
	}
}
