package fit

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/penalty"
)

// TestLargeTargetRMSE: for x = 1..5 and y = (1,3,2,5,4)·1e200 the exact fit
// is the line (0.6 + 0.8x)·1e200 with residuals (−0.4, 0.8, −1, 1.2,
// −0.6)·1e200: MSE = 0.72e400 is beyond float64 (+Inf) while RMSE =
// √0.72·1e200 = 8.485e199 is not.
func TestLargeTargetRMSE(t *testing.T) {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{1e200, 3e200, 2e200, 5e200, 4e200}
	for _, s := range []Solver{QR, SVD, Cholesky} {
		res, err := Matrix(context.Background(), x, y, &Settings{Solver: s})
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		// Rounding of the factorisations: 1e-13 relative.
		const tol = 1e-13
		if math.Abs(res.RMSE/(math.Sqrt(0.72)*1e200)-1) > tol {
			t.Errorf("%s: RMSE %v, want √0.72·1e200", s, res.RMSE)
		}
		if math.Abs(res.Coef[0]/0.8e200-1) > tol || math.Abs(res.Intercept/0.6e200-1) > tol {
			t.Errorf("%s: line %g + %g x, want 6e199 + 8e199 x", s, res.Intercept, res.Coef[0])
		}
		if !math.IsInf(res.MSE, 1) {
			t.Errorf("%s: MSE %v, want +Inf (7.2e399 is not a float64)", s, res.MSE)
		}
	}
	// The RMSE of an ordinary fit is √MSE.
	res, err := Matrix(context.Background(), x, []float64{1, 3, 2, 5, 4}, &Settings{Penalty: penalty.L2{Alpha: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.RMSE-math.Sqrt(res.MSE)) > 1e-15*res.RMSE { // 1e-15: a few ulps
		t.Errorf("ridge: RMSE %v, √MSE %v", res.RMSE, math.Sqrt(res.MSE))
	}
}
