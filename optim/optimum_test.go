package optim

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/schedule"
)

// With the optimum known, success is the gap alone: a constant rate 1/L
// closes it (GapTolerance, and the gap really is within the tolerance), a
// rate that decays geometrically to nothing stops as Stalled far from it,
// where without the optimum the objective-change test called it converged.
func TestOptimumDecidesSuccess(t *testing.T) {
	x, y, mu, sd, exact := wellConditioned(500, 4, 3)
	p := LeastSquares(x, y, nil, true, mu, sd)
	fStar := p.LossGrad(nil, exact)
	const tol = 1e-10 // Optimum's default

	res, err := Minimize(context.Background(), p, make([]float64, p.Dim),
		&Settings{Epochs: 5000, Optimum: &Optimum{Objective: fStar}}, &SGD{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != lsq.GapTolerance {
		t.Fatalf("constant rate: status %v, want gap-tolerance", res.Status)
	}
	if gap := (res.Objective - fStar) / fStar; gap > tol {
		t.Errorf("gap-tolerance reported at relative gap %.3g > %g", gap, tol)
	}

	// γ = 0.5 per epoch: after 40 epochs the rate is 1e-12 of η₀, having
	// travelled at most Σγᵗ = 2 steps' worth: far from the optimum.
	decay := &Settings{Epochs: 5000, Schedule: schedule.Exponential{Gamma: 0.5}}
	old, _ := Minimize(context.Background(), p, make([]float64, p.Dim), decay, &SGD{})
	if !old.Status.Converged() {
		t.Fatalf("without the optimum the decayed run ends %v; the test needs the old false success", old.Status)
	}
	decay.Optimum = &Optimum{Objective: fStar}
	res, _ = Minimize(context.Background(), p, make([]float64, p.Dim), decay, &SGD{})
	if res.Status != lsq.Stalled || res.Status.Converged() {
		t.Fatalf("decayed rate with the optimum known: status %v, want stalled", res.Status)
	}
	if gap := (res.Objective - fStar) / fStar; gap < 1e-6 {
		t.Errorf("stalled at relative gap %.3g: the run was in fact near the optimum", gap)
	}
}

// The divergence rule must hold for an objective whose minimum is
// negative: f(x) = ½x² − 1 from x = 10⁻³, where Adam's first step (of size
// η = 0.1 whatever the gradient) raises f a little above its start. The old
// rule, f > 10³·best with best < 0, called that divergence at once.
func TestDivergenceRuleNegativeObjective(t *testing.T) {
	p := FuncGrad(1, func(x []float64) float64 { return x[0]*x[0]/2 - 1 },
		func(g, x []float64) { g[0] = x[0] })
	res, err := Minimize(context.Background(), p, []float64{1e-3},
		&Settings{LearningRate: 0.1, Epochs: 2000, GradTol: 1e-6}, &Adam{})
	var div *DivergenceError
	if errors.As(err, &div) || res.Status == lsq.Diverged {
		t.Fatalf("declared diverged on a negative objective: %v", err)
	}
	if math.Abs(res.Objective+1) > 1e-9 {
		t.Errorf("objective %v, want −1", res.Objective)
	}
	// A real divergence with a negative start is still caught: GD at 3× the
	// stability bound 2/L = 2 grows |x| by 5 per step.
	_, err = Minimize(context.Background(), p, []float64{1e-3}, &Settings{LearningRate: 6, Epochs: 100}, &SGD{})
	if !errors.As(err, &div) {
		t.Fatalf("GD at η = 3·2/L: %v, want a divergence", err)
	}
}

// TestOptimumGap: the gap Optimum.Gap reports is the one Closed (the stop)
// bounds, relative to F* or, when F* is about 0, to 1e-8 of the start's
// gap; the values are exact in binary up to one rounding of the division.
func TestOptimumGap(t *testing.T) {
	for _, c := range []struct {
		opt        Optimum
		f, first   float64
		scale, gap float64
		closed     bool
	}{
		{Optimum{Objective: 2}, 2.5, 10, 2, 0.25, false},
		{Optimum{Objective: 2, Tol: 0.5}, 2.5, 10, 2, 0.25, true},
		{Optimum{Objective: -4}, -3, 10, 4, 0.25, false},
		{Optimum{Objective: 0}, 0.25e-8, 1, 1e-8, 0.25, false},
		{Optimum{Objective: 0}, 0.25e-18, 1, 1e-8, 0.25e-10, true},
		{Optimum{Objective: 0, Tol: -1}, 0, 1, 1e-8, 0, false},
		{Optimum{Objective: 0}, 0, 0, 0, 0, true},
		{Optimum{Objective: 0}, 1, 0, 0, math.Inf(1), false},
	} {
		o := c.opt
		scale, gap, closed := o.Scale(c.first), o.Gap(c.f, c.first), o.Closed(c.f, c.first)
		if scale != c.scale || !(gap == c.gap || math.Abs(gap-c.gap) <= 1e-15*c.gap) || closed != c.closed {
			t.Errorf("%+v at F = %g, F₀ = %g: scale %g, gap %g, closed %v; want %g, %g, %v", o, c.f, c.first, scale, gap, closed, c.scale, c.gap, c.closed)
		}
	}
}

// TestShownGap: a gap within RoundingGap of zero, of either sign and at the
// boundary, is shown as 0; a larger one, above or below F*, as it is (a gap
// far below F* is a wrong F*, not rounding); NaN and +Inf stay.
func TestShownGap(t *testing.T) {
	for _, c := range []struct{ gap, want float64 }{
		{-3e-16, 0}, {4e-15, 0}, {RoundingGap, 0}, {-RoundingGap, 0},
		{2 * RoundingGap, 2 * RoundingGap}, {-1e-6, -1e-6}, {0.25, 0.25},
		{math.Inf(1), math.Inf(1)},
	} {
		if got := ShownGap(c.gap); got != c.want {
			t.Errorf("ShownGap(%g) = %g, want %g", c.gap, got, c.want)
		}
	}
	if got := ShownGap(math.NaN()); !math.IsNaN(got) {
		t.Errorf("ShownGap(NaN) = %g, want NaN", got)
	}
}

// TestStopsAtRoundingGap: an objective that stops moving within
// RoundingGap of F* is at the optimum (GapTolerance whatever Tol), one
// stopped further off is stalled: the same line ShownGap draws.
func TestStopsAtRoundingGap(t *testing.T) {
	s := &settings{objTol: 1e-12}
	s.Optimum = &Optimum{Objective: 1, Tol: 1e-20}
	for _, c := range []struct {
		f    float64
		want lsq.Status
	}{
		{1 + 0.5*RoundingGap, lsq.GapTolerance},
		{1 - 3e-16, lsq.GapTolerance},
		{1 + 4*RoundingGap, lsq.Stalled},
	} {
		if got := s.judge(c.f, c.f, 2, 1, 1); got != c.want {
			t.Errorf("judge at F − F* = %g: %v, want %v", c.f-1, got, c.want)
		}
	}
}
