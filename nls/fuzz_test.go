package nls

import (
	"context"
	"testing"
)

// FuzzCurve: any model string gives an error or a Result, never a panic,
// whatever the expression does on the data (NaN, Inf, flat, singular).
func FuzzCurve(f *testing.F) {
	for _, m := range []string{
		"a*exp(-k*x)", "a/(x-3)", "log(a*x) + sqrt(b-x)", "a*b*x", "x", "a", "pow(a, x)^b",
		"tan(a*x)", "abs(a-x)*0", "a^x^b", "exp(exp(exp(a*x)))", "`x`*`pi`",
	} {
		f.Add(m)
	}
	x := []float64{1, 2, 3, 4, 5, 6}
	y := []float64{2.1, 1.3, 0.8, 0.5, 0.3, 0.2}
	f.Fuzz(func(t *testing.T, model string) {
		names, err := ParamNames(model, []string{"x"})
		if err != nil {
			return
		}
		start := map[string]float64{}
		for _, n := range names {
			start[n] = 0.5
		}
		res, err := Curve(context.Background(), model, y, map[string][]float64{"x": x}, start, &Settings{MaxEvaluations: 50})
		if err == nil && res == nil {
			t.Fatal("nil Result without an error")
		}
	})
}
