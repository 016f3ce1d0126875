package fit_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/optim"
)

// BenchmarkMatrixGD times what `lsq fit --solver gd --epochs 100 --tol -1`
// counts in timings.fit_s: fit.Matrix with gradient descent run for exactly
// 100 epochs (the gap test off) on n = 2·10⁶ rows and d = 20 features, with
// everything around the epochs (moments, exact reference, step size,
// explanation). It reports the bytes of X and y read by the 100 passes per
// second of the whole fit, the figure compared with the read bandwidth.
// Skipped with -short: it holds 340 MB.
func BenchmarkMatrixGD(b *testing.B) {
	if testing.Short() {
		b.Skip("n = 2e6: skipped with -short")
	}
	const n, d, epochs = 2_000_000, 20, 100
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	raw := x.RawMatrix().Data
	// The harness's data (bench/main.go, generate): each row an AR(1)
	// sequence with correlation 0.5 between neighbouring features (Hessian
	// condition ≈ 9, so that 100 steps do not reach the optimum).
	c := math.Sqrt(0.75)
	for i := range n {
		row := raw[i*d : (i+1)*d]
		prev, s := 0.0, 0.0
		for j := range row {
			v := rng.NormFloat64()
			if j > 0 {
				v = 0.5*prev + c*v
			}
			row[j], prev = v, v
			if j%2 == 0 {
				s += v / float64(j+1)
			}
		}
		y[i] = s + rng.NormFloat64()
	}
	s := &fit.Settings{Solver: fit.GD, GapTol: -1, Optim: optim.Settings{Epochs: epochs}}
	b.ResetTimer()
	for range b.N {
		res, err := fit.Matrix(context.Background(), x, y, s)
		if err != nil {
			b.Fatal(err)
		}
		if res.Iterations != epochs {
			b.Fatalf("%d epochs, want %d", res.Iterations, epochs)
		}
	}
	b.ReportMetric(float64(epochs*n*(d+1)*8)/1e9/(b.Elapsed().Seconds()/float64(b.N)), "GB/s")
}
