package nls_test

import (
	"context"
	"fmt"
	"log"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/nls"
	"github.com/lsqgo/lsq/optim"
)

// Fit an exponential decay y = a·exp(−k·t) to data by name: t is a data
// column, a and k are parameters with starting values.
func ExampleCurve() {
	t := []float64{0, 1, 2, 3, 4, 5, 6, 7}
	y := []float64{5.02, 3.01, 1.84, 1.12, 0.66, 0.41, 0.24, 0.16}
	res, err := nls.Curve(context.Background(), "a*exp(-k*t)", y,
		map[string][]float64{"t": t}, map[string]float64{"a": 1, "k": 0.1}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for j, name := range res.Names {
		fmt.Printf("%s = %.4f ± %.4f  95%% CI [%.4f, %.4f]\n", name, res.X[j], res.StdErr[j], res.Lower95[j], res.Upper95[j])
	}
	fmt.Printf("residual SD %.4f on %d df; %v\n", res.ResidualSD, res.DF, res.Status.Converged())
	// Output:
	// a = 5.0127 ± 0.0119  95% CI [4.9836, 5.0418]
	// k = 0.5033 ± 0.0022  95% CI [0.4980, 0.5086]
	// residual SD 0.0127 on 6 df; true
}

// rosenbrock is Rosenbrock's function f(x) = 100(x₂ − x₁²)² + (1 − x₁)² as
// the least-squares problem r = (10(x₂ − x₁²), 1 − x₁), with its Jacobian.
var rosenbrock = nls.Problem{
	M: 2,
	Residuals: func(r, x []float64) {
		r[0] = 10 * (x[1] - x[0]*x[0])
		r[1] = 1 - x[0]
	},
	Jacobian: func(j *mat.Dense, x []float64) {
		j.Set(0, 0, -20*x[0])
		j.Set(0, 1, 10)
		j.Set(1, 0, -1)
		j.Set(1, 1, 0)
	},
}

// Levenberg–Marquardt on Rosenbrock's function from the classical start
// (−1.2, 1), and then Adam on the same objective ½‖r‖².
func ExampleSolve_rosenbrock() {
	x0 := []float64{-1.2, 1}
	res, err := nls.Solve(context.Background(), rosenbrock, x0, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Levenberg–Marquardt: x = (%.6f, %.6f) after %d iterations: %v\n", res.X[0], res.X[1], res.Iterations, res.Status.Converged())

	res, err = nls.Solve(context.Background(), rosenbrock, x0, &nls.Settings{
		Optimizer: &optim.Adam{},
		Descent:   optim.Settings{LearningRate: 0.01, Epochs: 20000},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Adam: x = (%.4f, %.4f), %v\n", res.X[0], res.X[1], res.Status.Converged())
	// Output:
	// Levenberg–Marquardt: x = (1.000000, 1.000000) after 16 iterations: true
	// Adam: x = (1.0000, 1.0000), true
}

// ParamNames tells the order of Result.X and of the bounds before fitting.
func ExampleParamNames() {
	names, err := nls.ParamNames("b10 + b2*x + b1*x^2", []string{"x"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(names)
	// Output:
	// [b1 b2 b10]
}

// Bounds keep a parameter in a range; one that ends on its bound is
// reported in AtBound, and the standard errors are those of the
// unconstrained linearisation with every parameter counted, as R's
// nls(..., algorithm = "port") prints them (k: 0.03736).
func ExampleSolve_bounds() {
	t := []float64{0, 1, 2, 3, 4, 5, 6, 7}
	y := []float64{5.02, 3.01, 1.84, 1.12, 0.66, 0.41, 0.24, 0.16}
	res, err := nls.Curve(context.Background(), "a*exp(-k*t)", y,
		map[string][]float64{"t": t}, map[string]float64{"a": 1, "k": 0.1},
		&nls.Settings{Upper: []float64{4.5, math.Inf(1)}}) // a ≤ 4.5
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("a = %.4f (at bound: %v), k = %.4f ± %.4f\n", res.X[0], res.AtBound[0], res.X[1], res.StdErr[1])
	// Output:
	// a = 4.5000 (at bound: true), k = 0.4551 ± 0.0374
}

// The objective ½‖r‖² and its gradient Jᵀr as plain functions, here handed
// to L-BFGS from package optim.
func ExampleProblem_Objective() {
	f, grad := rosenbrock.Objective(2)
	res, err := optim.Minimize(context.Background(), optim.FuncGrad(2, f, grad), []float64{-1.2, 1}, nil, &optim.LBFGS{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("x = (%.5f, %.5f)\n", res.X[0], res.X[1])
	// Output:
	// x = (1.00000, 1.00000)
}

// A self-starting model computes its starting values from the data, as R's
// getInitial does; Profile gives the profile-likelihood interval, as R's
// confint for nls (R 4.2 with MASS, on these data, DNase run 1: Asym
// 2.193544 2.53880, xmid 1.321454 1.67875, scal 0.974307 1.11494, its
// spline interpolation good to about five digits).
func ExampleSelfStart() {
	conc := []float64{0.04882812, 0.04882812, 0.1953125, 0.1953125, 0.390625, 0.390625, 0.78125, 0.78125,
		1.5625, 1.5625, 3.125, 3.125, 6.25, 6.25, 12.5, 12.5}
	density := []float64{0.017, 0.018, 0.121, 0.124, 0.206, 0.215, 0.377, 0.374,
		0.614, 0.609, 1.019, 1.001, 1.334, 1.364, 1.730, 1.710}
	m, _, err := nls.ParseSelfStart("SSlogis(log(conc), Asym, xmid, scal)")
	if err != nil {
		log.Fatal(err)
	}
	cols := map[string][]float64{"conc": conc}
	input, err := m.InputValues(cols)
	if err != nil {
		log.Fatal(err)
	}
	start, err := m.Initial(context.Background(), input, density)
	if err != nil {
		log.Fatal(err)
	}
	res, err := nls.Curve(context.Background(), m.Expr(), density, cols, start, nil)
	if err != nil {
		log.Fatal(err)
	}
	for j, name := range res.Names {
		lo, hi, err := res.Profile(context.Background(), j, 0.95)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-4s %.5f  profile [%.4f, %.4f]\n", name, res.X[j], lo, hi)
	}
	// Output:
	// Asym 2.34518  profile [2.1935, 2.5388]
	// scal 1.04145  profile [0.9743, 1.1149]
	// xmid 1.48309  profile [1.3214, 1.6787]
}
