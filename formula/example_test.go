package formula_test

import (
	"fmt"
	"log"

	"github.com/lsqgo/lsq/formula"
)

func ExampleParse() {
	f, err := formula.Parse("y ~ x1*x2 + I(x1^2) - 1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f)
	fmt.Println(f.Response(), f.Intercept(), f.Columns())
	// Output:
	// y ~ x1 + x2 + I(x1^2) + x1:x2 - 1
	// y false [y x1 x2]
}

func ExampleFormula_Design() {
	f, _ := formula.Parse("y ~ x + I(x^2) + log(x)")
	cols := map[string][]float64{"x": {1, 2, 4}, "y": {0, 1, 3}}
	names, x, y, err := f.Design(cols, 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(names, y)
	fmt.Printf("%.4g\n", x.RawRowView(2))
	// Output:
	// [x I(x^2) log(x)] [0 1 3]
	// [4 16 1.386]
}

func ExampleParse_error() {
	_, err := formula.Parse("y ~ x1 + + x2")
	fmt.Println(err)
	fmt.Println(err.(*formula.Error).Caret())
	// Output:
	// formula:1:10: unexpected "+"; expected a term: a column name, I(...), log(...), exp(...), poly(...), 0, 1 or "("
	// y ~ x1 + + x2
	//          ^
}

func ExamplePowers() {
	names, x := formula.Powers("x", []float64{2, 3}, 3)
	fmt.Println(names, x.RawMatrix().Data)
	// Output:
	// [x x^2 x^3] [2 4 8 3 9 27]
}
