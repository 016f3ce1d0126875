package stream

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// TestUnscaledMatchesLinear: Result.Unscaled = R⁻¹R⁻ᵀ from the streamed
// factor equals (X̃ᵀWX̃)⁻¹ of the in-memory fit (linear.Solve), with and
// without intercept and weights, and its diagonal gives StdErr. Tolerance
// 1e-12 relative to the largest entry: both are computed from QR factors
// in double-double of a design with condition number below 10.
func TestUnscaledMatchesLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n, d := 200, 3
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	w := make([]float64, n)
	for i := range n {
		for j := range d {
			x.Set(i, j, rng.NormFloat64()+float64(j))
		}
		y[i] = 1 + x.At(i, 0) - 2*x.At(i, 2) + rng.NormFloat64()
		w[i] = 0.5 + rng.Float64()
	}
	for _, c := range linearCases(w) {
		got, want := solveBoth(t, x, y, c.w, c.intercept)
		k := want.Unscaled.SymmetricDim()
		if got.Unscaled == nil || got.Unscaled.SymmetricDim() != k {
			t.Fatalf("intercept %v: Unscaled %v, want %d×%d", c.intercept, got.Unscaled, k, k)
		}
		scale := mat.Norm(want.Unscaled, math.Inf(1))
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				if math.Abs(got.Unscaled.At(i, j)-want.Unscaled.At(i, j)) > 1e-12*scale {
					t.Errorf("intercept %v weights %v: Unscaled[%d][%d] = %v, linear %v", c.intercept, c.w != nil, i, j, got.Unscaled.At(i, j), want.Unscaled.At(i, j))
				}
			}
		}
		off := 0
		if c.intercept {
			off = 1
		}
		for j, se := range got.StdErr {
			if v := got.ResidualSD * math.Sqrt(got.Unscaled.At(j+off, j+off)); math.Abs(v-se) > 1e-13*se {
				t.Errorf("StdErr[%d] = %v, from Unscaled %v", j, se, v)
			}
		}
	}
	r, _ := func() (*Result, error) {
		q := NewQR(d, true)
		q.Add(x, y, nil)
		return q.Solve(0.5, nil)
	}()
	if r.Unscaled != nil {
		t.Error("ridge: Unscaled is not nil")
	}
}

// linearCase is one fit of a comparison with linear.Solve.
type linearCase struct {
	intercept bool
	w         []float64
}

// linearCases are the fits each comparison with linear.Solve runs: with
// and without intercept, without and with the weights w.
func linearCases(w []float64) []linearCase {
	return []linearCase{{true, nil}, {false, nil}, {true, w}, {false, w}}
}

// solveBoth fits the rows x, y, w by least squares with the streamed
// factor (QR.Solve) and in memory (linear.Solve).
func solveBoth(t *testing.T, x *mat.Dense, y, w []float64, intercept bool) (*Result, *linear.Result) {
	t.Helper()
	_, d := x.Dims()
	q := NewQR(d, intercept)
	if err := q.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	got := mustSolve(t, q, 0)
	want, err := linear.Solve(x, y, &linear.Settings{Weights: w, NoIntercept: !intercept})
	if err != nil {
		t.Fatal(err)
	}
	return got, want
}
