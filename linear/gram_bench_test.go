package linear

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkFitDouble times Solve with Precision Double (the Gram path) on
// tall random problems, against the Householder QR it replaces. n = 2·10⁶,
// d = 20 is the size of the exact reference of the CLI's gradient-descent
// benchmark (BenchmarkMatrixGD in package fit).
func BenchmarkFitDouble(b *testing.B) {
	for _, sz := range []struct{ n, d int }{{100000, 50}, {20000, 600}, {1000000, 100}, {2000000, 20}} {
		if sz.n > 100000 && testing.Short() {
			continue
		}
		x, y := benchProblem(sz.n, sz.d)
		b.Run(fmt.Sprintf("gram/n=%d/d=%d", sz.n, sz.d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Solve(x, y, &Settings{Precision: Double}); err != nil {
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
