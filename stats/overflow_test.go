package stats

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/linear"
)

// TestLargeTarget: scaling y by c scales the coefficients, σ̂ and the
// standard errors by c and leaves t, p, R², adjusted R² and F unchanged;
// the log-likelihood moves by −n·log c. For x = 1..5, y = (1,3,2,5,4)·1e200
// RSS = 3.6e400 overflows float64, but σ̂ = √(3.6/3)·1e200 = 1.0954e200 and
// R² = 0.64 do not (closed forms of the unscaled line 0.6 + 0.8x). The
// same holds with weights and for the HC covariances.
func TestLargeTarget(t *testing.T) {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	base := []float64{1, 3, 2, 5, 4}
	const c = 1e200
	y := make([]float64, len(base))
	for i, v := range base {
		y[i] = v * c
	}
	for _, tc := range []struct {
		cov CovType
		w   []float64
	}{{NonRobust, nil}, {HC1, nil}, {HC3, nil}, {NonRobust, []float64{1, 2, 1, 2, 1}}, {HC2, []float64{1, 2, 1, 2, 1}}} {
		cov, w := tc.cov, tc.w
		ref, err := linear.Solve(x, base, &linear.Settings{Weights: w})
		if err != nil {
			t.Fatal(err)
		}
		res, err := linear.Solve(x, y, &linear.Settings{Weights: w})
		if err != nil {
			t.Fatal(err)
		}
		want, err := Summarize(ref, x, w, &Settings{Cov: cov})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Summarize(res, x, w, &Settings{Cov: cov})
		if err != nil {
			t.Fatal(err)
		}
		// Rounding of the scaled fit: 1e-12 relative.
		const tol = 1e-12
		rel := func(name string, g, w float64) {
			if math.IsNaN(g) || math.IsInf(g, 0) || math.Abs(g-w) > tol*math.Abs(w) {
				t.Errorf("%v %s: %v, want %v", cov, name, g, w)
			}
		}
		rel("σ̂", got.ResidualSD, c*want.ResidualSD)
		rel("R²", got.R2, want.R2)
		if w == nil { // the closed forms of the unweighted line
			rel("σ̂ closed form", got.ResidualSD, math.Sqrt(3.6/3)*c)
			rel("R² closed form", got.R2, 0.64)
		}
		rel("adjusted R²", got.AdjR2, want.AdjR2)
		rel("F", got.F, want.F)
		rel("p of F", got.FPValue, want.FPValue)
		rel("log-likelihood", got.LogLik, want.LogLik-5*math.Log(c))
		rel("AIC", got.AIC, want.AIC+10*math.Log(c))
		rel("BIC", got.BIC, want.BIC+10*math.Log(c))
		for j := range got.Terms {
			g, w := got.Terms[j], want.Terms[j]
			rel("coefficient", g.Coef, c*w.Coef)
			rel("standard error", g.StdErr, c*w.StdErr)
			rel("t", g.T, w.T)
			rel("p", g.P, w.P)
			rel("lower", g.Lower, c*w.Lower)
			rel("upper", g.Upper, c*w.Upper)
		}
		if !math.IsInf(got.RSS, 1) {
			t.Errorf("%v: RSS %v, want +Inf (3.6e400 is not a float64)", cov, got.RSS)
		}
	}
}
