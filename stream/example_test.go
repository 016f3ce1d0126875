package stream_test

import (
	"context"
	"fmt"
	"log"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/stream"
)

// Rows are folded one block at a time; two accumulators filled on different
// machines merge into the fit of all the rows.
func ExampleQR() {
	// y = 1 + 2x exactly, with one row off the line.
	a := stream.NewQR(1, true)
	b := stream.NewQR(1, true)
	for _, row := range [][2]float64{{0, 1}, {1, 3}, {2, 5}} {
		if err := a.AddRow(row[:1], row[1], 1); err != nil {
			log.Fatal(err)
		}
	}
	if err := b.Add(mat.NewDense(2, 1, []float64{3, 4}), []float64{7, 10}, nil); err != nil {
		log.Fatal(err)
	}
	if err := a.Merge(b); err != nil {
		log.Fatal(err)
	}
	r, err := a.Solve(0, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("y = %.2f + %.2f·x  (n=%d, df=%d, RSS=%.2f, R²=%.4f)\n", r.Intercept, r.Coef[0], r.N, r.DF, r.RSS, r.R2)
	fmt.Printf("se: intercept %.4f, slope %.4f\n", r.InterceptStdErr, r.StdErr[0])
	// Output:
	// y = 0.80 + 2.20·x  (n=5, df=3, RSS=0.40, R²=0.9918)
	// se: intercept 0.2828, slope 0.1155
}

// Fit reads several partitions in parallel, each through a callback that
// yields blocks of rows, and merges them in partition order.
func ExampleFit() {
	part := func(x0, x1 float64) stream.Chunks {
		return func(yield func(x *mat.Dense, y, w []float64) error) error {
			for x := x0; x < x1; x++ {
				// y = 3 − x/2, one row per block.
				if err := yield(mat.NewDense(1, 1, []float64{x}), []float64{3 - x/2}, nil); err != nil {
					return err
				}
			}
			return nil
		}
	}
	r, err := stream.Fit(context.Background(), []stream.Chunks{part(0, 10), part(10, 25)}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("intercept %.3f, slope %.3f, n %d\n", r.Intercept, r.Coef[0], r.N)
	// Output:
	// intercept 3.000, slope -0.500, n 25
}

// One step of full-batch gradient descent on the standardised scale.
func ExampleGrad() {
	x := mat.NewDense(4, 1, []float64{1, 2, 3, 4})
	y := []float64{2, 4, 6, 8}
	p := &stream.GradParams{
		Coef:   []float64{0},
		Center: []float64{2.5},      // mean of x
		Scale:  []float64{1.118034}, // SD of x
	}
	g := stream.NewGrad(p)
	if err := g.Add(x, y, nil); err != nil {
		log.Fatal(err)
	}
	grad, gb := g.Gradient(nil)
	fmt.Printf("loss %.3f, dL/dw %.4f, dL/db %.3f\n", g.Loss(), grad[0], gb)
	// Output:
	// loss 15.000, dL/dw -2.2361, dL/db -5.000
}
