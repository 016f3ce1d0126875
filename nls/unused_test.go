package nls

import (
	"context"
	"errors"
	"testing"

	"github.com/lsqgo/lsq/optim"
)

// A setting the chosen method does not read is refused by name: with an
// Optimizer, Levenberg–Marquardt's tests were once dropped without a word.
func TestRefusesUnused(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	y := []float64{2.7, 7.4, 20, 54.6, 148}
	cols := map[string][]float64{"x": x}
	start := map[string]float64{"a": 1, "b": 1}
	adam := &optim.Adam{}
	for _, c := range []struct {
		s     Settings
		field string
	}{
		{Settings{Optimizer: adam, FTol: 1e-3}, "FTol"},
		{Settings{Optimizer: adam, MaxEvaluations: 10}, "MaxEvaluations"},
		{Settings{Optimizer: adam, Method: GaussNewton}, "Method"},
		{Settings{Optimizer: adam, NoRefine: true}, "NoRefine"},
		{Settings{Refine: true}, "Refine"},
		{Settings{GapTol: 1e-8}, "GapTol"},
		{Settings{Descent: optim.Settings{Epochs: 5}}, "Descent"},
		{Settings{Method: GaussNewton, Factor: 1}, "Factor"},
		{Settings{Method: GaussNewton, NoScaling: true}, "NoScaling"},
		{Settings{Optimizer: &optim.LBFGS{}, Descent: optim.Settings{ClipNorm: 1}}, "Descent.ClipNorm"},
		{Settings{Optimizer: adam, Descent: optim.Settings{BatchSize: 2}}, "Descent.BatchSize"},
		{Settings{Optimizer: adam, Descent: optim.Settings{Patience: 2}}, "Descent.Patience"},
	} {
		_, err := Curve(context.Background(), "a*exp(b*x)", y, cols, start, &c.s)
		var se *SettingsError
		if !errors.As(err, &se) || se.Field != c.field {
			t.Errorf("%s: error %v, want a SettingsError on %s", c.field, err, c.field)
		}
	}
	// Curve's own settings given to Solve.
	p := Problem{M: 1, Residuals: func(r, x []float64) { r[0] = x[0] - 1 }}
	_, err := Solve(context.Background(), p, []float64{0}, &Settings{Workers: 2})
	var se *SettingsError
	if !errors.As(err, &se) || se.Field != "Workers" {
		t.Errorf("Workers with Solve: %v, want a SettingsError on Workers", err)
	}
	// Where they apply, they are accepted.
	for _, s := range []Settings{{Optimizer: adam, Refine: true, GapTol: 1e-8, Descent: optim.Settings{Epochs: 5}}, {Factor: 1, NoScaling: true, FTol: 1e-10}} {
		if _, err := Curve(context.Background(), "a*exp(b*x)", y, cols, start, &s); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}
