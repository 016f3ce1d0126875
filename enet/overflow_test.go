package enet

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestTargetOverflow: y = (1,3,2,5,4)·c at x = 1..5 has mean 3c and
// deviations (−2,0,−1,2,1)·c, so its population variance is 2c².
func TestTargetOverflow(t *testing.T) {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	base := []float64{1, 3, 2, 5, 4}
	scaled := func(c float64) []float64 {
		y := make([]float64, len(base))
		for i, v := range base {
			y[i] = v * c
		}
		return y
	}

	// c = 1e200: the variance 2e400 is beyond float64, an error that says
	// so (it used to report "variance of y 0").
	_, err := Fit(context.Background(), x, scaled(1e200), 0.1, 1, nil)
	var oe *OverflowError
	if !errors.As(err, &oe) {
		t.Fatalf("y ~ 1e200: err = %v, want *OverflowError", err)
	}
	// √2·1e200 to a few ulps (the scaled sum has five terms).
	if sd := math.Sqrt(oe.ScaledVariance) * oe.Scale; math.Abs(sd/(math.Sqrt2*1e200)-1) > 1e-14 {
		t.Errorf("standard deviation %g, want √2·1e200", sd)
	}

	// c = 0.8e154: each square (2·c)² = 2.56e308 overflows but the
	// variance 1.28e308 does not. Least squares is linear in y, so the
	// lasso path is that of c = 1 with α and the coefficients times c.
	// c is not a power of two, so agreement is to rounding: 1e-12.
	const c = 0.8e154
	ref, err := Path(context.Background(), x, base, 1, &PathSettings{NumAlphas: 5})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Path(context.Background(), x, scaled(c), 1, &PathSettings{NumAlphas: 5})
	if err != nil {
		t.Fatalf("y ~ 1e154: %v", err)
	}
	if math.Abs(got.AlphaMax/(c*ref.AlphaMax)-1) > 1e-12 {
		t.Errorf("α_max %g, want %g", got.AlphaMax, c*ref.AlphaMax)
	}
	for k, pt := range got.Points {
		want := ref.Points[k].Coef[0] * c
		// The solvers stop at a relative duality gap, not exactly: 1e-9·c.
		if math.Abs(pt.Coef[0]-want) > 1e-9*math.Abs(c) {
			t.Errorf("point %d: coefficient %g, want %g", k, pt.Coef[0], want)
		}
	}
}
