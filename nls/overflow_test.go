package nls

import (
	"context"
	"math"
	"testing"
)

// TestCurveLargeTarget: the straight line through y = (1,3,2,5,4)·c at
// x = 1..5 is a = 0.8c, b = 0.6c with RSS = 3.6c², TSS = 10c², so R² = 0.64
// and σ̂ = √(3.6/3)·c. For c = 1e200 RSS = 3.6e400 is beyond float64 (+Inf);
// the fit, σ̂, R², the standard errors (c times those of c = 1) and t must
// not depend on that, and the status must not turn into "no better than a
// constant".
func TestCurveLargeTarget(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	base := []float64{1, 3, 2, 5, 4}
	fitAt := func(c float64) *Result {
		y := make([]float64, len(base))
		for i, v := range base {
			y[i] = v * c
		}
		res, err := Curve(context.Background(), "a*x+b", y, map[string][]float64{"x": x}, map[string]float64{"a": c, "b": c}, nil)
		if err != nil {
			t.Fatalf("c = %g: %v", c, err)
		}
		if !res.Status.Converged() {
			t.Fatalf("c = %g: %v: %s", c, res.Status, res.Message)
		}
		return res
	}
	const c = 1e200
	ref, got := fitAt(1), fitAt(c)
	// Levenberg–Marquardt on a linear model converges to rounding: 1e-10
	// relative is well inside its default tolerances.
	const tol = 1e-10
	rel := func(name string, g, w float64) {
		if math.IsNaN(g) || math.IsInf(g, 0) || math.Abs(g-w) > tol*math.Abs(w) {
			t.Errorf("%s: %v, want %v", name, g, w)
		}
	}
	rel("a", got.X[0], 0.8*c)
	rel("b", got.X[1], 0.6*c)
	rel("σ̂", got.ResidualSD, math.Sqrt(3.6/3)*c)
	rel("R²", got.RSquared, 0.64)
	for j := range got.X {
		rel("standard error", got.StdErr[j], c*ref.StdErr[j])
		rel("t", got.T[j], ref.T[j])
		rel("lower", got.Lower95[j], c*ref.Lower95[j])
	}
	if !math.IsInf(got.RSS, 1) {
		t.Errorf("RSS %v, want +Inf (3.6e400 is not a float64)", got.RSS)
	}
}
