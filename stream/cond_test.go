package stream

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
)

// TestCondTSSMatchLinear: the condition number of the standardised design,
// the total sum of squares and the standardisation read off the streamed
// factor equal linear.Solve's and lsq.Moments' for the same rows, with and
// without intercept and weights. The design has correlated columns on
// scales 1 to 1000 (κ of the standardised centred design ≈ 40, of the raw
// one far more), so a Cond taken without the standardisation would fail. Tolerance
// 1e-12 relative: singular values of two backward-stable factors of a
// matrix of condition κ agree to about κ·ε ≈ 1e-14; TSS and the scales are
// sums of positive terms in another order (n·ε ≈ 1e-13).
func TestCondTSSMatchLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	n, d := 300, 3
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	w := make([]float64, n)
	for i := range n {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x.Set(i, 0, a+2)
		x.Set(i, 1, 1000*(a+0.1*b))
		x.Set(i, 2, 30*(b+0.5*rng.NormFloat64())+5)
		y[i] = 1 + a - 2*b + rng.NormFloat64()
		w[i] = 0.5 + rng.Float64()
	}
	for _, c := range linearCases(w) {
		got, want := solveBoth(t, x, y, c.w, c.intercept)
		if c.intercept && want.Cond < 10 {
			t.Fatalf("the design is too well conditioned (κ = %v) to test Cond", want.Cond)
		}
		if relDiff(got.Cond, want.Cond) > 1e-12 {
			t.Errorf("intercept %v weights %v: Cond %v, linear %v", c.intercept, c.w != nil, got.Cond, want.Cond)
		}
		if relDiff(got.TSS, want.TSS) > 1e-12 {
			t.Errorf("intercept %v weights %v: TSS %v, linear %v", c.intercept, c.w != nil, got.TSS, want.TSS)
		}
		_, sd := lsq.Moments(x, c.w, c.intercept)
		if e := maxRel(got.SD, sd); e > 1e-12 {
			t.Errorf("intercept %v weights %v: SD %v, lsq.Moments %v", c.intercept, c.w != nil, got.SD, sd)
		}
	}
}
