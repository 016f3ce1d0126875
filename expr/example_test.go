package expr_test

import (
	"errors"
	"fmt"

	"github.com/lsqgo/lsq/expr"
)

func ExampleParse() {
	e, err := expr.Parse("b1*(1-exp(-b2*x))")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Names())
	fmt.Println(e)
	// Output:
	// [b1 b2 x]
	// (b1 * (1 - exp(((-b2) * x))))
}

// Errors give the line and column, and a caret line for display.
func ExampleError() {
	_, err := expr.Parse("b1*x + foo(x)")
	fmt.Println(err)
	var e *expr.Error
	if errors.As(err, &e) {
		fmt.Println(e.Caret())
	}
	// Output:
	// 1:8: unknown function "foo"
	// b1*x + foo(x)
	//        ^
}

// Compile says which names are parameters and which are data columns; the
// Program then evaluates the model and its exact Jacobian over all rows.
func ExampleExpr_Compile() {
	prog, err := expr.MustParse("a*x^k").Compile([]string{"a", "k"}, []string{"x"})
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []float64{1, 2, 4}
	params := []float64{3, 0.5} // a = 3, k = 0.5
	val := make([]float64, 3)
	jac := make([]float64, 3*2) // row i: ∂/∂a, ∂/∂k
	prog.EvalJacobian(val, jac, params, [][]float64{x})
	for i := range x {
		fmt.Printf("x=%g  f=%.4f  ∂f/∂a=%.4f  ∂f/∂k=%.4f\n", x[i], val[i], jac[2*i], jac[2*i+1])
	}
	// Output:
	// x=1  f=3.0000  ∂f/∂a=1.0000  ∂f/∂k=0.0000
	// x=2  f=4.2426  ∂f/∂a=1.4142  ∂f/∂k=2.9408
	// x=4  f=6.0000  ∂f/∂a=2.0000  ∂f/∂k=8.3178
}
