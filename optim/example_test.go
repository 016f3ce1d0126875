package optim_test

import (
	"context"
	"fmt"
	"log"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// The textbook batch gradient descent θ ← θ − α·(1/n)·Xᵀ(Xθ − y) on five
// points, from θ = 0 with α = 0.01 for 1000 epochs, and then with the
// automatic rate 1/L until it converges.
func ExampleMinimize_gradientDescent() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	p := optim.LeastSquares(x, y, nil, true, nil, nil) // θ = [slope, intercept]

	res, err := optim.Minimize(context.Background(), p, []float64{0, 0},
		&optim.Settings{LearningRate: 0.01, Epochs: 1000}, &optim.SGD{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("α = 0.01: slope %.6f, intercept %.6f, %v after %d epochs\n", res.X[0], res.X[1], res.Status, res.Epochs)

	res, err = optim.Minimize(context.Background(), p, []float64{0, 0},
		&optim.Settings{Epochs: 5000}, &optim.SGD{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("α = 1/L = %.4f: slope %.4f, intercept %.4f, %v\n", res.LR, res.X[0], res.X[1], res.Status)
	// Output:
	// α = 0.01: slope 0.696355, intercept 1.852128, iteration-limit after 1000 epochs
	// α = 1/L = 0.0845: slope 0.6000, intercept 2.2000, objective-tolerance
}

// Minimize works on any smooth objective given its value and gradient: here
// Rosenbrock's function f(x, y) = (1 − x)² + 100(y − x²)² from the classic
// start (−1.2, 1), with L-BFGS.
func ExampleMinimize_rosenbrock() {
	f := func(x []float64) float64 {
		a, b := 1-x[0], x[1]-x[0]*x[0]
		return a*a + 100*b*b
	}
	grad := func(g, x []float64) {
		b := x[1] - x[0]*x[0]
		g[0] = -2*(1-x[0]) - 400*x[0]*b
		g[1] = 200 * b
	}
	res, err := optim.Minimize(context.Background(), optim.FuncGrad(2, f, grad), []float64{-1.2, 1}, nil, &optim.LBFGS{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("minimum at (%.6f, %.6f), f < 1e-20: %v, %v\n", res.X[0], res.X[1], res.Objective < 1e-20, res.Status)
	// Output:
	// minimum at (1.000000, 1.000000), f < 1e-20: true, gradient-tolerance
}

// LeastSquares reads the raw design and standardises on the fly; Unstandardize
// maps the fitted parameters back to the raw scale.
func ExampleLeastSquares() {
	// y = 1 + 2·x₀ − 0.5·x₁ exactly, with columns of different scales.
	x := mat.NewDense(6, 2, []float64{
		1, 100,
		2, 300,
		3, 200,
		4, 600,
		5, 500,
		6, 400,
	})
	y := make([]float64, 6)
	for i := range y {
		y[i] = 1 + 2*x.At(i, 0) - 0.5*x.At(i, 1)
	}
	center := []float64{3.5, 350}
	scale := []float64{1.707825, 170.7825} // population standard deviations
	p := optim.LeastSquares(x, y, nil, true, center, scale)
	res, err := optim.Minimize(context.Background(), p, make([]float64, 3), nil, &optim.LBFGS{})
	if err != nil {
		log.Fatal(err)
	}
	coef, b := optim.Unstandardize(res.X, center, scale, true)
	fmt.Printf("coef %.4f %.4f, intercept %.4f\n", coef[0], coef[1], b)
	// Output:
	// coef 2.0000 -0.5000, intercept 1.0000
}

// A proximal L1 step (ISTA) gives exact zeros.
func ExampleSettings_proximal() {
	x := mat.NewDense(4, 2, []float64{
		1, 0,
		-1, 0,
		0, 1,
		0, -1,
	})
	y := []float64{2, -2, 0.1, -0.1} // least squares: β = [2, 0.1]
	p := optim.LeastSquares(x, y, nil, false, nil, nil)
	s := &optim.Settings{Penalty: penalty.L1{Alpha: 0.2}, Proximal: true}
	res, err := optim.Minimize(context.Background(), p, []float64{0, 0}, s, &optim.SGD{})
	if err != nil {
		log.Fatal(err)
	}
	// The lasso solution soft-thresholds (XᵀX/n = I/2): β_j = 2·S(Xᵀy/n, α).
	fmt.Println(res.X, res.Status)
	// Output:
	// [1.6 0] gradient-tolerance
}

// Smith's range test: the loss against an exponentially growing rate, and
// the rate where it falls fastest.
func ExampleRangeTest() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	p := optim.LeastSquares(x, []float64{2, 4, 5, 4, 5}, nil, true, nil, nil)
	res, err := optim.RangeTest(context.Background(), p, []float64{0, 0}, &optim.RangeSettings{MinRate: 1e-4, MaxRate: 1}, &optim.SGD{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d rates from %g; suggested %.3f, below the bound 2/L = %.3f\n",
		len(res.Rates), res.Rates[0], res.Suggested, 2/p.Lipschitz())
	// Output:
	// 100 rates from 0.0001; suggested 0.009, below the bound 2/L = 0.169
}
