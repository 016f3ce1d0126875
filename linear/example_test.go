package linear_test

import (
	"fmt"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

func ExampleSolve() {
	// y = 2.2 + 0.6x fits x = 1..5, y = 2, 4, 5, 4, 5 best.
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	res, err := linear.Solve(x, y, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("intercept %.4g, slope %.4g\n", res.Intercept, res.Coef[0])
	fmt.Printf("RSS %.4g on %d degrees of freedom, rank %d, %v in %v\n", res.RSS, res.DF, res.Rank, res.Method, res.Precision)
	// Output:
	// intercept 2.2, slope 0.6
	// RSS 2.4 on 3 degrees of freedom, rank 1, qr in double-double
}

func ExampleResult_Model() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	res, _ := linear.Solve(x, y, nil)
	m := res.Model([]string{"hours"})
	fmt.Printf("%.4g\n", m.Predict([]float64{6}))
	// Output:
	// 5.8
}

func ExampleSolve_ridge() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	// (XcᵀXc + nα)β = Xcᵀyc: (10 + 5·0.2)β = 6, β = 6/11.
	res, _ := linear.Solve(x, y, &linear.Settings{Ridge: 0.2})
	fmt.Printf("slope %.6f (6/11 = %.6f)\n", res.Coef[0], 6.0/11)
	// Output:
	// slope 0.545455 (6/11 = 0.545455)
}

func ExampleSolvePolynomial() {
	// y = 1 − 2x + x² exactly.
	x := []float64{-1, 0, 1, 2, 3}
	y := []float64{4, 1, 0, 1, 4}
	res, _ := linear.SolvePolynomial(x, y, 2, nil)
	fmt.Println(res.Intercept, res.Coef)
	// Output:
	// 1 [-2 1]
}

func ExampleSolveText() {
	// Decimal data read exactly: the fit is exactly y = 0.3 + 0.7x.
	x := [][]string{{"0.1"}, {"0.2"}, {"0.3"}}
	y := []string{"0.37", "0.44", "0.51"}
	res, _ := linear.SolveText(x, y, nil)
	fmt.Println(res.Intercept, res.Coef[0])
	// Output:
	// 0.3 0.7
}
