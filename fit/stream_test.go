package fit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/schedule"
	"github.com/lsqgo/lsq/stream"
)

// partitions cuts the rows into k partitions of blocks of 7 rows, with
// weights w (nil for none).
func partitions(x *mat.Dense, y, w []float64, k int) []stream.Chunks {
	n, _ := x.Dims()
	parts := make([]stream.Chunks, k)
	for p := range k {
		lo, hi := p*n/k, (p+1)*n/k
		parts[p] = func(yield func(x *mat.Dense, y, w []float64) error) error {
			for a := lo; a < hi; a += 7 {
				b := min(a+7, hi)
				var wb []float64
				if w != nil {
					wb = w[a:b]
				}
				if err := yield(x.Slice(a, b, 0, x.RawMatrix().Cols).(*mat.Dense), y[a:b], wb); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return parts
}

// A streamed fit is the in-memory fit of the same rows: the exact and the
// ridge solution (standardised and raw, weighted, with and without
// intercept) agree to 1e-10 relative, the accuracy of two backward-stable
// QR solves of a problem of condition below 10 (1e-13 would do; the margin
// covers the double-double/float64 difference of the two paths).
func TestStreamEqualsLinear(t *testing.T) {
	x, y := problem(300, 4)
	w := make([]float64, len(y))
	for i := range w {
		w[i] = float64(i%4) / 2 // a quarter of the rows have weight 0
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		s    Settings
	}{
		{"ols", Settings{}},
		{"ridge", Settings{Penalty: penalty.L2{Alpha: 1}}},
		{"ridge raw", Settings{Penalty: penalty.L2{Alpha: 1}, Raw: true}},
		{"ridge no intercept", Settings{Penalty: &penalty.L2{Alpha: 0.5}, NoIntercept: true}},
	} {
		for _, weights := range [][]float64{nil, w} {
			mem := c.s
			mem.Weights = weights
			want, err := Matrix(ctx, x, y, &mem)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range []int{1, 3} {
				got, err := Stream(ctx, partitions(x, y, weights, k), &c.s)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				if e := relErr(&got.Linear, &want.Linear); e > 1e-10 {
					t.Errorf("%s, weights %v, %d partitions: streamed differs from in-memory by %.2g", c.name, weights != nil, k, e)
				}
			}
		}
	}
}

// Streamed iterative fits run under optim.Minimize with the exact optimum
// of the first pass: success is the gap, as in memory. Full-batch GD and
// L-BFGS reach it; mini-batch SGD read through a shuffle buffer at a
// constant rate cannot (its noise floor) and must not claim it.
func TestStreamIterative(t *testing.T) {
	x, y := problem(2000, 3)
	ctx := context.Background()
	parts := partitions(x, y, nil, 3)
	for _, sv := range []Solver{GD, LBFGS} {
		r, err := Stream(ctx, parts, &Settings{Solver: sv, Penalty: penalty.L2{Alpha: 0.1}})
		if err != nil {
			t.Fatalf("%s: %v", sv, err)
		}
		if r.Status != lsq.GapTolerance || r.Gap.ObjectiveRel > 1e-10 {
			t.Errorf("%s: status %v, gap %+v", sv, r.Status, r.Gap)
		}
		mem, err := Matrix(ctx, x, y, &Settings{Solver: sv, Penalty: penalty.L2{Alpha: 0.1}})
		if err != nil {
			t.Fatal(err)
		}
		// Both stop within a relative objective gap of 1e-10 of the same
		// optimum: the coefficients within about √1e-10 = 1e-5 of it.
		if e := relErr(&r.Linear, &mem.Linear); e > 1e-5 {
			t.Errorf("%s: streamed and in-memory iterates differ by %.2g", sv, e)
		}
		// The same Hessian (penalty curvature on the coefficients only),
		// from R against from the rows: eigenvalues of a 4×4 matrix of
		// condition < 10, to 1e-10 relative.
		for name, v := range map[string][2]float64{"mu": {r.Why.Mu, mem.Why.Mu}, "L": {r.Why.L, mem.Why.L}} {
			if math.Abs(v[0]-v[1]) > 1e-10*v[1] {
				t.Errorf("%s: streamed %s = %.15g, in memory %.15g", sv, name, v[0], v[1])
			}
		}
	}
	r, err := Stream(ctx, parts, &Settings{Solver: SGD, ShuffleBuffer: 100, Optim: optim.Settings{BatchSize: 8, Epochs: 30, Seed: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status.Converged() && r.Gap.ObjectiveRel > 1e-10 {
		t.Errorf("sgd claims %v at gap %.3g", r.Status, r.Gap.ObjectiveRel)
	}
	if r.Gap.CoefRel > 0.05 {
		t.Errorf("sgd through the shuffle buffer ends %.2g from the optimum: the batches are not the data", r.Gap.CoefRel)
	}
	again, _ := Stream(ctx, parts, &Settings{Solver: SGD, ShuffleBuffer: 100, Optim: optim.Settings{BatchSize: 8, Epochs: 30, Seed: 3}})
	if fmt.Sprint(again.Coef) != fmt.Sprint(r.Coef) {
		t.Errorf("same seed, different result: %v vs %v", again.Coef, r.Coef)
	}
}

// Settings a stream cannot honour are errors that name them.
func TestStreamRefuses(t *testing.T) {
	x, y := problem(50, 2)
	parts := partitions(x, y, nil, 1)
	for _, c := range []struct {
		s     Settings
		field string
	}{
		{Settings{Weights: y}, "Weights"},
		{Settings{Solver: SVD}, "Solver"},
		{Settings{Solver: FISTA, Penalty: penalty.L1{Alpha: 1}}, "Solver"},
		{Settings{Penalty: penalty.L1{Alpha: 1}}, "Penalty"},
		{Settings{Solver: GD, Penalty: penalty.L1{Alpha: 1}}, "Penalty"},
		{Settings{Optim: optim.Settings{Epochs: 3}}, "Optim.Epochs"},
		{Settings{Optim: optim.Settings{ClipValue: 1}}, "Optim.ClipValue"},
		{Settings{Solver: SGD, Optim: optim.Settings{ShuffleBlock: 8}}, "Optim.ShuffleBlock"},
	} {
		_, err := Stream(context.Background(), parts, &c.s)
		var se *SettingsError
		if !errors.As(err, &se) || se.Field != c.field {
			t.Errorf("%+v: error %v, want a SettingsError on %s", c.s, err, c.field)
		}
	}
}

// With several settings that do not apply, the error names the same one
// every time: the first in the order the checks are documented in (the
// checks once ranged over a map, whose order Go randomises, so the field
// named changed from run to run).
func TestRefusalNamesOneField(t *testing.T) {
	x, y := problem(50, 2)
	parts := partitions(x, y, nil, 1)
	ctx := context.Background()
	for _, c := range []struct {
		run   func() error
		field string
	}{
		{func() error {
			_, err := Stream(ctx, parts, &Settings{Solver: SGD, Weights: y, Init: &lsq.Linear{}, Scale: []float64{1, 1}, Optim: optim.Settings{Patience: 2}})
			return err
		}, "Weights"},
		{func() error {
			_, err := Matrix(ctx, x, y, &Settings{Solver: CD, Penalty: penalty.L1{Alpha: 0.1}, ValX: x, ValY: y,
				Optim: optim.Settings{LearningRate: 0.1, GradTol: 1e-3, ClipValue: 1, Proximal: true}})
			return err
		}, "Optim.LearningRate"},
		{func() error {
			_, err := Matrix(ctx, x, y, &Settings{Solver: CD, Penalty: penalty.L1{Alpha: 0.1}, Optim: optim.Settings{ObjectiveTol: 1e-3, GradTol: 1e-3}})
			return err
		}, "Optim.ObjectiveTol"},
	} {
		for range 20 {
			var se *SettingsError
			if err := c.run(); !errors.As(err, &se) || se.Field != c.field {
				t.Fatalf("error %v, want a SettingsError on %s", err, c.field)
			}
		}
	}
}

// The reproductions of the "nothing silently ignored" report: an L1 penalty
// with the default QR solver used to return plain OLS, L-BFGS with a ridge
// penalty returned OLS, and a pointer penalty was recognised in one place
// and not another.
func TestNothingSilentlyIgnored(t *testing.T) {
	x, y := problem(200, 3)
	ctx := context.Background()
	_, err := Matrix(ctx, x, y, &Settings{Penalty: penalty.L1{Alpha: 0.1}})
	var se *SettingsError
	if !errors.As(err, &se) || se.Field != "Penalty" {
		t.Errorf("L1 with QR: %v, want a SettingsError on Penalty", err)
	}
	_, err = Matrix(ctx, x, y, &Settings{Solver: LBFGS, Optim: optim.Settings{Penalty: penalty.L2{Alpha: 1}}})
	if !errors.As(err, &se) || se.Field != "Optim.Penalty" {
		t.Errorf("Optim.Penalty: %v, want a SettingsError", err)
	}
	ols, _ := Matrix(ctx, x, y, nil)
	for _, pen := range []penalty.Penalty{penalty.L2{Alpha: 100}, &penalty.L2{Alpha: 100}} {
		exact, err := Matrix(ctx, x, y, &Settings{Penalty: pen})
		if err != nil {
			t.Fatal(err)
		}
		lb, err := Matrix(ctx, x, y, &Settings{Solver: LBFGS, Penalty: pen})
		if err != nil {
			t.Fatal(err)
		}
		// α = 100 on standardised coefficients shrinks them about 100-fold:
		// far from OLS, and both solvers agree to the gap's √1e-10.
		if relErr(&exact.Linear, &ols.Linear) < 0.5 || relErr(&lb.Linear, &exact.Linear) > 1e-5 {
			t.Errorf("%T: ridge %v, lbfgs %v, ols %v", pen, exact.Coef, lb.Coef, ols.Coef)
		}
	}
	_, err = Matrix(ctx, x, y, &Settings{Solver: SGD, LineSearch: true})
	if !errors.As(err, &se) || se.Field != "LineSearch" {
		t.Errorf("LineSearch with sgd: %v", err)
	}
	for _, c := range []struct {
		solver Solver
		block  int
	}{{GD, 8}, {QR, 8}, {CD, 8}, {SGD, -1}} {
		s := &Settings{Solver: c.solver, Optim: optim.Settings{ShuffleBlock: c.block}}
		if c.solver == CD {
			s.Penalty = penalty.L1{Alpha: 0.1}
		}
		_, err = Matrix(ctx, x, y, s)
		if !errors.As(err, &se) || se.Field != "Optim.ShuffleBlock" {
			t.Errorf("ShuffleBlock %d with %s: %v, want a SettingsError on Optim.ShuffleBlock", c.block, c.solver, err)
		}
	}
	if _, err = Matrix(ctx, x, y, &Settings{Solver: SGD, Optim: optim.Settings{ShuffleBlock: 8, BatchSize: 1}}); err != nil {
		t.Errorf("ShuffleBlock with sgd: %v", err)
	}
	// A seed draws mini-batches: gd and lbfgs draw none, in memory or
	// streamed, so one given to them is refused rather than dropped.
	for _, sv := range []Solver{GD, LBFGS} {
		s := &Settings{Solver: sv, Optim: optim.Settings{Seed: 3}}
		_, err = Matrix(ctx, x, y, s)
		if !errors.As(err, &se) || se.Field != "Optim.Seed" {
			t.Errorf("Seed with %s: %v, want a SettingsError on Optim.Seed", sv, err)
		}
		_, err = Stream(ctx, partitions(x, y, nil, 1), s)
		if !errors.As(err, &se) || se.Field != "Optim.Seed" {
			t.Errorf("Seed with %s, streamed: %v, want a SettingsError on Optim.Seed", sv, err)
		}
	}
	// gd and lbfgs step on the full batch: a mini-batch size for them, in
	// memory or streamed, is refused rather than dropped.
	parts := partitions(x, y, nil, 1)
	for _, sv := range []Solver{GD, LBFGS} {
		s := &Settings{Solver: sv, Optim: optim.Settings{BatchSize: 10}}
		_, err = Matrix(ctx, x, y, s)
		if !errors.As(err, &se) || se.Field != "Optim.BatchSize" {
			t.Errorf("BatchSize with %s: %v, want a SettingsError on Optim.BatchSize", sv, err)
		}
		_, err = Stream(ctx, parts, s)
		if !errors.As(err, &se) || se.Field != "Optim.BatchSize" {
			t.Errorf("streamed BatchSize with %s: %v, want a SettingsError on Optim.BatchSize", sv, err)
		}
	}
	// A solver that finds its step by a line search is never clipped, and
	// L-BFGS's steps do not follow the rate: clipping for them, and a
	// schedule for lbfgs, are refused rather than dropped.
	step := schedule.Step{Every: 10, Gamma: 0.5}
	for _, c := range []struct {
		s     Settings
		field string
	}{
		{Settings{Solver: LBFGS, Optim: optim.Settings{ClipNorm: 1}}, "Optim.ClipNorm"},
		{Settings{Solver: LBFGS, Optim: optim.Settings{ClipValue: 1}}, "Optim.ClipValue"},
		{Settings{Solver: GD, LineSearch: true, Optim: optim.Settings{ClipNorm: 1}}, "Optim.ClipNorm"},
		{Settings{Solver: LBFGS, Optim: optim.Settings{Schedule: step}}, "Optim.Schedule"},
		{Settings{Solver: LBFGS, Optim: optim.Settings{Schedule: schedule.Warmup{N: 5}}}, "Optim.Schedule"},
	} {
		for _, streamed := range []bool{false, true} {
			if streamed {
				_, err = Stream(ctx, parts, &c.s)
			} else {
				_, err = Matrix(ctx, x, y, &c.s)
			}
			if !errors.As(err, &se) || se.Field != c.field {
				t.Errorf("%+v (streamed %v): %v, want a SettingsError on %s", c.s.Optim, streamed, err, c.field)
			}
		}
	}
	if _, err = Matrix(ctx, x, y, &Settings{Solver: LBFGS, Optim: optim.Settings{Schedule: schedule.Constant{}}}); err != nil {
		t.Errorf("lbfgs with the constant schedule (no schedule): %v", err)
	}
	// gd with a line search starts each search from the scheduled rate: its
	// schedule applies, and halving the rate every epoch changes the fit.
	plain, err := Matrix(ctx, x, y, &Settings{Solver: GD, LineSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	decayed, err := Matrix(ctx, x, y, &Settings{Solver: GD, LineSearch: true, Optim: optim.Settings{Schedule: schedule.Exponential{Gamma: 0.5}}})
	if err != nil {
		t.Fatal(err)
	}
	if decayed.Iterations == plain.Iterations && slices.Equal(decayed.Coef, plain.Coef) {
		t.Errorf("gd with a line search: the same fit with and without a schedule (%d epochs)", plain.Iterations)
	}
}
