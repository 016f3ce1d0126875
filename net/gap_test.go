package net

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/optim"
)

// linearRows is y = 1 + 2x₁ − x₂ + x₃/2 + N(0, 0.1²), x ~ N(0, I₃).
func linearRows(n int, seed uint64) (x, y *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 9))
	x, y = mat.NewDense(n, 3, nil), mat.NewDense(n, 1, nil)
	for i := range n {
		r := x.RawRowView(i)
		for j := range r {
			r[j] = rng.NormFloat64()
		}
		y.Set(i, 0, 1+2*r[0]-r[1]+0.5*r[2]+0.1*rng.NormFloat64())
	}
	return x, y
}

// TestRefitHeadGap: five epochs of Adam leave a deep linear network far
// from its optimum; RefitHead makes the returned network the least-squares
// fit (three inputs through a hidden layer of four: the head on them spans
// every affine map of x), and the gap, verdict and losses are the returned
// network's: its loss is the OLS loss RSS/2n of linear.Solve to 1e-12
// relative (two pivoted QR solves of a well-conditioned design, each
// accurate to a few units of rounding), its gap within GapTol (1e-10).
func TestRefitHeadGap(t *testing.T) {
	x, y := linearRows(200, 1)
	ols, err := linear.Solve(x, mat.Col(nil, 0, y), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := ols.RSS / (2 * 200)
	s := &Settings{Hidden: []int{4}, Activations: []Activation{Identity}, Seed: 1, RefitHead: true,
		Optim: optim.Settings{Epochs: 5, BatchSize: 32, Seed: 1}}
	res, err := Train(context.Background(), x, y, s)
	if err != nil {
		t.Fatal(err)
	}
	lo := res.Linear
	if lo == nil || res.PreRefitMSE == nil {
		t.Fatalf("Linear %v, PreRefitMSE %v", lo, res.PreRefitMSE)
	}
	if res.Status.Converged() || res.PreRefitMSE[0] < 10*res.TrainMSE[0] {
		t.Fatalf("Adam %s, MSE %.3g before the refit, %.3g after: the test needs a refit that closes a large gap", res.Status, res.PreRefitMSE[0], res.TrainMSE[0])
	}
	rel := func(a, b float64) float64 { return math.Abs(a-b) / b }
	t.Logf("%s; MSE %.6g before the refit; loss %.15g, OLS %.15g, gap %.3g", res.Status, res.PreRefitMSE[0], res.TrainLoss, want, lo.Gap)
	if rel(res.TrainLoss, want) > 1e-12 || rel(lo.TrainLoss, want) > 1e-12 {
		t.Errorf("train loss %.15g, exact %.15g; OLS %.15g", res.TrainLoss, lo.TrainLoss, want)
	}
	if !(math.Abs(lo.Gap) <= 1e-10) || !lo.OfOptimum() || !lo.Reached || !res.Converged() {
		t.Errorf("gap %.3g (relative to the optimum %v), reached %v, converged %v; want the refitted network at the optimum", lo.Gap, lo.OfOptimum(), lo.Reached, res.Converged())
	}
	// Without the refit, the same training is judged where it stopped: its
	// gap is (F − F*)/F* with F ≫ F*, so it agrees with (loss − OLS)/OLS to
	// the relative accuracy of F* against OLS, 1e-12 as above; 1e-9 leaves
	// a margin of a thousand (measured: equal to the last bit).
	s.RefitHead = false
	raw, err := Train(context.Background(), x, y, s)
	if err != nil {
		t.Fatal(err)
	}
	if g := (raw.TrainLoss - want) / want; raw.Converged() || raw.Linear.Reached || rel(raw.Linear.Gap, g) > 1e-9 {
		t.Errorf("without refit: gap %.6g, (loss − OLS)/OLS %.6g, converged %v", raw.Linear.Gap, g, raw.Converged())
	}
}

// TestHeadGapAtZeroOptimum: a head of 9 parameters on 5 rows fits them
// exactly, F* ≈ 0, and the gap is judged as optim.Optimum judges it,
// relative to D = 1e-8·(F₀ − F*), F₀ the start network's objective. With
// F* ≈ 0 that gap is 1e8·MSE/MSE₀, MSE₀ the start network's (Net.MSE).
// The two agree to 1e-9 relative: the gap and TrainMSE come from the same
// sum of squares, D and MSE₀ from the start's, accurate to rounding, and F*
// (the rounding of a sum of squares of residuals about 1e-15 of the targets;
// measured 9e-31 F₀, asserted below 1e-29 F₀) is below 1e-10 of the
// smallest F − F* tested here (≈ 1e-19 F₀). Measured difference: 3e-12. Two L-BFGS steps stop short (not
// reached); fifty reach the optimum to GapTol.
func TestHeadGapAtZeroOptimum(t *testing.T) {
	bx, by := linearRows(40, 2)
	base, err := Train(context.Background(), bx, by, &Settings{Hidden: []int{8}, Activations: []Activation{Tanh}, Seed: 2,
		Optim: optim.Settings{Epochs: 20, Seed: 2}})
	if err != nil {
		t.Fatal(err)
	}
	x, y := linearRows(5, 3)
	mse0, err := base.Net.MSE(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		epochs  int
		reached bool
	}{{2, false}, {50, true}} {
		res, err := Train(context.Background(), x, y, &Settings{Hidden: []int{8}, Activations: []Activation{Tanh}, Start: base.Net,
			Freeze: []int{1}, Optimizer: &optim.LBFGS{}, Optim: optim.Settings{Epochs: c.epochs}})
		if err != nil {
			t.Fatal(err)
		}
		lo := res.Head
		if lo == nil || lo.OfOptimum() || !(lo.Objective < 1e-29*(lo.Scale/1e-8)) {
			t.Fatalf("%d epochs: head %+v; want F* ≈ 0 and the gap relative to the start", c.epochs, lo)
		}
		want := 1e8 * res.TrainMSE[0] / mse0[0]
		t.Logf("%d epochs: %s, gap %.6g, 1e8·MSE/MSE₀ %.6g (relative difference %.2g), F* %.3g, D %.3g", c.epochs, res.Status, lo.Gap, want, math.Abs(lo.Gap-want)/want, lo.Objective, lo.Scale)
		if math.Abs(lo.Gap-want) > 1e-9*want || lo.Reached != c.reached || res.Converged() != c.reached || (lo.Gap <= 1e-10) != c.reached {
			t.Errorf("%d epochs (%s): gap %.6g, want 1e8·MSE/MSE₀ = %.6g; reached %v, want %v", c.epochs, res.Status, lo.Gap, want, lo.Reached, c.reached)
		}
	}
}

// TestRefitHeadFrozenOutput: RefitHead replaces the output layer, so a
// Freeze that keeps it fixed (layer len(Hidden)+1, with or without hidden
// layers, alone or with others) is refused before training, naming both
// settings; freezing only hidden layers with RefitHead trains.
func TestRefitHeadFrozenOutput(t *testing.T) {
	x, y := linearRows(50, 2)
	for _, c := range []struct {
		hidden, freeze []int
		refused        bool
	}{
		{[]int{4}, []int{2}, true},
		{[]int{4, 4}, []int{1, 3}, true},
		{nil, []int{1}, true},
		{[]int{4}, []int{1}, false},
	} {
		s := &Settings{Hidden: c.hidden, Freeze: c.freeze, RefitHead: true, Optimizer: &optim.LBFGS{}, Optim: optim.Settings{Epochs: 2}}
		if s.FreezesOutput() != c.refused {
			t.Errorf("hidden %v, freeze %v: FreezesOutput %v", c.hidden, c.freeze, s.FreezesOutput())
		}
		res, err := Train(context.Background(), x, y, s)
		switch {
		case c.refused && (err == nil || res != nil || !strings.Contains(err.Error(), "RefitHead") || !strings.Contains(err.Error(), "Freeze")):
			t.Errorf("hidden %v, freeze %v: result %v, error %v; want an error naming RefitHead and Freeze", c.hidden, c.freeze, res, err)
		case !c.refused && (err != nil || res.PreRefitMSE == nil):
			t.Errorf("hidden %v, freeze %v: %v, want a refitted network", c.hidden, c.freeze, err)
		}
	}
}

// TestTrainRefusesInapplicableOptim: clipping with L-BFGS, which bounds its
// steps by a line search, is refused by Train (optim.Settings.Applicable)
// instead of training unclipped; with Adam the same clipping trains.
func TestTrainRefusesInapplicableOptim(t *testing.T) {
	x, y := linearRows(50, 2)
	s := &Settings{Hidden: []int{3}, Optimizer: &optim.LBFGS{}, Optim: optim.Settings{Epochs: 2, ClipNorm: 1}}
	var e *optim.InapplicableError
	if res, err := Train(context.Background(), x, y, s); res != nil || !errors.As(err, &e) || e.Field != "ClipNorm" {
		t.Errorf("LBFGS with ClipNorm: result %v, error %v; want an *optim.InapplicableError naming ClipNorm", res, err)
	}
	s.Optimizer = &optim.Adam{}
	if _, err := Train(context.Background(), x, y, s); err != nil {
		t.Errorf("Adam with ClipNorm: %v", err)
	}
}
