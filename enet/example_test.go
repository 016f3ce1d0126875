package enet_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/enet"
)

// exampleData is a small problem: y = 1 + 2·x1 − x3, exactly, with four
// inputs of which x2 and x4 are unrelated to y.
func exampleData() (*mat.Dense, []float64) {
	x := mat.NewDense(8, 4, []float64{
		1, 0, 3, 5,
		2, 1, 7, 3,
		3, 1, 1, 4,
		4, 0, 5, 1,
		5, 1, 8, 2,
		6, 0, 2, 6,
		7, 1, 6, 3,
		8, 0, 4, 5,
	})
	y := make([]float64, 8)
	for i := range y {
		y[i] = 1 + 2*x.At(i, 0) - x.At(i, 2)
	}
	return x, y
}

// A lasso fit: the penalty shrinks the two real effects (x1 and x3 have the
// same standard deviation and nearly no correlation, so their standardised
// coefficients shrink by about α/(1 − r) alike) and leaves the unrelated
// inputs exactly at zero.
func ExampleFit() {
	x, y := exampleData()
	fit, err := enet.Fit(context.Background(), x, y, 0.1, 1, &enet.Settings{Tol: 1e-12})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("status %v, %d non-zero\n", fit.Status, fit.NonZero)
	fmt.Printf("intercept %.4f\n", fit.Intercept)
	for j, c := range fit.Coef {
		fmt.Printf("x%d %.4f\n", j+1, c)
	}
	// Output:
	// status converged, 2 non-zero
	// intercept 1.0000
	// x1 1.9518
	// x2 0.0000
	// x3 -0.9518
	// x4 0.0000
}

// A lasso path: from α_max, where every coefficient is zero, down to
// α_max/1000, with the number of non-zero coefficients at each step.
func ExamplePath() {
	x, y := exampleData()
	path, err := enet.Path(context.Background(), x, y, 1, &enet.PathSettings{NumAlphas: 5})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("alpha_max %.4f\n", path.AlphaMax)
	for _, p := range path.Points {
		fmt.Printf("alpha %.5f  non-zero %d  x1 %.4f  x3 %.4f\n", p.Alpha, p.NonZero, p.Coef[0], p.Coef[2])
	}
	// Output:
	// alpha_max 4.3644
	// alpha 4.36436  non-zero 0  x1 0.0000  x3 0.0000
	// alpha 0.77610  non-zero 2  x1 1.6256  x3 -0.6256
	// alpha 0.13801  non-zero 2  x1 1.9334  x3 -0.9334
	// alpha 0.02454  non-zero 2  x1 1.9882  x3 -0.9882
	// alpha 0.00436  non-zero 2  x1 1.9979  x3 -0.9979
}

// noisyData is 100 rows of five inputs; y depends on the first two only.
func noisyData() (*mat.Dense, []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(100, 5, nil)
	y := make([]float64, 100)
	for i := range y {
		for j := 0; j < 5; j++ {
			x.Set(i, j, rng.NormFloat64())
		}
		y[i] = 3 + 2*x.At(i, 0) - x.At(i, 1) + 0.5*rng.NormFloat64()
	}
	return x, y
}

// Five-fold cross-validation of the lasso and an elastic net: the mixing
// value and α with the least validation error, the larger α within one
// standard error of it, and the refit on all rows.
func ExampleCV() {
	x, y := noisyData()
	s := &enet.CVSettings{L1Ratios: []float64{1, 0.5}, Folds: 5, Seed: 7}
	s.NumAlphas = 30
	cv, err := enet.CV(context.Background(), x, y, s)
	if err != nil {
		log.Fatal(err)
	}
	c := cv.Curves[cv.Best]
	fmt.Printf("l1_ratio %.1f  alpha_min %.4f (mse %.4f ± %.4f)  alpha_1se %.4f\n",
		cv.L1Ratio, cv.AlphaMin, c.MSE[c.Min], c.SE[c.Min], cv.Alpha1SE)
	fmt.Printf("refit: %d non-zero, intercept %.3f, x1 %.3f, x2 %.3f\n",
		cv.Refit.NonZero, cv.Refit.Intercept, cv.Refit.Coef[0], cv.Refit.Coef[1])
	// Output:
	// l1_ratio 1.0  alpha_min 0.0302 (mse 0.2444 ± 0.0518)  alpha_1se 0.1601
	// refit: 4 non-zero, intercept 2.958, x1 1.968, x2 -0.945
}

// Exact leave-one-out and generalised cross-validation for ridge over a
// grid, from one eigendecomposition.
func ExampleRidgeLOO() {
	x, y := noisyData()
	r, err := enet.RidgeLOO(context.Background(), x, y, []float64{10, 1, 0.1, 0.01}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for k, a := range r.Alphas {
		fmt.Printf("alpha %-5v loo %.4f  gcv %.4f  df %.3f\n", a, r.LOO[k], r.GCV[k], r.DF[k])
	}
	fmt.Printf("best alpha %v\n", r.Best.Alpha)
	// Output:
	// alpha 10    loo 5.1439  gcv 5.1281  df 1.452
	// alpha 1     loo 1.7698  gcv 1.7464  df 3.458
	// alpha 0.1   loo 0.2904  gcv 0.2921  df 5.518
	// alpha 0.01  loo 0.2393  gcv 0.2421  df 5.947
	// best alpha 0.01
}
