package fit_test

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/optim"
)

// An exact fit by pivoted QR of the tutorial's five points.
func ExampleMatrix_exact() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	res, err := fit.Matrix(context.Background(), x, y, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("slope %.4f intercept %.4f (%s, %s)\n", res.Coef[0], res.Intercept, res.Solver, res.Status)
	// Output:
	// slope 0.6000 intercept 2.2000 (qr, converged)
}

// The tutorial's gradient descent — raw inputs, rate 0.01, 1000 epochs —
// beside the exact answer it never reaches, and why.
func ExampleMatrix_gradientDescent() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	res, err := fit.Matrix(context.Background(), x, y, &fit.Settings{
		Solver: fit.GD,
		Raw:    true,
		Optim:  optim.Settings{LearningRate: 0.01, Epochs: 1000},
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("gd:    slope %.6f intercept %.6f (%s)\n", res.Coef[0], res.Intercept, res.Status)
	fmt.Printf("exact: slope %.6f intercept %.6f\n", res.Exact.Coef[0], res.Exact.Intercept)
	fmt.Printf("rate %.2g against the stability bound 2/L = %.3f; condition number %.0f\n", res.Why.LR, res.Why.Bound, res.Why.Cond)
	// Output:
	// gd:    slope 0.696355 intercept 1.852128 (iteration-limit)
	// exact: slope 0.600000 intercept 2.200000
	// rate 0.01 against the stability bound 2/L = 0.169; condition number 70
}
