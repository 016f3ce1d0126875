package fit

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// Fields that change nothing for the solver, or that work only with another
// field left unset, are refused by name rather than dropped: each of these
// settings once returned the fit without it.
func TestRefusesUnusedFields(t *testing.T) {
	x, y := problem(50, 2)
	l1 := penalty.L1{Alpha: 0.1}
	two := []float64{1, 1}
	for _, c := range []struct {
		s     Settings
		field string
	}{
		{Settings{GapTol: 1e-3}, "GapTol"},
		{Settings{SkipExact: true}, "SkipExact"},
		{Settings{Solver: SVD, Optim: optim.Settings{Seed: 3}}, "Optim.Seed"},
		{Settings{Optim: optim.Settings{ObjectiveTol: 1e-3}}, "Optim.ObjectiveTol"},
		{Settings{Optim: optim.Settings{GradTol: 1e-3}}, "Optim.GradTol"},
		{Settings{Optim: optim.Settings{DivergeFactor: 10}}, "Optim.DivergeFactor"},
		{Settings{Optim: optim.Settings{StepSchedule: true}}, "Optim.StepSchedule"},
		{Settings{Center: two, Scale: two}, "Center"},
		{Settings{Scale: two}, "Scale"},
		{Settings{Solver: Cholesky, PolyX: y}, "PolyX"},
		{Settings{Penalty: penalty.L2{Alpha: 1}, PolyX: y}, "PolyX"},
		{Settings{Solver: GD, Penalty: l1, PolyX: y}, "PolyX"},
		{Settings{Solver: CD, Penalty: l1, SkipExact: true}, "SkipExact"},
		{Settings{Solver: CD, Penalty: l1, Optim: optim.Settings{Seed: 3}}, "Optim.Seed"},
		{Settings{Solver: CD, Penalty: l1, PolyX: y}, "PolyX"},
		{Settings{Solver: FISTA, Penalty: l1, Optim: optim.Settings{Recorder: lsq.RecorderFunc(func(lsq.Iteration) error { return nil })}}, "Optim.Recorder"},
		{Settings{Solver: GD, ValY: y}, "ValY"},
		{Settings{Solver: GD, ValW: y}, "ValW"},
		{Settings{Solver: GD, Center: two}, "Center"},
		{Settings{Solver: GD, Raw: true, Center: two, Scale: two}, "Scale"},
		{Settings{Solver: GD, Optim: optim.Settings{Patience: 3}}, "Optim.Patience"},
		{Settings{Solver: GD, Optim: optim.Settings{MinDelta: 1e-3}}, "Optim.MinDelta"},
		{Settings{Solver: GD, Optim: optim.Settings{Optimum: &optim.Optimum{Objective: 1}}}, "Optim.Optimum"},
		// Values the solvers below panicked on, naming their own fields.
		{Settings{Penalty: penalty.L2{Alpha: -1}}, "Penalty"},
		{Settings{Solver: CD, Penalty: penalty.ElasticNet{Alpha: 1, L1Ratio: 2}}, "Penalty"},
		{Settings{Solver: LBFGS, Penalty: &penalty.L2SP{Alpha: math.Inf(1), Ref: two}}, "Penalty"},
	} {
		_, err := Matrix(context.Background(), x, y, &c.s)
		var se *SettingsError
		if !errors.As(err, &se) || se.Field != c.field {
			t.Errorf("%s: error %v, want a SettingsError on %s", c.field, err, c.field)
		}
	}
}

// The same fields where they do apply are accepted.
func TestAcceptsUsedFields(t *testing.T) {
	x, y := problem(50, 2)
	xs := x.RawMatrix().Data[:50] // any 50 values: the qr path fits their powers in place of x
	ones := make([]float64, 50)
	for i := range ones {
		ones[i] = 1
	}
	for _, s := range []Settings{
		{Solver: GD, GapTol: 1e-3, SkipExact: true},
		{Solver: GD, ValX: x, ValY: y, ValW: ones, Optim: optim.Settings{Patience: 3, MinDelta: 1e-6}},
		{Solver: CD, Penalty: penalty.L1{Alpha: 0.1}, GapTol: 1e-8},
		{Penalty: penalty.L2{Alpha: 1}, Center: []float64{0, 0}, Scale: []float64{1, 1}},
		{Penalty: penalty.L2{Alpha: 1}, Raw: true, PolyX: xs},
	} {
		if _, err := Matrix(context.Background(), x, y, &s); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

// Validation rows are data: a value the validation loss cannot use is an
// error naming the field, as for the training rows (a negative validation
// weight once panicked inside the loss, and a NaN target was accepted).
func TestValidationData(t *testing.T) {
	x, y := problem(50, 2)
	ones := make([]float64, 50)
	for i := range ones {
		ones[i] = 1
	}
	nanY := append([]float64(nil), y...)
	nanY[7] = math.NaN()
	negW := append([]float64(nil), ones...)
	negW[3] = -1
	for _, c := range []struct {
		s    Settings
		want string
	}{
		{Settings{Solver: GD, ValX: x, ValY: nanY}, "ValY: value NaN at row 7"},
		{Settings{Solver: GD, ValX: x, ValY: y, ValW: negW}, "ValW: weight -1 at row 3"},
	} {
		_, err := Matrix(context.Background(), x, y, &c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// A scale of zero is refused by name before the fit (it panicked inside the
// loss), and a length that does not match x panics saying which field.
func TestGivenVectors(t *testing.T) {
	x, y := problem(50, 2)
	_, err := Matrix(context.Background(), x, y, &Settings{Solver: GD, Center: []float64{0, 0}, Scale: []float64{1, 0}})
	if err == nil || !strings.Contains(err.Error(), "Scale: value 0 of column 1") {
		t.Errorf("zero scale: %v", err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "Init has 1 coefficients for 2 columns") {
			t.Errorf("short Init: panic %v", r)
		}
	}()
	Matrix(context.Background(), x, y, &Settings{Solver: GD, Init: &lsq.Linear{Coef: []float64{1}}})
}
