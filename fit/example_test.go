package fit_test

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/stats"
	"github.com/lsqgo/lsq/stream"
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
	fmt.Println(res.Verdict())
	// Output:
	// gd:    slope 0.696355 intercept 1.852128 (iteration-limit)
	// exact: slope 0.600000 intercept 2.200000
	// rate 0.01 against the stability bound 2/L = 0.169; condition number 70
	// gd stopped (iteration-limit) after 1000 epochs, 16% from the optimum (relative objective gap 0.0459); at the rate 0.01 the error shrinks by a factor 0.99831 per step (Hessian condition 70), so about 8.17e+03 steps cut it by 1e6
}

// Observation weights wᵢ: a row of weight 2 counts as the row twice, so the
// weighted fit equals the unweighted fit of the rows repeated. Every solver
// takes the same Weights; L-BFGS stops within its gap tolerance (1e-10
// relative in the objective, so about 1e-5 in the coefficients) of the
// exact answer. The exact fit (Result.Exact) gives the inference, through
// package stats.
func ExampleMatrix_weighted() {
	ctx := context.Background()
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	w := []float64{1, 2, 1, 1, 3}
	weighted, err := fit.Matrix(ctx, x, y, &fit.Settings{Weights: w})
	if err != nil {
		panic(err)
	}
	repeated := mat.NewDense(8, 1, []float64{1, 2, 2, 3, 4, 5, 5, 5})
	same, _ := fit.Matrix(ctx, repeated, []float64{2, 4, 4, 5, 4, 5, 5, 5}, nil)
	lbfgs, _ := fit.Matrix(ctx, x, y, &fit.Settings{Solver: fit.LBFGS, Weights: w})
	fmt.Printf("weighted: slope %.6f intercept %.6f\n", weighted.Coef[0], weighted.Intercept)
	fmt.Printf("repeated: slope %.6f intercept %.6f\n", same.Coef[0], same.Intercept)
	fmt.Printf("lbfgs:    slope %.5f intercept %.5f (%s)\n", lbfgs.Coef[0], lbfgs.Intercept, lbfgs.Status)
	// The exact fit's inference: with Σw = 8, Σwx = 27, Σwx² = 109 and
	// σ̂² = RSS/(n − 2) = 2.7133/3, the slope's standard error is
	// √(σ̂²·8/(8·109 − 27²)).
	sum, err := stats.Summarize(weighted.Exact, x, w, nil)
	if err != nil {
		panic(err)
	}
	slope := sum.Terms[1]
	fmt.Printf("slope: standard error %.4f, t %.2f, p %.3f\n", slope.StdErr, slope.T, slope.P)
	// Output:
	// weighted: slope 0.517483 intercept 2.503497
	// repeated: slope 0.517483 intercept 2.503497
	// lbfgs:    slope 0.51748 intercept 2.50350 (gap-tolerance)
	// slope: standard error 0.2249, t 2.30, p 0.105
}

// The same problem streamed: the rows come in blocks from partitions (files,
// row groups, a pipe) and only a (d+2)×(d+2) factor is held. The ridge fit
// equals the in-memory one, and gradient descent on the stream stops when it
// is within the tolerance of that exact optimum.
func ExampleStream() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	// Two partitions, as two files would be.
	part := func(lo, hi int) stream.Chunks {
		return func(yield func(x *mat.Dense, y, w []float64) error) error {
			return yield(x.Slice(lo, hi, 0, 1).(*mat.Dense), y[lo:hi], nil)
		}
	}
	parts := []stream.Chunks{part(0, 3), part(3, 5)}
	ctx := context.Background()
	ridge := &fit.Settings{Penalty: penalty.L2{Alpha: 0.5}}
	streamed, err := fit.Stream(ctx, parts, ridge)
	if err != nil {
		panic(err)
	}
	inMemory, _ := fit.Matrix(ctx, x, y, ridge)
	fmt.Printf("ridge, streamed:  slope %.6f intercept %.6f\n", streamed.Coef[0], streamed.Intercept)
	fmt.Printf("ridge, in memory: slope %.6f intercept %.6f\n", inMemory.Coef[0], inMemory.Intercept)

	gd, err := fit.Stream(ctx, parts, &fit.Settings{Solver: fit.GD})
	if err != nil {
		panic(err)
	}
	fmt.Printf("gd, streamed: slope %.6f intercept %.6f (%s)\n", gd.Coef[0], gd.Intercept, gd.Status)
	// Output:
	// ridge, streamed:  slope 0.400000 intercept 2.800000
	// ridge, in memory: slope 0.400000 intercept 2.800000
	// gd, streamed: slope 0.600000 intercept 2.200000 (gap-tolerance)
}

// A setting the solver would not use is an error that names it: an L1
// penalty has no closed form, so the default QR solver refuses it rather
// than return least squares.
func ExampleSettingsError() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	_, err := fit.Matrix(context.Background(), x, y, &fit.Settings{Penalty: penalty.L1{Alpha: 0.1}})
	fmt.Println(err)
	res, _ := fit.Matrix(context.Background(), x, y, &fit.Settings{Solver: fit.CD, Penalty: penalty.L1{Alpha: 0.1}})
	fmt.Printf("cd: slope %.4f intercept %.4f\n", res.Coef[0], res.Intercept)
	// Output:
	// fit: Penalty: an L1 penalty has no closed form: use the cd or fista solver (or an iterative one)
	// cd: slope 0.5293 intercept 2.4121
}
