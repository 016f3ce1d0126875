package formula_test

import (
	"fmt"
	"log"
	"math"

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

func ExampleFormula_Build() {
	// Raw columns as read from a file: y and x numeric, g text (a factor),
	// one missing x.
	d := &formula.Data{
		N:     5,
		Names: []string{"y", "x", "g"},
		Text: map[string][]string{
			"y": {"1", "2", "3", "5", "4"}, "x": {"1", "2", "NA", "4", "3"}, "g": {"b", "a", "c", "c", "a"}},
		Num: map[string][]float64{
			"y": {1, 2, 3, 5, 4}, "x": {1, 2, math.NaN(), 4, 3}},
		Missing: map[string][]bool{"x": {false, false, true, false, false}},
	}
	f, _ := formula.Parse("y ~ g * x")
	des, err := f.Build(d, nil) // learn the levels; drop rows with NA
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(des.Names)
	fmt.Println(des.Statsmodels)
	fmt.Println(des.Rows, des.Dropped, des.Encoding.Factors[0].Levels)
	fmt.Println(des.X.RawRowView(0))
	// Output:
	// [gb gc x gb:x gc:x]
	// [g[T.b] g[T.c] x g[T.b]:x g[T.c]:x]
	// [0 1 3 4] 1 [a b c]
	// [1 0 1 1 0]
}
