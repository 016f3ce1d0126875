package optim

import (
	"context"
	"errors"
	"testing"

	"github.com/lsqgo/lsq/schedule"
)

// TestApplicable: the fields a Stepper cannot use are named, in order
// (ClipNorm, ClipValue, an L-BFGS schedule, BatchSize, Average); every
// other pair is nil;
// and Minimize refuses what Applicable refuses, before any evaluation.
func TestApplicable(t *testing.T) {
	step := schedule.Step{Every: 10, Gamma: 0.5}
	for _, c := range []struct {
		o     Optimizer
		s     Settings
		field string
	}{
		{&SGD{}, Settings{ClipNorm: 1, ClipValue: 1, Schedule: step}, ""},
		{&Adam{}, Settings{ClipValue: 1}, ""},
		{&LBFGS{}, Settings{ClipNorm: 1, ClipValue: 1}, "ClipNorm"},
		{&LBFGS{}, Settings{ClipValue: 1}, "ClipValue"},
		{&GD{}, Settings{ClipValue: 1}, "ClipValue"},
		{&FISTA{}, Settings{ClipNorm: 1}, "ClipNorm"},
		{&LBFGS{}, Settings{Schedule: step}, "Schedule"},
		{&LBFGS{}, Settings{Schedule: schedule.Warmup{N: 2}}, "Schedule"},
		{&LBFGS{}, Settings{Schedule: schedule.Constant{}}, ""},
		{&LBFGS{}, Settings{Schedule: &schedule.Constant{}}, ""},
		{&GD{}, Settings{Schedule: step}, ""}, // each search starts from the scheduled rate
		{&LBFGS{}, Settings{}, ""},
		{&GD{}, Settings{BatchSize: 8}, "BatchSize"},
		{&LBFGS{}, Settings{Average: true}, "Average"},
		{&SGD{}, Settings{BatchSize: 8, Average: true}, ""},
	} {
		err := c.s.Applicable(c.o)
		var e *InapplicableError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%T %+v: %v, want nil", c.o, c.s, err)
		case c.field != "" && (!errors.As(err, &e) || e.Field != c.field || e.Optimizer != c.o):
			t.Errorf("%T %+v: %v, want an *InapplicableError naming %s", c.o, c.s, err, c.field)
		}
	}

	x, y, _, _, _ := wellConditioned(50, 2, 1)
	evals := 0
	p := LeastSquares(x, y, nil, true, nil, nil)
	lg := p.LossGrad
	p.LossGrad = func(g, th []float64) float64 { evals++; return lg(g, th) }
	defer func() {
		var e *InapplicableError
		if err, _ := recover().(error); !errors.As(err, &e) || e.Field != "ClipNorm" || evals != 0 {
			t.Errorf("Minimize(LBFGS, ClipNorm) panicked with %v after %d evaluations; want the *InapplicableError before any", err, evals)
		}
	}()
	Minimize(context.Background(), p, make([]float64, 3), &Settings{ClipNorm: 1}, &LBFGS{})
}
