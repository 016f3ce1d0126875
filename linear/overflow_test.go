package linear

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestLargeTargetSums: least squares is linear in y, so scaling y by c
// scales the coefficients and residuals by c, RSS and TSS by c², and leaves
// R² unchanged. For x = 1..5, y = (1,3,2,5,4) the line is 0.6 + 0.8x,
// residuals (−0.4, 0.8, −1, 1.2, −0.6), RSS = 3.6, TSS = 10, R² = 0.64.
// With c = 1e200, RSS = 3.6e400 and TSS = 1e401 are beyond float64: they
// are +Inf (never NaN) while the scaled sums give R² and √RSS exactly.
func TestLargeTargetSums(t *testing.T) {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	base := []float64{1, 3, 2, 5, 4}
	scaled := func(c float64) []float64 {
		y := make([]float64, len(base))
		for i, v := range base {
			y[i] = v * c
		}
		return y
	}
	const c = 1e200
	for _, set := range []Settings{
		{Method: QR, Precision: Double},
		{Method: QR, Precision: DoubleDouble},
		{Method: SVD},
		{Method: Cholesky},
		{Method: QR, Precision: DoubleDouble, Weights: []float64{1, 2, 1, 2, 1}},
	} {
		name := fmt.Sprintf("%v/%v/w=%v", set.Method, set.Precision, set.Weights != nil)
		ref, err := Solve(x, base, &set)
		if err != nil {
			t.Fatal(err)
		}
		if ref.SSScale != 1 || ref.ScaledRSS != ref.RSS || ref.ScaledTSS != ref.TSS {
			t.Errorf("%s: unscaled data: SSScale %v, scaled sums %v %v, sums %v %v; want 1 and the sums themselves", name, ref.SSScale, ref.ScaledRSS, ref.ScaledTSS, ref.RSS, ref.TSS)
		}
		res, err := Solve(x, scaled(c), &set)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// The factorisations are equivariant under scaling y except for
		// rounding: 1e-13 relative.
		const tol = 1e-13
		rel := func(got, want float64) bool { return math.Abs(got-want) <= tol*math.Abs(want) }
		if !rel(res.Coef[0], c*ref.Coef[0]) || !rel(res.Intercept, c*ref.Intercept) {
			t.Errorf("%s: line %g + %g x, want %g + %g x", name, res.Intercept, res.Coef[0], c*ref.Intercept, c*ref.Coef[0])
		}
		if !math.IsInf(res.RSS, 1) || !math.IsInf(res.TSS, 1) {
			t.Errorf("%s: RSS %v, TSS %v; want +Inf (3.6e400 and 1e401 are not float64s)", name, res.RSS, res.TSS)
		}
		r2 := 1 - res.ScaledRSS/res.ScaledTSS
		if want := 1 - ref.RSS/ref.TSS; !rel(r2, want) {
			t.Errorf("%s: R² %v, want %v", name, r2, want)
		}
		if got, want := res.SSScale*math.Sqrt(res.ScaledRSS), c*math.Sqrt(ref.RSS); !rel(got, want) {
			t.Errorf("%s: √RSS %v, want %v", name, got, want)
		}
		if set.Weights == nil {
			// The closed forms above.
			if !rel(r2, 0.64) || !rel(res.SSScale*math.Sqrt(res.ScaledRSS), math.Sqrt(3.6)*c) {
				t.Errorf("%s: R² %v, √RSS %v; want 0.64 and √3.6·1e200", name, r2, res.SSScale*math.Sqrt(res.ScaledRSS))
			}
		}
	}
}

// TestLargeTargetGram: the same invariance on the tall-problem Gram path
// (n = 1000 rows, x = i mod 7, y = (1,3,2,5,4)[i mod 5]·c); c = 2⁶⁶⁰ is a
// power of two, about 4.8e198, so every step scales exactly and the scaled
// fit must agree with the unscaled one to rounding.
func TestLargeTargetGram(t *testing.T) {
	const n = 1000
	c := math.Ldexp(1, 660)
	x := mat.NewDense(n, 1, nil)
	y, yc := make([]float64, n), make([]float64, n)
	for i := range n {
		x.Set(i, 0, float64(i%7))
		y[i] = []float64{1, 3, 2, 5, 4}[i%5]
		yc[i] = y[i] * c
	}
	set := &Settings{Precision: Double}
	ref, err := Solve(x, y, set)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Solve(x, yc, set)
	if err != nil {
		t.Fatal(err)
	}
	// 1e-13: rounding of sums over 1000 rows.
	const tol = 1e-13
	if math.Abs(res.Coef[0]/c-ref.Coef[0]) > tol*(math.Abs(ref.Coef[0])+math.Abs(ref.Intercept)) {
		t.Errorf("slope %g, want %g", res.Coef[0], c*ref.Coef[0])
	}
	if !math.IsInf(res.RSS, 1) || math.IsNaN(res.ScaledRSS) || math.IsInf(res.ScaledRSS, 0) {
		t.Errorf("RSS %v, ScaledRSS %v; want +Inf and finite", res.RSS, res.ScaledRSS)
	}
	if r2, want := 1-res.ScaledRSS/res.ScaledTSS, 1-ref.RSS/ref.TSS; math.Abs(r2-want) > tol {
		t.Errorf("R² %v, want %v", r2, want)
	}
}
