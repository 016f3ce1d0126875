package optim_test

import (
	"context"
	"fmt"
	"log"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/optim"
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
