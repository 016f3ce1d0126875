package optim

import (
	"bytes"
	"context"
	"math"
	"runtime"
	"testing"

	"github.com/lsqgo/lsq"
)

// TestAheadTaken checks when Minimize takes the first epoch beside the
// start's evaluation: on batch-1 SGD over an unmodified LeastSquares problem
// with two processors, and not with a wrapped LossGrad, a validation set, a
// context already done, no epoch left or one processor.
func TestAheadTaken(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	x, y, _, _, _ := wellConditioned(300, 6, 3)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name   string
		change func(p *Problem, s *Settings, ctx *context.Context)
		want   bool
	}{
		{"plain", func(*Problem, *Settings, *context.Context) {}, true},
		{"wrapped LossGrad", func(p *Problem, _ *Settings, _ *context.Context) {
			inner := p.LossGrad
			p.LossGrad = func(g, x []float64) float64 { return inner(g, x) }
		}, false},
		{"validation", func(p *Problem, _ *Settings, _ *context.Context) {
			p.Validation = func([]float64) float64 { return 0 }
		}, false},
		{"cancelled", func(_ *Problem, _ *Settings, ctx *context.Context) { *ctx = done }, false},
		{"one processor", func(*Problem, *Settings, *context.Context) { runtime.GOMAXPROCS(1) }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer runtime.GOMAXPROCS(2)
			p := LeastSquares(x, y, nil, true, nil, nil)
			s := &Settings{Epochs: 2, BatchSize: 1, LearningRate: 1e-5, Seed: 1}
			ctx := context.Background()
			c.change(&p, s, &ctx)
			var set settings
			set.Settings = *s
			set.resolve(p, &SGD{})
			m, pcg := newRun(p, &set, &SGD{})
			pr := &progress{bestVal: math.Inf(1)}
			if err := m.begin(make([]float64, p.Dim), nil, pcg, pr); err != nil {
				t.Fatal(err)
			}
			if err := m.atStart(ctx, pr, nil); err != nil {
				t.Fatal(err)
			}
			if got := m.ahead != nil; got != c.want {
				t.Fatalf("epoch taken ahead: %v, want %v", got, c.want)
			}
			if c.want && m.step != 300 {
				t.Errorf("%d steps taken ahead, want 300", m.step)
			}
		})
	}
}

// TestAheadUndone checks that a first epoch taken beside the start's
// evaluation leaves no trace when the tests at the start end the fit (the
// gap already closed, the gradient tolerance already met, a start that is
// not finite): the result, its checkpoint (generator state included) and
// the error are those of the general path, which evaluates first and never
// steps.
func TestAheadUndone(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	x, y, _, _, _ := wellConditioned(400, 8, 5)
	p := LeastSquares(x, y, nil, true, nil, nil)
	x0 := make([]float64, p.Dim)
	for j := range x0 {
		x0[j] = 0.25
	}
	f0 := p.LossGrad(make([]float64, p.Dim), x0)
	nan := append([]float64(nil), x0...)
	nan[3] = math.NaN()
	for _, c := range []struct {
		name   string
		x0     []float64
		set    Settings
		status lsq.Status
	}{
		{"gap", x0, Settings{Optimum: &Optimum{Objective: f0}}, lsq.GapTolerance},
		{"gradient", x0, Settings{GradTol: math.MaxFloat64}, lsq.GradientTolerance},
		{"not finite", nan, Settings{}, lsq.Failure},
		{"runs", x0, Settings{GradTol: -1, ObjectiveTol: -1}, lsq.IterationLimit},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := func(p Problem) (*Result, error) {
				s := c.set
				s.Epochs, s.BatchSize, s.LearningRate, s.Seed = 2, 1, 1e-5, 9
				return Minimize(context.Background(), p, c.x0, &s, &SGD{})
			}
			fr, ferr := run(p)
			gr, gerr := run(general(p))
			if (ferr == nil) != (gerr == nil) || fr.Status != c.status || gr.Status != c.status {
				t.Fatalf("status %v (%v), general %v (%v), want %v", fr.Status, ferr, gr.Status, gerr, c.status)
			}
			sameBits(t, "X", fr.X, gr.X)
			sameBits(t, "objective", []float64{fr.Objective, fr.Loss, fr.GradNorm}, []float64{gr.Objective, gr.Loss, gr.GradNorm})
			if fr.Steps != gr.Steps || fr.Epochs != gr.Epochs || fr.Evaluations != gr.Evaluations {
				t.Errorf("steps, epochs, evaluations %d %d %d, general %d %d %d",
					fr.Steps, fr.Epochs, fr.Evaluations, gr.Steps, gr.Epochs, gr.Evaluations)
			}
			fb, err := fr.Checkpoint.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			gb, err := gr.Checkpoint.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(fb, gb) {
				t.Errorf("checkpoints differ")
			}
		})
	}
}
