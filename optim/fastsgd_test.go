package optim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/schedule"
)

// general returns p with its BatchLossGrad wrapped, which makes Minimize take
// the general mini-batch path instead of the batch-1 least-squares fast path.
func general(p Problem) Problem {
	inner := p.BatchLossGrad
	p.BatchLossGrad = func(g, x []float64, rows []int) float64 { return inner(g, x, rows) }
	return p
}

// fastSGDCase is a batch-1 SGD fit for TestFastSGDMatchesGeneral.
type fastSGDCase struct {
	name           string
	n, d           int
	intercept, std bool
	weights        bool // with some zero weights
	stepSchedule   bool
	record         bool
	epochs         int
	block          int // Settings.ShuffleBlock
	lr             float64
	x0             float64 // every start coordinate (−0 tests the sign of zero)
	diverge        bool
}

// TestFastSGDMatchesGeneral checks that batch-1 SGD on a LeastSquares problem
// (the fast path, kernel.LS.SGDStep) gives the bits of the general path
// (BatchLossGrad then SGD.Update) — parameters, objective, step counts,
// status and every recorded iteration — with and without intercept,
// standardisation and weights, d on and off the eight-lane boundary, a
// per-step schedule, a divergence, a negative-zero start and blocked
// shuffles.
func TestFastSGDMatchesGeneral(t *testing.T) {
	for _, c := range []fastSGDCase{
		{name: "plain", n: 300, d: 16, intercept: true, epochs: 3, lr: 1e-3},
		{name: "raw-d13", n: 257, d: 13, intercept: true, epochs: 2, lr: 1e-3},
		{name: "std", n: 200, d: 5, intercept: true, std: true, epochs: 4, lr: 1e-2},
		{name: "nointercept-d3", n: 150, d: 3, epochs: 3, lr: 1e-2},
		{name: "weights", n: 200, d: 9, intercept: true, std: true, weights: true, epochs: 3, lr: 1e-2},
		{name: "stepschedule", n: 120, d: 8, intercept: true, std: true, stepSchedule: true, epochs: 2, lr: 2e-2},
		{name: "recorder", n: 120, d: 11, intercept: true, std: true, record: true, epochs: 3, lr: 1e-2},
		{name: "recorder-raw", n: 120, d: 11, intercept: true, record: true, epochs: 3, lr: 1e-3},
		{name: "recorder-weights", n: 120, d: 4, intercept: true, weights: true, record: true, epochs: 2, lr: 1e-3},
		{name: "negzero", n: 100, d: 7, intercept: true, epochs: 1, lr: 1e-3, x0: math.Copysign(0, -1)},
		{name: "diverge", n: 200, d: 6, intercept: true, std: true, epochs: 5, lr: 5, diverge: true},
		{name: "blocked", n: 203, d: 9, intercept: true, epochs: 3, block: 8, lr: 1e-3},
		{name: "blocked-recorder", n: 203, d: 9, intercept: true, std: true, record: true, epochs: 2, block: 64, lr: 1e-2},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, y, mu, sd, _ := wellConditioned(c.n, c.d, 7)
			var w []float64
			if c.weights {
				rng := rand.New(rand.NewPCG(5, 6))
				w = make([]float64, c.n)
				for i := range w {
					if i%7 != 3 { // every seventh row weighs nothing
						w[i] = 0.5 + rng.Float64()
					}
				}
			}
			if !c.std {
				mu, sd = nil, nil
			}
			if !c.intercept {
				mu = nil
			}
			p := LeastSquares(x, y, w, c.intercept, mu, sd)
			if fastSGD(p, resolved(p, c), &SGD{}) == nil {
				t.Fatal("fast path not taken")
			}
			if fastSGD(general(p), resolved(p, c), &SGD{}) != nil {
				t.Fatal("fast path taken with a wrapped BatchLossGrad")
			}
			fr, fit, ferr := runFast(p, c)
			gr, git, gerr := runFast(general(p), c)
			if (ferr == nil) != (gerr == nil) || (c.diverge && ferr == nil) {
				t.Fatalf("errors: fast %v, general %v", ferr, gerr)
			}
			sameBits(t, "X", fr.X, gr.X)
			sameBits(t, "objective", []float64{fr.Objective, fr.Loss, fr.GradNorm}, []float64{gr.Objective, gr.Loss, gr.GradNorm})
			if fr.Status != gr.Status || fr.Epochs != gr.Epochs || fr.Steps != gr.Steps {
				t.Errorf("fast %v after %d epochs, %d steps; general %v, %d, %d", fr.Status, fr.Epochs, fr.Steps, gr.Status, gr.Epochs, gr.Steps)
			}
			if len(fit) != len(git) {
				t.Fatalf("%d recorded iterations, general %d", len(fit), len(git))
			}
			for e := range fit {
				a, b := fit[e], git[e]
				a.Elapsed, b.Elapsed = 0, 0
				if fmt.Sprint(a) != fmt.Sprint(b) || math.Float64bits(a.PreClipNorm) != math.Float64bits(b.PreClipNorm) {
					t.Errorf("epoch %d: fast %+v, general %+v", e+1, a, b)
				}
			}
		})
	}
}

func fastSettings(c fastSGDCase) *Settings {
	s := &Settings{Epochs: c.epochs, BatchSize: 1, LearningRate: c.lr, Seed: 3, GradTol: -1, ObjectiveTol: -1, ShuffleBlock: c.block}
	if c.stepSchedule {
		s.StepSchedule, s.Schedule = true, schedule.InvScaling{}
	}
	return s
}

func resolved(p Problem, c fastSGDCase) *settings {
	var s settings
	s.Settings = *fastSettings(c)
	s.resolve(p, &SGD{})
	return &s
}

func runFast(p Problem, c fastSGDCase) (*Result, []lsq.Iteration, error) {
	s := fastSettings(c)
	var its []lsq.Iteration
	if c.record {
		s.Recorder = lsq.RecorderFunc(func(it lsq.Iteration) error { its = append(its, it); return nil })
	}
	x0 := make([]float64, p.Dim)
	for j := range x0 {
		x0[j] = c.x0
	}
	r, err := Minimize(context.Background(), p, x0, s, &SGD{})
	return r, its, err
}

func sameBits(t *testing.T, what string, a, b []float64) {
	t.Helper()
	for j := range a {
		if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
			t.Errorf("%s[%d]: fast %v (%#x), general %v (%#x)", what, j, a[j], math.Float64bits(a[j]), b[j], math.Float64bits(b[j]))
		}
	}
}

// TestFastSGDResumeAndProcs checks that the fast path resumes bit for bit
// (two epochs, then two more from the checkpoint, equal four at once) and
// gives the same bits for GOMAXPROCS 1 and 2 (the end-of-epoch evaluation is
// parallel; the steps are serial).
func TestFastSGDResumeAndProcs(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(500, 10, 9)
	run := func(epochs int, resume *Checkpoint) *Result {
		p := LeastSquares(x, y, nil, true, mu, sd)
		r, err := Minimize(context.Background(), p, make([]float64, 11),
			&Settings{Epochs: epochs, BatchSize: 1, LearningRate: 1e-2, Seed: 4, GradTol: -1, ObjectiveTol: -1, Resume: resume}, &SGD{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	whole := run(4, nil)
	half := run(2, nil)
	resumed := run(4, half.Checkpoint)
	sameBits(t, "resumed X", resumed.X, whole.X)
	if resumed.Steps != whole.Steps || whole.Steps != 4*500 {
		t.Errorf("steps: resumed %d, whole %d, want %d", resumed.Steps, whole.Steps, 4*500)
	}
	prev := runtime.GOMAXPROCS(1)
	one := run(4, nil)
	runtime.GOMAXPROCS(prev)
	sameBits(t, "GOMAXPROCS=1 X", one.X, whole.X)
}

// TestBelowNorm checks the screen of the largest gradient norm: whenever it
// says ‖g‖ < c, floats.Norm(g) < c, for norms far from 1 (down to where the sum
// of squares would underflow and up to where it overflows), c within a few
// units of rounding of the norm and d up to 1000.
func TestBelowNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	for _, scale := range []float64{1e-300, 1e-160, 1e-140, 1e-10, 1, 1e10, 1e150, 1e160, 1e300} {
		for _, d := range []int{1, 2, 7, 100, 1000} {
			g := make([]float64, d)
			for j := range g {
				g[j] = scale * rng.NormFloat64()
			}
			n := floats.Norm(g, 2)
			for _, f := range []float64{1 - 1e-5, 1 - 1e-7, 1 - 1e-15, 1, 1 + 1e-15, 1 + 1e-7, 1 + 1e-5, 2} {
				c := n * f
				if belowNorm(g, c) && !(n < c) {
					t.Errorf("scale %g d %d: belowNorm(g, %v) with ‖g‖ = %v", scale, d, c, n)
				}
			}
			// Sums of squares below 2⁻⁹⁰⁰ ≈ 1e-271 (norms below ~1e-135) are not screened.
			if !belowNorm(g, 2*n) && scale >= 1e-130 && scale <= 1e150 {
				t.Errorf("scale %g d %d: the screen let through ‖g‖ = %v < %v", scale, d, n, 2*n)
			}
		}
	}
}
