package tutorial_test

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/nls"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// The tutorial's five points.
var (
	xs = []float64{1, 2, 3, 4, 5}
	ys = []float64{2, 4, 5, 4, 5}
)

// Question 1: the tutorial's gradient descent, and what lsq says about it.
func Example_question1() {
	x := mat.NewDense(5, 1, xs)
	s := fit.Settings{Solver: fit.GD, Raw: true,
		Optim: optim.Settings{LearningRate: 0.01, Epochs: 1000}}
	res, err := fit.Matrix(context.Background(), x, ys, &s)
	if err != nil {
		panic(err)
	}
	fmt.Printf("slope %.6f intercept %.6f: %s\n", res.Coef[0], res.Intercept, res.Status)
	fmt.Printf("exact %.1f %.1f, %.0f%% off\n", res.Exact.Coef[0], res.Exact.Intercept, 100*res.Gap.CoefRel)
	// Output:
	// slope 0.696355 intercept 1.852128: iteration-limit
	// exact 0.6 2.2, 16% off
}

// Question 2: the stability bound 2/L from the data, and a rate 10%
// above it.
func Example_question2() {
	x := mat.NewDense(5, 1, xs)
	_, l, _ := fit.HessianExtremes(x, nil, true, nil, nil, 0) // raw x, with intercept
	bound := 2 / l
	s := fit.Settings{Solver: fit.GD, Raw: true,
		Optim: optim.Settings{LearningRate: 1.1 * bound, Epochs: 1000}}
	res, err := fit.Matrix(context.Background(), x, ys, &s)
	fmt.Printf("2/L = %.4f; at %.4f: %s\n", bound, 1.1*bound, res.Status)
	fmt.Println(err)
	// Output:
	// 2/L = 0.1690; at 0.1860: diverged
	// optim: diverged in epoch 20 (objective 1.181e+04, best 8.6): learning rate 0.186 is 1.1× the stability bound 2/L = 0.169; feature 0 has the largest scale (RMS 3.317). Use a rate below 0.169 (the automatic rate is 1/L = 0.08452)
}

// Question 3: standardising x turns the long valley into a round bowl.
func Example_question3() {
	x := mat.NewDense(5, 1, xs)
	for _, raw := range []bool{true, false} {
		s := fit.Settings{Solver: fit.GD, Raw: raw}
		res, _ := fit.Matrix(context.Background(), x, ys, &s)
		fmt.Printf("raw %v: condition number %.0f, epochs %d\n", raw, res.Why.Cond, res.Iterations)
	}
	// Output:
	// raw true: condition number 70, epochs 811
	// raw false: condition number 1, epochs 1
}

// Question 4: ridge on y and on y + 100. The intercept is not penalised,
// so it moves by exactly 100 and the slope does not move.
func Example_question4() {
	x := mat.NewDense(5, 1, xs)
	for _, shift := range []float64{0, 100} {
		y := make([]float64, len(ys))
		for i := range ys {
			y[i] = ys[i] + shift
		}
		s := fit.Settings{Penalty: penalty.L2{Alpha: 1}, Raw: true}
		res, err := fit.Matrix(context.Background(), x, y, &s)
		if err != nil {
			panic(err)
		}
		fmt.Printf("y + %3.0f: slope %.4f intercept %.4f\n", shift, res.Coef[0], res.Intercept)
	}
	// Output:
	// y +   0: slope 0.4000 intercept 2.8000
	// y + 100: slope 0.4000 intercept 102.8000
}

// Question 5: one straight line, two criteria: least squares, and the
// Huber loss, which lets the gross error at x = 6 pull far less.
func Example_question5() {
	x := []float64{1, 2, 3, 4, 5, 6}
	y := []float64{2, 4, 5, 4, 5, 20}
	ls, err := linear.Solve(mat.NewDense(6, 1, x), y, nil)
	if err != nil {
		panic(err)
	}
	hu, err := nls.Curve(context.Background(), "a + b*x", y,
		map[string][]float64{"x": x}, map[string]float64{"a": 0, "b": 0},
		&nls.Settings{Loss: nls.Huber})
	if err != nil {
		panic(err)
	}
	fmt.Printf("least squares a = %.3f b = %.3f\n", ls.Intercept, ls.Coef[0])
	fmt.Printf("Huber         a = %.3f b = %.3f\n", hu.X[0], hu.X[1])
	// Output:
	// least squares a = -2.533 b = 2.629
	// Huber         a = 1.333 b = 1.000
}

// Exercise 1: least squares for linear regression, exactly.
func Example_exercise1() {
	res, err := linear.Solve(mat.NewDense(5, 1, xs), ys, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("slope %.4f intercept %.4f RSS %.4f\n", res.Coef[0], res.Intercept, res.RSS)
	// Output:
	// slope 0.6000 intercept 2.2000 RSS 2.4000
}

// Exercise 2: gradient descent for linear regression, as lsq runs it:
// standardised inputs, the rate from the data, stopped by the gap to the
// exact optimum.
func Example_exercise2() {
	x := mat.NewDense(5, 1, xs)
	s := fit.Settings{Solver: fit.GD}
	res, err := fit.Matrix(context.Background(), x, ys, &s)
	if err != nil {
		panic(err)
	}
	fmt.Printf("slope %.4f intercept %.4f: %s after %d epoch\n", res.Coef[0], res.Intercept, res.Status, res.Iterations)
	// Output:
	// slope 0.6000 intercept 2.2000: gap-tolerance after 1 epoch
}

// Exercise 3: the gradient of J(θ) = (1/2n)‖Xθ − y‖², (1/n)Xᵀ(Xθ − y),
// checked against central differences at θ = 0.
func Example_exercise3() {
	x := mat.NewDense(5, 1, xs)
	p := optim.LeastSquares(x, ys, nil, true, nil, nil) // θ = (slope, intercept)
	theta, grad := []float64{0, 0}, make([]float64, 2)
	p.LossGrad(grad, theta)
	const h = 1e-6
	for j, name := range []string{"slope", "intercept"} {
		tp := []float64{0, 0}
		tm := []float64{0, 0}
		tp[j], tm[j] = h, -h
		fd := (p.LossGrad(nil, tp) - p.LossGrad(nil, tm)) / (2 * h)
		fmt.Printf("∂J/∂%s = %.6f, central difference %.6f\n", name, grad[j], fd)
	}
	// Output:
	// ∂J/∂slope = -13.200000, central difference -13.200000
	// ∂J/∂intercept = -4.000000, central difference -4.000000
}

// Exercise 4: a nonlinear curve by Levenberg–Marquardt: NIST's Misra1a
// from NIST's second start. NIST certifies b1 = 238.94212918 and
// b2 = 5.5015643181e-4.
func Example_exercise4() {
	x := []float64{77.6, 114.9, 141.1, 190.8, 239.9, 289, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760}
	y := []float64{10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01, 66.4, 75.47, 81.78}
	res, err := nls.Curve(context.Background(), "b1*(1-exp(-b2*x))", y,
		map[string][]float64{"x": x}, map[string]float64{"b1": 250, "b2": 5e-4}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("b1 %.11g b2 %.11g after %d iterations: %s\n", res.X[0], res.X[1], res.Iterations, res.Status)
	// Output:
	// b1 238.94212918 b2 0.00055015643181 after 6 iterations: step-tolerance
}

// Exercise 5: L1 and L2 on the same data; the intercept is not penalised.
func Example_exercise5() {
	x := mat.NewDense(6, 2, []float64{
		1, 3,
		2, 1,
		3, 4,
		4, 1,
		5, 5,
		6, 9,
	})
	y := []float64{3, 5, 7, 9, 11, 13}
	for _, p := range []penalty.Penalty{penalty.L2{Alpha: 0.1}, penalty.L1{Alpha: 0.1}} {
		s := fit.Settings{Solver: fit.CD, Penalty: p}
		res, err := fit.Matrix(context.Background(), x, y, &s)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%T: x1 %.4f x2 %.4g intercept %.4f\n", p, res.Coef[0], res.Coef[1], res.Intercept)
	}
	// Output:
	// penalty.L2: x1 1.6967 x2 0.1199 intercept 1.6018
	// penalty.L1: x1 1.9414 x2 0 intercept 1.2049
}
