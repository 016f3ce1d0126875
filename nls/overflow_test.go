package nls

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
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

// dnase1 is run 1 of R's DNase data set (datasets package): the ELISA
// optical density against the DNase concentration, 16 rows.
var dnase1 = struct{ conc, density []float64 }{
	conc:    []float64{0.04882812, 0.04882812, 0.1953125, 0.1953125, 0.390625, 0.390625, 0.78125, 0.78125, 1.5625, 1.5625, 3.125, 3.125, 6.25, 6.25, 12.5, 12.5},
	density: []float64{0.017, 0.018, 0.121, 0.124, 0.206, 0.215, 0.377, 0.374, 0.614, 0.609, 1.019, 1.001, 1.334, 1.364, 1.73, 1.71},
}

// TestCurveJacobianOverflowAtStart: R's logistic for DNase run 1 from
// Asym=100, xmid=10, scal=0.01. There (xmid − log conc)/scal ≥ 750, so
// exp overflows to +Inf on every row: the model 100/(1+Inf) = 0 is finite,
// but ∂/∂scal = −Asym·e·(xmid − log conc)/(scal²(1+e)²) is Inf/Inf = NaN.
// Every method must stop there with Status Failure (not an error, not a
// success) and a Message naming the parameter and the starting point; the
// residuals are −density, so σ̂ = √(Σ density²/13) is known and finite (it
// was NaN, which the CLI read as residuals beyond float64).
func TestCurveJacobianOverflowAtStart(t *testing.T) {
	start := map[string]float64{"Asym": 100, "xmid": 10, "scal": 0.01}
	ss := 0.0
	for _, y := range dnase1.density {
		ss += y * y
	}
	wantSD := math.Sqrt(ss / 13)
	for _, tc := range []struct {
		name string
		s    *Settings
	}{
		{"lm", &Settings{}},
		{"gn", &Settings{Method: GaussNewton}},
		{"gd", &Settings{Optimizer: &optim.GD{}}},
		{"adam", &Settings{Optimizer: &optim.Adam{}}},
	} {
		res, err := Curve(context.Background(), "Asym/(1+exp((xmid-log(conc))/scal))", dnase1.density,
			map[string][]float64{"conc": dnase1.conc}, start, tc.s)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if res.Status != lsq.Failure {
			t.Errorf("%s: status %v, want failure", tc.name, res.Status)
		}
		for _, want := range []string{"parameter scal, at the starting point Asym=100, scal=0.01, xmid=10", "the derivatives are not finite there (an overflow", "try other starting values"} {
			if !strings.Contains(res.Message, want) {
				t.Errorf("%s: message %q lacks %q", tc.name, res.Message, want)
			}
		}
		// The same 16 squares summed in the same order: a few ulps.
		if math.Abs(res.ResidualSD-wantSD) > 1e-14*wantSD || res.DF != 13 {
			t.Errorf("%s: residual SD %v on %d df, want %v on 13", tc.name, res.ResidualSD, res.DF, wantSD)
		}
	}
}
