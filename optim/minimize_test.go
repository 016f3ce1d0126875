package optim

import (
	"context"
	"errors"
	"math"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/schedule"
)

// textbook is the classic example x = 1..5, y = 2, 4, 5, 4, 5, unstandardised,
// with θ = [slope, intercept].
func textbook() Problem {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	return LeastSquares(x, []float64{2, 4, 5, 4, 5}, nil, true, nil, nil)
}

func TestTextbookGD(t *testing.T) {
	res, err := Minimize(context.Background(), textbook(), []float64{0, 0}, &Settings{LearningRate: 0.01, Epochs: 1000}, &SGD{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != lsq.IterationLimit || res.Epochs != 1000 || res.Steps != 1000 {
		t.Fatalf("status %v after %d epochs, %d steps; want iteration-limit after 1000", res.Status, res.Epochs, res.Steps)
	}
	// The textbook values, to 6 decimals.
	if got := []float64{round6(res.X[0]), round6(res.X[1])}; got[0] != 0.696355 || got[1] != 1.852128 {
		t.Errorf("slope, intercept = %.6f, %.6f; want 0.696355, 1.852128", res.X[0], res.X[1])
	}
	// And bit for bit the plain loop θ ← θ − α·(1/n)·Xᵀ(Xθ − y).
	xs, ys := []float64{1, 2, 3, 4, 5}, []float64{2, 4, 5, 4, 5}
	var m, b float64
	for range 1000 {
		var gm, gb float64
		for i := range xs {
			r := xs[i]*m + b - ys[i]
			gm += r * xs[i]
			gb += r
		}
		m -= 0.01 * gm / 5
		b -= 0.01 * gb / 5
	}
	// The kernel sums the same terms in the same order but through a
	// different dot product routine; allow the last bits (1e-15 relative).
	if math.Abs(m-res.X[0]) > 1e-15*math.Abs(m) || math.Abs(b-res.X[1]) > 1e-15*math.Abs(b) {
		t.Errorf("driver %v, %v; plain loop %v, %v", res.X[0], res.X[1], m, b)
	}
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

func TestDivergenceAndAutoRate(t *testing.T) {
	p := textbook()
	// L is the top eigenvalue of [[11, 3], [3, 1]] (XᵀX/n with the intercept
	// column): 6 + √34.
	l := 6 + math.Sqrt(34)
	if got := p.Lipschitz(); math.Abs(got-l) > 1e-6*l {
		t.Fatalf("Lipschitz %v, want %v", got, l)
	}
	res, err := Minimize(context.Background(), p, []float64{0, 0}, &Settings{LearningRate: 2.2 / l}, &SGD{})
	var de *DivergenceError
	if res.Status != lsq.Diverged || !errors.As(err, &de) {
		t.Fatalf("status %v, err %v; want diverged with a *DivergenceError", res.Status, err)
	}
	if math.Abs(de.Bound-2/l) > 1e-6*2/l || de.Feature != 0 || de.Epoch < 1 || de.Epoch != res.Epochs {
		t.Errorf("DivergenceError %+v", de)
	}
	t.Log(err)
	// Automatic rate 1/L: converges to the exact line y = 0.6x + 2.2
	// (x̄ = 3, ȳ = 4, Sxy = 6, Sxx = 10). The condition number is
	// (6+√34)/(6−√34) ≈ 70, so GD needs ~70·ln(1e9) ≈ 1500 epochs.
	res, err = Minimize(context.Background(), p, []float64{0, 0}, &Settings{Epochs: 5000}, &SGD{})
	if err != nil || !res.Status.Converged() {
		t.Fatalf("auto rate: status %v, err %v", res.Status, err)
	}
	// 1e-6: the default ObjectiveTol 1e-14 stops GD here once the relative
	// decrease per epoch, ≈ (2/κ)(F − F*)/F* with F* = 0.24, falls below
	// it, i.e. at a coefficient error of order 1e-6.
	if math.Abs(res.X[0]-0.6) > 1e-6 || math.Abs(res.X[1]-2.2) > 1e-6 {
		t.Errorf("auto rate: %v, want [0.6 2.2]", res.X)
	}
	t.Logf("auto rate %.4g: %d epochs, %v", res.LR, res.Epochs, res.Status)
}

func TestDivergenceNamesLargestFeature(t *testing.T) {
	x, y, _, _, _ := wellConditioned(2000, 10, 3)
	p := LeastSquares(x, y, nil, true, nil, nil) // unstandardised
	l := p.Lipschitz()
	res, err := Minimize(context.Background(), p, make([]float64, 11), &Settings{LearningRate: 3 / l}, &SGD{})
	var de *DivergenceError
	if res.Status != lsq.Diverged || !errors.As(err, &de) {
		t.Fatalf("status %v, err %v", res.Status, err)
	}
	// Column 9 has offset 90 and scale 2⁹ = 512: the largest RMS.
	if de.Feature != 9 {
		t.Errorf("feature %d named, want 9: %v", de.Feature, err)
	}
	// Diverging at 1.5× the bound multiplies the error by ≥ 2 per epoch: the
	// 1e3 rule fires within about 10 epochs.
	if de.Epoch > 20 {
		t.Errorf("divergence detected only in epoch %d", de.Epoch)
	}
	t.Log(err)
}

func TestSameSeedAnyGOMAXPROCS(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(5000, 10, 4) // 5 kernel blocks
	run := func(procs int, o Optimizer, batch int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		p := LeastSquares(x, y, nil, true, mu, sd)
		res, err := Minimize(context.Background(), p, make([]float64, 11), &Settings{BatchSize: batch, Seed: 42, Epochs: 5}, o)
		if err != nil {
			t.Fatal(err)
		}
		return res.X
	}
	for _, c := range []struct {
		name  string
		o     func() Optimizer
		batch int
	}{
		{"sgd-minibatch", func() Optimizer { return &SGD{} }, 64},
		{"adam-minibatch", func() Optimizer { return &Adam{} }, 64},
		{"gd-full", func() Optimizer { return &SGD{} }, 0},
		{"lbfgs", func() Optimizer { return &LBFGS{} }, 0},
	} {
		a, b := run(1, c.o(), c.batch), run(2, c.o(), c.batch)
		for j := range a {
			if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
				t.Errorf("%s: x[%d] differs: %v (1 proc) vs %v (2 procs)", c.name, j, a[j], b[j])
			}
		}
	}
}

func TestGradientMatchesCentralDifference(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(300, 4, 5)
	w := make([]float64, len(y))
	for i := range w {
		w[i] = 0.5 + float64(i%7)/7
	}
	for _, c := range []struct {
		name      string
		intercept bool
		mu, sd    []float64
	}{{"standardised", true, mu, sd}, {"raw", true, nil, nil}, {"no-intercept", false, mu, sd}} {
		p := LeastSquares(x, y, w, c.intercept, c.mu, c.sd)
		theta := []float64{0.3, -0.7, 1.1, 0.2, 2.5}[:p.Dim]
		g := make([]float64, p.Dim)
		p.LossGrad(g, theta)
		for j := range theta {
			// h = 1e-5: the loss is quadratic, so the central difference is
			// exact up to rounding, ~1e-16·L/h ≈ 1e-9 for losses of size 1e2.
			const h = 1e-5
			tp := append([]float64(nil), theta...)
			tm := append([]float64(nil), theta...)
			tp[j] += h
			tm[j] -= h
			fd := (p.LossGrad(nil, tp) - p.LossGrad(nil, tm)) / (2 * h)
			if math.Abs(fd-g[j]) > 1e-6*math.Max(1, math.Abs(g[j])) {
				t.Errorf("%s: grad[%d] = %v, central difference %v", c.name, j, g[j], fd)
			}
		}
	}
}

func TestProximalL1ExactZeros(t *testing.T) {
	x, y, mu, sd, exact := wellConditioned(5000, 10, 1)
	p := LeastSquares(x, y, nil, true, mu, sd)
	// The standardised coefficients have magnitudes ≈ 1, 2 and 3 and the
	// features are nearly uncorrelated, so α = 1.2 (above 1) sets the
	// smallest ones to zero.
	const alpha = 1.2
	for _, o := range []Optimizer{&SGD{}, &Momentum{}, &Nesterov{}, &FISTA{}} {
		res, err := Minimize(context.Background(), p, make([]float64, 11),
			&Settings{Penalty: penalty.L1{Alpha: alpha}, Proximal: true, Epochs: 5000}, o)
		if err != nil || !res.Status.Converged() {
			t.Fatalf("%T: status %v, err %v", o, res.Status, err)
		}
		zeros := 0
		g := make([]float64, p.Dim)
		p.LossGrad(g, res.X)
		for j := range 10 {
			// KKT conditions of the lasso: g_j = −α·sign(w_j) where w_j ≠ 0
			// and |g_j| ≤ α where w_j = 0. Tolerance 1e-6: the stopping
			// tests leave gradient-mapping norms far below it.
			if res.X[j] == 0 {
				zeros++
				if math.Abs(g[j]) > alpha+1e-6 {
					t.Errorf("%T: w[%d] = 0 but |g| = %v > α", o, j, math.Abs(g[j]))
				}
			} else if math.Abs(g[j]+alpha*math.Copysign(1, res.X[j])) > 1e-6 {
				t.Errorf("%T: w[%d] = %v but g = %v", o, j, res.X[j], g[j])
			}
		}
		if zeros == 0 {
			t.Errorf("%T: no exact zeros: %v (OLS %v)", o, res.X, exact)
		}
		if math.Abs(g[10]) > 1e-6 {
			t.Errorf("%T: intercept penalised? its gradient is %v", o, g[10])
		}
		t.Logf("%T lasso α=%v: %d exact zeros in %d epochs: %.4f", o, alpha, zeros, res.Epochs, res.X)
	}
}

func TestResumeBitForBit(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(3000, 5, 6)
	xv, yv, _, _, _ := wellConditioned(500, 5, 7)
	problem := func() Problem {
		p := LeastSquares(x, y, nil, true, mu, sd)
		p.Validation = LeastSquaresLoss(xv, yv, nil, true, mu, sd)
		return p
	}
	// L-BFGS gets no schedule, which it cannot apply, and the Steppers
	// (L-BFGS, FISTA) no mini-batches (Applicable); the others resume the
	// warm-up and plateau schedule's state too.
	settings := func(epochs int, o Optimizer) *Settings {
		s := &Settings{
			BatchSize: 50, Seed: 9, Epochs: epochs, LearningRate: 0.01,
			Schedule:     schedule.Warmup{N: 2, Then: &schedule.Plateau{Patience: 1}},
			Patience:     50,
			ObjectiveTol: -1, GradTol: -1,
			Penalty: penalty.L2{Alpha: 1e-3},
		}
		if _, ok := o.(*LBFGS); ok {
			s.Schedule = nil
		}
		if _, ok := o.(Stepper); ok {
			s.BatchSize = 0
		}
		return s
	}
	for _, c := range []struct {
		name string
		o    func() Optimizer
	}{
		{"adam", func() Optimizer { return &Adam{} }},
		{"nesterov", func() Optimizer { return &Nesterov{} }},
		{"lbfgs", func() Optimizer { return &LBFGS{} }},
		{"fista", func() Optimizer { return &FISTA{} }},
	} {
		straight, err := Minimize(context.Background(), problem(), make([]float64, 6), settings(8, c.o()), c.o())
		if err != nil {
			t.Fatal(err)
		}
		half, err := Minimize(context.Background(), problem(), make([]float64, 6), settings(4, c.o()), c.o())
		if err != nil {
			t.Fatal(err)
		}
		blob, err := half.Checkpoint.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var cp Checkpoint
		if err := cp.UnmarshalBinary(blob); err != nil {
			t.Fatal(err)
		}
		s := settings(8, c.o())
		s.Resume = &cp
		resumed, err := Minimize(context.Background(), problem(), nil, s, c.o())
		if err != nil {
			t.Fatal(err)
		}
		if resumed.Epochs != straight.Epochs || resumed.Steps != straight.Steps {
			t.Errorf("%s: resumed %d epochs/%d steps, straight %d/%d", c.name, resumed.Epochs, resumed.Steps, straight.Epochs, straight.Steps)
		}
		for j := range straight.X {
			if math.Float64bits(straight.X[j]) != math.Float64bits(resumed.X[j]) {
				t.Errorf("%s: x[%d] straight %v, resumed %v", c.name, j, straight.X[j], resumed.X[j])
			}
		}
	}
}

func TestCancelAtEpochBoundary(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(2000, 5, 8)
	p := LeastSquares(x, y, nil, true, mu, sd)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var epochs []int
	rec := lsq.RecorderFunc(func(it lsq.Iteration) error {
		epochs = append(epochs, it.Epoch)
		if it.Epoch == 3 {
			cancel()
		}
		return nil
	})
	set := &Settings{BatchSize: 100, Seed: 1, Recorder: rec, ObjectiveTol: -1, GradTol: -1, Epochs: 6}
	res, err := Minimize(ctx, p, make([]float64, 6), set, &Momentum{})
	if res.Status != lsq.Canceled || !errors.Is(err, context.Canceled) || res.Epochs != 3 || len(epochs) != 3 {
		t.Fatalf("status %v, err %v, epochs %d, recorded %v", res.Status, err, res.Epochs, epochs)
	}
	// The checkpoint continues exactly where the cancelled fit stopped.
	set2 := &Settings{BatchSize: 100, Seed: 1, ObjectiveTol: -1, GradTol: -1, Epochs: 6, Resume: res.Checkpoint}
	resumed, _ := Minimize(context.Background(), p, nil, set2, &Momentum{})
	straight, _ := Minimize(context.Background(), p, make([]float64, 6), &Settings{BatchSize: 100, Seed: 1, ObjectiveTol: -1, GradTol: -1, Epochs: 6}, &Momentum{})
	for j := range straight.X {
		if straight.X[j] != resumed.X[j] {
			t.Fatalf("resumed after cancel: %v, straight %v", resumed.X, straight.X)
		}
	}
}

func TestEarlyStoppingRestoresBest(t *testing.T) {
	// f(x) = ½‖x − 1‖²; the "validation loss" is scripted: it improves for
	// three epochs and then worsens.
	p := FuncGrad(2, func(x []float64) float64 {
		return 0.5 * ((x[0]-1)*(x[0]-1) + (x[1]-1)*(x[1]-1))
	}, func(g, x []float64) { g[0], g[1] = x[0]-1, x[1]-1 })
	vals := []float64{5, 4, 3, 3.5, 3.6, 3.7, 3.8, 3.9}
	k := 0
	p.Validation = func([]float64) float64 { v := vals[min(k, len(vals)-1)]; k++; return v }
	var xs [][]float64
	p0 := p.LossGrad
	_ = p0
	rec := lsq.RecorderFunc(func(it lsq.Iteration) error { return nil })
	var trace []float64
	set := &Settings{LearningRate: 0.1, Patience: 2, Recorder: lsq.Recorders{rec, lsq.RecorderFunc(func(it lsq.Iteration) error {
		trace = append(trace, it.ValLoss)
		return nil
	})}}
	// Capture x after each epoch through the validation call order: the
	// first call is at x0 (k = 0), then one per epoch.
	inner := p.Validation
	p.Validation = func(x []float64) float64 { xs = append(xs, append([]float64(nil), x...)); return inner(x) }
	res, err := Minimize(context.Background(), p, []float64{0, 0}, set, &SGD{})
	if err != nil || res.Status != lsq.EarlyStopped {
		t.Fatalf("status %v, err %v", res.Status, err)
	}
	// Best validation 3 came after epoch 2 (calls: x0, epoch 1, epoch 2);
	// then epochs 3 and 4 did not improve: stop after epoch 4 with epoch 2's x.
	if res.Epochs != 4 || res.ValLoss != 3 {
		t.Errorf("stopped after %d epochs with val %v; want 4 and 3 (trace %v)", res.Epochs, res.ValLoss, trace)
	}
	if res.X[0] != xs[2][0] || res.X[1] != xs[2][1] {
		t.Errorf("restored %v, want epoch 2's %v", res.X, xs[2])
	}
}

func TestClipping(t *testing.T) {
	// One full-batch step on the textbook problem from 0 with ClipNorm c
	// moves by exactly lr·c along −g/‖g‖. g(0) = −(1/n)Xᵀy = [−66/5, −4].
	g := []float64{-66.0 / 5, -4}
	norm := math.Hypot(g[0], g[1])
	const c, lr = 1.0, 0.1
	var it lsq.Iteration
	set := &Settings{LearningRate: lr, ClipNorm: c, Epochs: 1, Recorder: lsq.RecorderFunc(func(i lsq.Iteration) error { it = i; return nil })}
	res, _ := Minimize(context.Background(), textbook(), []float64{0, 0}, set, &SGD{})
	for j := range g {
		want := -lr * c * g[j] / norm
		if math.Abs(res.X[j]-want) > 1e-15 {
			t.Errorf("x[%d] = %v, want %v", j, res.X[j], want)
		}
	}
	if it.Clipped != 1 || math.Abs(it.PreClipNorm-norm) > 1e-12 {
		t.Errorf("Clipped %d, PreClipNorm %v; want 1, %v", it.Clipped, it.PreClipNorm, norm)
	}
	// Clip by value: components clamped to ±1.
	set = &Settings{LearningRate: lr, ClipValue: 1, Epochs: 1}
	res, _ = Minimize(context.Background(), textbook(), []float64{0, 0}, set, &SGD{})
	if res.X[0] != lr || res.X[1] != lr {
		t.Errorf("clip by value: %v, want [%v %v]", res.X, lr, lr)
	}
	// Mini-batches: every step of a tightly clipped epoch is counted.
	x, y, mu, sd, _ := wellConditioned(1000, 3, 2)
	p := LeastSquares(x, y, nil, true, mu, sd)
	var clipped []int
	set = &Settings{BatchSize: 100, ClipNorm: 1e-3, Epochs: 2, Recorder: lsq.RecorderFunc(func(i lsq.Iteration) error { clipped = append(clipped, i.Clipped); return nil })}
	Minimize(context.Background(), p, make([]float64, 4), set, &SGD{})
	if len(clipped) != 2 || clipped[0] != 10 || clipped[1] != 10 {
		t.Errorf("clipped per epoch %v, want [10 10]", clipped)
	}
}

func TestRecorderSeesEveryEpoch(t *testing.T) {
	var its []lsq.Iteration
	set := &Settings{LearningRate: 0.01, Epochs: 7, Recorder: lsq.RecorderFunc(func(it lsq.Iteration) error { its = append(its, it); return nil })}
	res, _ := Minimize(context.Background(), textbook(), []float64{0, 0}, set, &SGD{})
	if len(its) != 7 {
		t.Fatalf("%d records, want 7", len(its))
	}
	for i, it := range its {
		if it.Epoch != i+1 || it.Step != i+1 || it.LR != 0.01 || !math.IsNaN(it.ValLoss) || it.Objective != it.Loss {
			t.Errorf("record %d: %+v", i, it)
		}
		if i > 0 && !(it.Loss < its[i-1].Loss) {
			t.Errorf("loss did not decrease at epoch %d", it.Epoch)
		}
	}
	if its[6].Loss != res.Loss || its[6].GradNorm != res.GradNorm {
		t.Errorf("last record %+v, result %+v", its[6], res)
	}
	stop := errors.New("stop")
	res, err := Minimize(context.Background(), textbook(), []float64{0, 0}, &Settings{Recorder: lsq.RecorderFunc(func(lsq.Iteration) error { return stop })}, &SGD{})
	if !errors.Is(err, stop) || res.Status != lsq.Failure || res.Epochs != 1 {
		t.Errorf("recorder error: status %v err %v epochs %d", res.Status, err, res.Epochs)
	}
}

func TestRangeTest(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(5000, 10, 1)
	p := LeastSquares(x, y, nil, true, mu, sd)
	l := p.Lipschitz()
	// Full batch: the loss curve is then smooth; with small batches on this
	// problem the batch losses vary by ±50% and 100 steps are too few for
	// the moving average to follow the drop.
	res, err := RangeTest(context.Background(), p, make([]float64, 11), nil, &SGD{})
	if err != nil {
		t.Fatal(err)
	}
	// The loss falls fastest somewhere below the 2/L stability bound and
	// above 1e-3/L, where a 100-step run hardly moves.
	if !(res.Suggested > 1e-3/l && res.Suggested < 2/l) {
		t.Errorf("suggested %v not in (1e-3/L, 2/L) = (%v, %v)", res.Suggested, 1e-3/l, 2/l)
	}
	// Rates grow geometrically from 1e-7; the run stops once the loss blows up.
	if res.Rates[0] != 1e-7 || len(res.Rates) == 100 && res.Rates[99] != 10 {
		t.Errorf("rates %v ... %v", res.Rates[0], res.Rates[len(res.Rates)-1])
	}
	t.Logf("suggested %.4g (1/L = %.4g), %d steps", res.Suggested, 1/l, len(res.Rates))
}

func TestUnstandardize(t *testing.T) {
	x, y, mu, sd, exact := wellConditioned(400, 3, 10)
	coef, b := Unstandardize(exact, mu, sd, true)
	// The raw-scale model predicts as the standardised one: compare with
	// the exact raw-scale solution from QR.
	raw := LeastSquares(x, y, nil, true, nil, nil)
	g := make([]float64, 4)
	raw.LossGrad(g, append(coef, b))
	for j, v := range g {
		// ‖Xᵀr‖/n ≈ 0 at the optimum; 1e-9 for raw columns of size ~40.
		if math.Abs(v) > 1e-9 {
			t.Errorf("raw gradient[%d] = %v at the unstandardised optimum", j, v)
		}
	}
}

func TestResumeMismatchIsAnError(t *testing.T) {
	p := textbook()
	res, _ := Minimize(context.Background(), p, []float64{0, 0}, &Settings{LearningRate: 0.01, Epochs: 3}, &Adam{})
	for name, o := range map[string]Optimizer{"other optimiser": &Momentum{}, "same": &Adam{}} {
		r, err := Minimize(context.Background(), p, nil, &Settings{Epochs: 5, Resume: res.Checkpoint}, o)
		if name == "same" {
			if err != nil || r.Epochs != 5 {
				t.Errorf("%s: epochs %d, err %v", name, r.Epochs, err)
			}
			continue
		}
		if err == nil || r.Status != lsq.Failure {
			t.Errorf("%s: status %v, err %v; want a failure", name, r.Status, err)
		}
	}
}

func TestFISTAFasterThanISTA(t *testing.T) {
	// Lasso on the unstandardised textbook data: condition number ≈ 70, so
	// ISTA's linear rate is slow and acceleration pays.
	p := textbook()
	// Only the gradient-mapping test (GradTol 1e-8) stops them, so both
	// get to the same accuracy.
	s := &Settings{Penalty: penalty.L1{Alpha: 0.5}, Proximal: true, Epochs: 100000, ObjectiveTol: -1}
	ista, err := Minimize(context.Background(), p, []float64{0, 0}, s, &SGD{})
	if err != nil || !ista.Status.Converged() {
		t.Fatalf("ISTA: %v %v", ista.Status, err)
	}
	fista, err := Minimize(context.Background(), p, []float64{0, 0}, s, &FISTA{})
	if err != nil || !fista.Status.Converged() {
		t.Fatalf("FISTA: %v %v", fista.Status, err)
	}
	// Both reach the same lasso solution; the slope's KKT condition
	// (1/n)Σx_i r_i = α fixes it: with x̄ = 3, Sxx/n = 2: slope = 0.6 − α/2 = 0.35.
	for _, r := range []*Result{ista, fista} {
		if math.Abs(r.X[0]-0.35) > 1e-6 || math.Abs(r.X[1]-(4-3*0.35)) > 1e-6 {
			t.Errorf("lasso fit %v, want [0.35 2.95]", r.X)
		}
	}
	t.Logf("ISTA %d epochs, FISTA %d epochs (%d evaluations)", ista.Epochs, fista.Epochs, fista.Evaluations)
	if fista.Epochs*3 > ista.Epochs {
		t.Errorf("FISTA took %d epochs, ISTA %d: expected at least 3× fewer", fista.Epochs, ista.Epochs)
	}
}
