package pipeline

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"gonum.org/v1/gonum/floats"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/stream"
)

// countingRunner runs pipelines on the test runner and counts them; fail,
// when positive, makes run number fail return errBoom instead.
type countingRunner struct {
	runs, fail int
}

var errBoom = errors.New("boom: the runner failed")

func (c *countingRunner) run(ctx context.Context, p *beam.Pipeline) error {
	c.runs++
	if c.runs == c.fail {
		return errBoom
	}
	return testRunner(ctx, p)
}

// standardize maps raw coefficients and intercept to the parameters the
// driver works in, θ = [β..., b] with βⱼ = coefⱼ·sⱼ, b = b' + Σμⱼcoefⱼ (the
// inverse of optim.Unstandardize).
func standardize(coef []float64, icpt float64, center, scale []float64, intercept bool) []float64 {
	th := make([]float64, len(coef))
	b := icpt
	for j, c := range coef {
		th[j] = c * scale[j]
		if center != nil {
			b += center[j] * c
		}
	}
	if intercept {
		th = append(th, b)
	}
	return th
}

// Distributed gradient descent is optim.Minimize's full-batch GD: on a
// well-conditioned problem it stops with lsq.GapTolerance, one pipeline run
// per evaluation (the first pass, the start, one per epoch), in the
// library's standardisation, and its parameters are as close to the
// in-memory exact fit as the gap tolerance allows.
func TestRunGDReachesGap(t *testing.T) {
	const n, d = 900, 3
	// gapTol sits well above the rounding of the loss itself: a sum of n
	// weighted squares, accurate to ≲ n·u ≈ 1e-13 relative for n = 900.
	const gapTol = 1e-12
	base := makeData(3, n, d, false)
	for _, c := range gdCases(n) {
		t.Run(c.name, func(t *testing.T) {
			ds := base
			ds.w = c.w
			dir, csv := writeDataset(t, ds, []int{0, 400, n})
			var recorded int
			rec := lsq.RecorderFunc(func(it lsq.Iteration) error {
				recorded = it.Epoch
				if !lsq.Finite([]float64{it.Loss, it.GradNorm}) {
					t.Errorf("epoch %d recorded loss %v, gradient norm %v", it.Epoch, it.Loss, it.GradNorm)
				}
				return nil
			})
			cr := &countingRunner{}
			modelPath := filepath.Join(dir, "gd.json")
			res, err := RunGD(context.Background(), cr.run, filepath.Join(dir, "part-*.csv"), modelPath,
				GDOptions{CSV: csv, NoIntercept: !c.intercept, Epochs: 200, GapTol: gapTol, WorkDir: dir, Recorder: rec})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != lsq.GapTolerance || res.Optim.Status != res.Status {
				t.Fatalf("status %v (driver %v) after %d epochs", res.Status, res.Optim.Status, res.Epochs)
			}
			if recorded != res.Epochs {
				t.Errorf("recorder saw %d epochs, result says %d", recorded, res.Epochs)
			}
			// One pipeline per evaluation: the driver evaluates at the start
			// and once after each full-batch step, never twice at a point.
			if res.Runs != res.Epochs+2 || cr.runs != res.Runs || res.Optim.Evaluations != res.Epochs+1 {
				t.Errorf("%d epochs took %d pipeline runs (runner saw %d, driver %d evaluations); want epochs + 2",
					res.Epochs, res.Runs, cr.runs, res.Optim.Evaluations)
			}
			if _, err := os.Stat(modelPath); err != nil {
				t.Errorf("model file: %v", err)
			}

			// The standardisation is the library's (lsq.Moments of the same
			// rows). Both are means and root sums of squares of O(1) numbers
			// accumulated over n rows: they agree to ≲ n·u ≈ 1e-13; 1e-12.
			center, scale := lsq.Moments(ds.x, c.w, c.intercept)
			if center == nil {
				center = make([]float64, d)
			}
			if e := maxRel(res.Model.Scaling.Scale, scale); e > 1e-12 {
				t.Errorf("scale %v, lsq.Moments %v", res.Model.Scaling.Scale, scale)
			}
			if e := maxRel(res.Model.Scaling.Center, center); c.intercept && e > 1e-12 {
				t.Errorf("centre %v, lsq.Moments %v", res.Model.Scaling.Center, center)
			}

			// The gap the driver stopped on, against its definition.
			fStar := res.ExactLoss
			den := math.Max(math.Abs(fStar), 1e-8*(res.Optim.Checkpoint.First-fStar))
			if res.LossGap > gapTol*den || res.LossGap < -1e-13*fStar {
				t.Errorf("loss gap %v, tolerance %v·%v", res.LossGap, gapTol, den)
			}

			// Against the in-memory exact fit. The loss is quadratic, so
			// F − F* = ½(θ−θ*)ᵀH(θ−θ*) ≥ ½μ‖θ−θ*‖², μ the smallest
			// eigenvalue of its Hessian H on the standardised scale: the gap
			// tolerance, plus the loss's rounding (1e-13 relative, above),
			// bounds ‖θ−θ*‖ ≤ √(2(gapTol·den + 1e-13·F*)/μ). The exact
			// solution adds its own error, ≲ 1e-10·‖θ*‖ (see
			// TestExactMatchesInMemory).
			ref, err := fit.Matrix(context.Background(), ds.x, ds.y, &fit.Settings{Weights: c.w, NoIntercept: !c.intercept})
			if err != nil {
				t.Fatal(err)
			}
			var mcenter []float64
			if c.intercept {
				mcenter = center
			}
			mu, _, ok := fit.HessianExtremes(ds.x, c.w, c.intercept, mcenter, scale, 0)
			if !ok || !(mu > 0) {
				t.Fatalf("Hessian's smallest eigenvalue %v", mu)
			}
			thStar := standardize(ref.Coef, ref.Intercept, mcenter, scale, c.intercept)
			th := res.Optim.X
			bound := math.Sqrt(2*(gapTol*den+1e-13*fStar)/mu) + 1e-10*floats.Norm(thStar, 2)
			dist := floats.Distance(th, thStar, 2)
			t.Logf("%d epochs, gap %.3g, ‖θ−θ*‖ = %.3g ≤ %.3g (μ = %.3g)", res.Epochs, res.LossGap, dist, bound, mu)
			if dist > bound {
				t.Errorf("‖θ−θ*‖ = %.3g > %.3g\nθ  %v\nθ* %v", dist, bound, th, thStar)
			}
			// On the raw scale, coefⱼ = θⱼ/sⱼ, so |Δcoefⱼ| ≤ bound/sⱼ, and
			// Δb' = Δb − Σμⱼ·Δθⱼ/sⱼ ≤ bound·√(1 + Σ(μⱼ/sⱼ)²) (Cauchy–Schwarz).
			k := 1.0
			for j := range d {
				if e := math.Abs(res.Model.Coef[j] - ref.Coef[j]); e > bound/scale[j] {
					t.Errorf("coef %d: %v, exact %v (|Δ| %.3g > %.3g)", j, res.Model.Coef[j], ref.Coef[j], e, bound/scale[j])
				}
				k += (mcenter0(mcenter, j) / scale[j]) * (mcenter0(mcenter, j) / scale[j])
			}
			if e := math.Abs(res.Model.Intercept - ref.Intercept); e > bound*math.Sqrt(k) {
				t.Errorf("intercept %v, exact %v (|Δ| %.3g > %.3g)", res.Model.Intercept, ref.Intercept, e, bound*math.Sqrt(k))
			}
		})
	}
}

func mcenter0(c []float64, j int) float64 {
	if c == nil {
		return 0
	}
	return c[j]
}

// Constant weights 3 give the unweighted fit: the loss divides by W = Σw.
//
// Tolerance 1e-10 relative: the two runs evaluate the same loss and gradient
// but for rounding (3·r·z summed then divided by 3n, the √3-scaled R factor
// for the rate), a few units of u per sum, ≲ n·u ≈ 1e-13 relative; full-batch
// GD with a rate ≤ 1/L is non-expansive (|1 − ηλ| ≤ 1 for every eigenvalue
// λ of the Hessian), so the differences of each step are not amplified and
// add up over the ≲ 20 epochs to ≲ 2e-12.
func TestRunGDConstantWeights(t *testing.T) {
	const n, d = 900, 3
	ds := makeData(7, n, d, false)
	fitOne := func(w []float64) *GDResult {
		t.Helper()
		ds := ds
		ds.w = w
		dir, csv := writeDataset(t, ds, []int{0, 300, 700, n})
		res, err := RunGD(context.Background(), testRunner, filepath.Join(dir, "part-*.csv"), "",
			GDOptions{CSV: csv, WorkDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	plain, three := fitOne(nil), fitOne(weightCases(n)["const3"])
	if plain.Status != lsq.GapTolerance || three.Status != plain.Status || three.Epochs != plain.Epochs {
		t.Errorf("unweighted: %v after %d epochs; weights 3: %v after %d", plain.Status, plain.Epochs, three.Status, three.Epochs)
	}
	if e := maxRel(three.Optim.X, plain.Optim.X); e > 1e-10 {
		t.Errorf("weights 3 %v\nunweighted %v\nrel %.3g", three.Optim.X, plain.Optim.X, e)
	}
	if three.Exact.SumWeights != 3*plain.Exact.SumWeights {
		t.Errorf("W = %v with weights 3, %v without", three.Exact.SumWeights, plain.Exact.SumWeights)
	}
}

// Invalid options are errors, found before any pipeline runs.
func TestRunGDOptionErrors(t *testing.T) {
	for _, o := range []GDOptions{
		{Epochs: -1},
		{LR: -0.1},
		{LR: math.NaN()},
		{LR: math.Inf(1)},
		{GapTol: -1e-9},
		{GapTol: 1},
		{GapTol: math.NaN()},
	} {
		o.CSV, o.WorkDir = CSV{Target: "y"}, t.TempDir()
		cr := &countingRunner{}
		res, err := RunGD(context.Background(), cr.run, "unused-*.csv", "", o)
		if err == nil || res != nil || cr.runs != 0 {
			t.Errorf("%+v: result %v, error %v, %d runs", o, res, err, cr.runs)
		}
	}
}

// A pipeline run that fails is RunGD's error: the driver never takes its NaN
// loss for a step, the Recorder never sees it, and no model is written.
func TestRunGDPipelineFailure(t *testing.T) {
	ds := makeData(8, 300, 2, false)
	dir := t.TempDir()
	writeParts(t, dir, ds, []int{0, 120, 300}, nil)
	// Run 2 is the evaluation at the start, run 4 the one after the second
	// step.
	for _, fail := range []int{2, 4} {
		rec := lsq.RecorderFunc(func(it lsq.Iteration) error {
			if !lsq.Finite([]float64{it.Loss, it.GradNorm}) {
				t.Errorf("run %d fails: epoch %d recorded loss %v", fail, it.Epoch, it.Loss)
			}
			return nil
		})
		cr := &countingRunner{fail: fail}
		modelPath := filepath.Join(dir, "gd.json")
		res, err := RunGD(context.Background(), cr.run, filepath.Join(dir, "part-*.csv"), modelPath,
			GDOptions{CSV: CSV{Target: "y"}, WorkDir: dir, Recorder: rec})
		if res != nil || !errors.Is(err, errBoom) || cr.runs != fail {
			t.Errorf("run %d fails: result %v, error %v after %d runs", fail, res, err, cr.runs)
		}
		if _, err := os.Stat(modelPath); !os.IsNotExist(err) {
			t.Errorf("run %d fails: model file written (%v)", fail, err)
		}
	}
}

// A rate above the 2/L stability bound diverges: the driver's status and its
// *optim.DivergenceError, and no model file.
func TestRunGDDiverges(t *testing.T) {
	ds := makeData(9, 300, 2, false)
	dir := t.TempDir()
	writeParts(t, dir, ds, []int{0, 120, 300}, nil)
	center, scale := lsq.Moments(ds.x, nil, true)
	_, l, ok := fit.HessianExtremes(ds.x, nil, true, center, scale, 0)
	if !ok {
		t.Fatal("no Hessian")
	}
	modelPath := filepath.Join(dir, "gd.json")
	// 3/L: the error along the top eigenvector doubles every step.
	res, err := RunGD(context.Background(), testRunner, filepath.Join(dir, "part-*.csv"), modelPath,
		GDOptions{CSV: CSV{Target: "y"}, WorkDir: dir, LR: 3 / l})
	var de *optim.DivergenceError
	if res == nil || res.Status != lsq.Diverged || !errors.As(err, &de) {
		t.Fatalf("result %+v, error %v", res, err)
	}
	// The 2/L bound the error reports is the first pass's exact L; the
	// in-memory Hessian's agrees to rounding.
	if math.Abs(de.Bound-2/l) > 1e-10*(2/l) || !strings.Contains(err.Error(), "diverg") {
		t.Errorf("divergence error %v: bound %v, want 2/L = %v", err, de.Bound, 2/l)
	}
	if _, err := os.Stat(modelPath); !os.IsNotExist(err) {
		t.Errorf("diverged fit wrote a model file (%v)", err)
	}
}

// The Beam driver minimises the problem `lsq fit --stream --solver gd`
// minimises (fit.Stream of the same files, in path order), from the same
// start, and measures its gap to the same optimum: the first pass's
// accumulator is the bits of the in-process fold (TestRunFitMatchesInMemory),
// and the exact fit, its objective F*, the Lipschitz constant L and the
// start are then computed by the same code from it (fit.FromQR,
// stream.QR.Problem, fit.StartFromQR), so they are equal to the bit, and so
// is the automatic rate 1/L.
//
// The iterates are equal up to rounding: the Beam loss and gradient are sums
// over the rows (stream.Grad), the in-process ones are read off R, the same
// numbers in exact arithmetic, each evaluation within ≲ n·u ≈ 1e-13 relative
// (n = 900) of them. Full-batch GD at a rate ≤ 1/L is non-expansive
// (|1 − ηλ| ≤ 1 for every eigenvalue λ of the Hessian), so the differences
// of each step are not amplified and add up over the ≲ 20 epochs to
// ≲ 2e-12 of ‖θ‖: 1e-10 leaves a factor of 50. The fits stop at the same
// epoch as long as no epoch's gap is within that rounding of the tolerance.
func TestRunGDMatchesStream(t *testing.T) {
	const n, d, gapTol = 900, 3, 1e-12
	base := makeData(5, n, d, false)
	cuts := []int{0, 250, 600, n}
	ctx := context.Background()
	for _, c := range gdCases(n) {
		t.Run(c.name, func(t *testing.T) {
			ds := base
			ds.w = c.w
			dir, csv := writeDataset(t, ds, cuts)
			res, err := RunGD(ctx, testRunner, filepath.Join(dir, "part-*.csv"), "",
				GDOptions{CSV: csv, NoIntercept: !c.intercept, Epochs: 200, GapTol: gapTol, WorkDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			var parts []stream.Chunks
			for k := 0; k+1 < len(cuts); k++ {
				parts = append(parts, chunks(ds, cuts[k], cuts[k+1]))
			}
			sr, err := fit.Stream(ctx, parts, &fit.Settings{Solver: fit.GD, NoIntercept: !c.intercept, GapTol: gapTol})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != lsq.GapTolerance || sr.Status != lsq.GapTolerance {
				t.Fatalf("beam %v after %d epochs, fit.Stream %v after %d", res.Status, res.Epochs, sr.Status, sr.Iterations)
			}

			// Equal to the bit.
			if res.ExactLoss != sr.ExactObjective || res.Model.Training["exact_loss"] != sr.ExactObjective {
				t.Errorf("F* = %v (model file %v), fit.Stream's %v", res.ExactLoss, res.Model.Training["exact_loss"], sr.ExactObjective)
			}
			if !slices.Equal(res.Exact.Coef, sr.Streamed.Coef) || res.Exact.Intercept != sr.Streamed.Intercept || res.Exact.RSS != sr.Streamed.RSS {
				t.Errorf("exact fit %v %v (RSS %v), fit.Stream's %v %v (RSS %v)",
					res.Exact.Intercept, res.Exact.Coef, res.Exact.RSS, sr.Streamed.Intercept, sr.Streamed.Coef, sr.Streamed.RSS)
			}
			if res.Model.Training["n"] != int64(sr.N) || res.Model.Training["nobs"] != sr.Streamed.N {
				t.Errorf("training n %v, nobs %v; fit.Stream's %d, %d", res.Model.Training["n"], res.Model.Training["nobs"], sr.N, sr.Streamed.N)
			}
			if res.LR != sr.Optim.LR || !slices.Equal(res.Model.Scaling.Scale, sr.Scale) {
				t.Errorf("rate %v, scale %v; fit.Stream's %v, %v", res.LR, res.Model.Scaling.Scale, sr.Optim.LR, sr.Scale)
			}

			// The same steps, up to rounding.
			const tol = 1e-10
			if res.Epochs != sr.Iterations {
				t.Fatalf("beam stopped after %d epochs, fit.Stream after %d", res.Epochs, sr.Iterations)
			}
			norm := floats.Norm(sr.Optim.X, 2)
			dist := floats.Distance(res.Optim.X, sr.Optim.X, 2)
			t.Logf("%d epochs: ‖θ_beam − θ_stream‖ = %.3g (‖θ‖ = %.3g)", res.Epochs, dist, norm)
			if dist > tol*norm {
				t.Errorf("‖θ_beam − θ_stream‖ = %.3g > %.3g\nbeam   %v\nstream %v", dist, tol*norm, res.Optim.X, sr.Optim.X)
			}
			// On the original scale, through the same map (optim.Unstandardize
			// with the same bits of μ and s): coefⱼ = θⱼ/sⱼ, so
			// |Δcoefⱼ| ≤ ‖Δθ‖/sⱼ, and b' = b − Σμⱼθⱼ/sⱼ, so
			// |Δb'| ≤ ‖Δθ‖·√(1 + Σ(μⱼ/sⱼ)²) (Cauchy–Schwarz).
			k := 1.0
			for j := range d {
				if e := math.Abs(res.Model.Coef[j] - sr.Coef[j]); e > tol*norm/sr.Scale[j] {
					t.Errorf("coef %d: beam %v, fit.Stream %v (|Δ| %.3g > %.3g)", j, res.Model.Coef[j], sr.Coef[j], e, tol*norm/sr.Scale[j])
				}
				m := mcenter0(sr.Center, j) / sr.Scale[j]
				k += m * m
			}
			if e := math.Abs(res.Model.Intercept - sr.Intercept); e > tol*norm*math.Sqrt(k) {
				t.Errorf("intercept: beam %v, fit.Stream %v (|Δ| %.3g > %.3g)", res.Model.Intercept, sr.Intercept, e, tol*norm*math.Sqrt(k))
			}
		})
	}
}

// gdCase is one fit of the Beam gradient descent tests.
type gdCase struct {
	name      string
	intercept bool
	w         []float64
}

// gdCases are the fits the Beam gradient descent is checked on: with an
// intercept and no weights, and without an intercept with some weights
// zero.
func gdCases(n int) []gdCase {
	return []gdCase{
		{"intercept/unweighted", true, nil},
		{"nointercept/somezero", false, weightCases(n)["somezero"]},
	}
}
