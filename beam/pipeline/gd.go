package pipeline

import (
	"context"
	"fmt"
	"io"
	"math"
	"path"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/stream"
)

// GDOptions configure distributed full-batch gradient descent. CSV.Target
// and WorkDir must be set; the zero value of every other field is its
// documented default.
type GDOptions struct {
	CSV         CSV
	NoIntercept bool

	// LR is the learning rate. 0 means automatic: optim's full-batch rate
	// 1/L, L = λ_max of the Hessian of the loss on the standardised scale,
	// computed exactly from the first pass's R factor: the largest step for
	// which every error component decays monotonically.
	LR float64

	// Epochs is the maximum number of gradient steps, one pipeline run each
	// after the first pass and the evaluation at the start. 0 means 100.
	Epochs int

	// GapTol is the relative tolerance on the gap to the exact optimum F*
	// that the first pass solves for (optim.Optimum.Tol): the fit succeeds,
	// with lsq.GapTolerance, when its loss F satisfies
	// F − F* ≤ GapTol·max(|F*|, 1e-8·(F₀ − F*)), F₀ the loss at the start.
	// 0 means optim.DefaultGapTol (1e-10). It replaces a tolerance on the
	// gradient norm: a small gradient on an ill-conditioned problem can be
	// far from the optimum, so, as in every lsq fit with a known optimum,
	// only the gap decides.
	GapTol float64

	// WorkDir is a directory, local or on a cluster file system (gs://...),
	// where the pipelines leave their merged accumulators for the driver.
	WorkDir string

	// Recorder, if not nil, observes every epoch (optim.Settings.Recorder).
	Recorder lsq.Recorder
}

// GDResult is the outcome of RunGD.
type GDResult struct {
	Model    *modelio.Model // coefficients on the original scale, scaling, state and training summary
	Status   lsq.Status     // optim.Minimize's: GapTolerance, Stalled, IterationLimit, Diverged, Canceled or Failure
	Epochs   int            // gradient steps taken
	Loss     float64        // (1/2W)Σwr² at the final parameters
	GradNorm float64        // gradient norm on the standardised scale at the final parameters
	LR       float64        // learning rate used
	Exact    *stream.Result // the exact least-squares fit from the first pass: fit.FromQR's (Result.Streamed)
	// ExactLoss is F*, the loss at the exact fit: fit.FromQR's
	// ExactObjective, the optimum `lsq fit --stream` measures its gap to.
	ExactLoss float64
	LossGap   float64       // Loss − ExactLoss, ≥ 0 up to rounding
	Runs      int           // pipeline runs: the first pass and one per loss-and-gradient evaluation
	Optim     *optim.Result // the driver's result (parameters on the standardised scale)
}

// joinPath joins a directory and a file name for local and scheme paths.
func joinPath(dir, name string) string {
	if hasScheme(dir) {
		return strings.TrimRight(dir, "/") + "/" + name
	}
	return path.Join(dir, name)
}

// RunGD fits a linear model by full-batch gradient descent on the loss
// (1/2W)Σwᵢrᵢ² over the files matching glob, one pipeline run per step,
// driven by optim.Minimize, the one gradient driver of lsq.
//
// A first pass folds the files into a QR accumulator (FoldFiles). It gives
// the standardisation every lsq solver uses (stream.QR.Standardization:
// zⱼ = (xⱼ−μⱼ)/sⱼ with weighted means and standard deviations; without an
// intercept μ = 0 and s is the root mean square), the problem the driver
// minimises (stream.QR.Problem: the one `lsq fit --stream` minimises, with
// the exact Hessian's largest eigenvalue for the learning rate), and the
// exact fit and its optimum F* (fit.FromQR, the exact fit and F* of `lsq fit
// --stream`), given to the driver as optim.Settings.Optimum so that success
// is decided by the gap to it (GDOptions.GapTol), as everywhere in lsq.
//
// Only the problem's loss and gradient are the pipeline's, evaluated with
// one pipeline run: every file is folded into a stream.Grad at the current
// parameters, the accumulators are merged with a CombineFn and the sums left
// in WorkDir for the driver to read. optim.SGD on the full batch is plain
// gradient descent θ ← θ − lr·∇L(θ), and Minimize evaluates the loss once at
// the start and once per epoch, so a fit of k epochs runs k + 2 pipelines
// (GDResult.Runs).
//
// The parameters start where `lsq fit --stream` starts them
// (fit.StartFromQR): with an intercept, at β = 0 and the intercept at the
// weighted mean of y, its optimum on the centred features; without one, at
// 0. So the driver takes the steps of `lsq fit --stream --solver gd` on the
// same files, up to the rounding of the loss and gradient, which it sums
// over the rows where that fit reads them off R.
//
// RunGD returns an error, and no result, for invalid options and for a
// pipeline run that fails (a cancelled context during a run included). When
// the driver itself stops with an error (a divergence, a cancellation
// between runs, the Recorder's error), RunGD returns the result, with the
// driver's status, and that error, and does not write the model file. A
// fit that ends without reaching the gap tolerance (lsq.Stalled,
// lsq.IterationLimit) is not an error: see GDResult.Status.
func RunGD(ctx context.Context, run Runner, glob, modelPath string, o GDOptions) (*GDResult, error) {
	if o.WorkDir == "" {
		panic("pipeline: RunGD needs GDOptions.WorkDir")
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	runs := &countedRunner{run: run}
	fp, err := firstPass(ctx, runs.Run, glob, o)
	if err != nil {
		return nil, err
	}
	ev := &gradEvaluator{ctx: ctx, runs: runs, glob: glob, csv: o.CSV, path: joinPath(o.WorkDir, "grad.json"), fp: fp}
	prob := fp.problem(ev.lossGrad)
	x0 := fit.StartFromQR(fp.q, &prob, fp.center, fp.scale)
	r, err := optim.Minimize(ctx, prob, x0, &optim.Settings{
		LearningRate: o.LR,
		Epochs:       o.epochs(),
		Optimum:      &optim.Optimum{Objective: fp.fStar, Tol: o.GapTol},
		Recorder:     ev.recorder(o.Recorder),
	}, &optim.SGD{})
	if ev.err != nil {
		return nil, ev.err
	}
	res := newGDResult(fp, r, runs.n)
	res.Model = gdModel(o, fp, res)
	if err != nil {
		return res, err
	}
	if modelPath != "" {
		if err := writeFile(ctx, modelPath, func(w io.Writer) error { return modelio.Encode(w, res.Model) }); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// check returns an error for options out of range, before anything runs.
func (o GDOptions) check() error {
	switch {
	case o.Epochs < 0:
		return fmt.Errorf("pipeline: GDOptions.Epochs = %d; want ≥ 0 (0 means 100)", o.Epochs)
	case !(o.LR >= 0) || math.IsInf(o.LR, 1):
		return fmt.Errorf("pipeline: GDOptions.LR = %v; want a finite rate ≥ 0 (0 means 1/L)", o.LR)
	case !(o.GapTol >= 0 && o.GapTol < 1):
		return fmt.Errorf("pipeline: GDOptions.GapTol = %v; want 0 ≤ GapTol < 1 (0 means %g)", o.GapTol, optim.DefaultGapTol)
	}
	return nil
}

// epochs is Epochs with its default, 100.
func (o GDOptions) epochs() int {
	if o.Epochs == 0 {
		return 100
	}
	return o.Epochs
}

// gapTol is GapTol with its default resolved, for the model file; the
// driver is given GapTol itself, as optim.Optimum.Tol.
func (o GDOptions) gapTol() float64 {
	return (&optim.Optimum{Tol: o.GapTol}).Tolerance()
}

// countedRunner runs pipelines with run and counts them (GDResult.Runs).
type countedRunner struct {
	run Runner
	n   int // runs started, failed ones included
}

// Run is a Runner.
func (c *countedRunner) Run(ctx context.Context, p *beam.Pipeline) error {
	c.n++
	return c.run(ctx, p)
}

// gdFirstPass is what the first pass over the files gives the descent:
// the merged QR accumulator, the exact least-squares fit and its loss F*,
// and the standardisation zⱼ = (xⱼ−μⱼ)/sⱼ every lsq solver uses (μ nil
// without an intercept).
type gdFirstPass struct {
	acc           QRAcc
	q             *stream.QR
	exact         *stream.Result
	fStar         float64 // the loss at the exact fit: fit.FromQR's ExactObjective
	center, scale []float64
	intercept     bool
}

// firstPass runs the pipeline that folds every file into one QR
// accumulator, left in WorkDir, reads it back and solves it exactly. It
// returns ErrNoFiles when no file matched glob.
func firstPass(ctx context.Context, run Runner, glob string, o GDOptions) (*gdFirstPass, error) {
	qrPath := joinPath(o.WorkDir, "qr.json")
	p, s := beam.NewPipelineWithRoot()
	WriteAccumulator(s, FoldFiles(s, glob, FitOptions{CSV: o.CSV, NoIntercept: o.NoIntercept}), qrPath)
	if err := run(ctx, p); err != nil {
		return nil, err
	}
	fp := &gdFirstPass{intercept: !o.NoIntercept}
	if err := ReadAccumulator(ctx, qrPath, &fp.acc); err != nil {
		return nil, err
	}
	var err error
	if fp.q, err = fp.acc.Decode(); err != nil {
		return nil, err
	}
	if fp.q == nil {
		return nil, ErrNoFiles
	}
	ex, err := fit.FromQR(ctx, fp.q, &fit.Settings{Solver: fit.QR, NoIntercept: o.NoIntercept})
	if err != nil {
		return nil, err
	}
	fp.exact, fp.fStar = ex.Streamed, ex.ExactObjective
	fp.center, fp.scale = fp.q.Standardization()
	return fp, nil
}

// features is the number of features d.
func (fp *gdFirstPass) features() int { return fp.q.Features() }

// problem is the driver's problem on the standardised scale, with
// parameters θ = [β..., b] (b only with an intercept): the accumulator's
// (stream.QR.Problem, what `lsq fit --stream` minimises: the intercept not
// penalised, L the largest eigenvalue of the Hessian computed exactly from
// the R factor), with its loss and gradient evaluated by lossGrad, over the
// files, instead of from R.
func (fp *gdFirstPass) problem(lossGrad func(grad, x []float64) float64) optim.Problem {
	p := fp.q.Problem(fp.center, fp.scale, nil)
	p.LossGrad = lossGrad
	return p
}

// gradEvaluator evaluates the loss and its gradient for the driver, one
// pipeline run each (gradPass). A failed run cannot be returned through
// optim.Problem.LossGrad: it is kept in err, the loss and gradient are NaN,
// and the recorder stops the driver with the error before it reads
// anything into the NaN (at the start point the driver stops by itself on
// the non-finite objective).
type gradEvaluator struct {
	ctx  context.Context
	runs *countedRunner
	glob string
	csv  CSV
	path string // where the merged gradient accumulator is left
	fp   *gdFirstPass
	err  error // the first failed pass's
}

// lossGrad is the optim.Problem's LossGrad.
func (e *gradEvaluator) lossGrad(grad, x []float64) float64 {
	fp := e.fp
	loss, err := gradPass(e.ctx, e.runs.Run, e.glob, e.csv, e.path, x, fp.features(), fp.intercept, fp.center, fp.scale, grad)
	if err != nil {
		// Pass 0 is the first pass, so the count of runs less one numbers
		// the gradient passes.
		e.err = fmt.Errorf("pipeline: gradient pass %d: %w", e.runs.n-1, err)
		for j := range grad {
			grad[j] = math.NaN()
		}
		return math.NaN()
	}
	return loss
}

// recorder returns the driver's Recorder: it stops the driver with a failed
// pass's error, and otherwise passes every epoch on to user (may be nil).
func (e *gradEvaluator) recorder(user lsq.Recorder) lsq.Recorder {
	return lsq.RecorderFunc(func(it lsq.Iteration) error {
		if e.err != nil {
			return e.err
		}
		if user != nil {
			return user.Record(it)
		}
		return nil
	})
}

// newGDResult returns the result of the driver's run r after the first
// pass fp, runs pipelines in all; the model is left to gdModel.
func newGDResult(fp *gdFirstPass, r *optim.Result, runs int) *GDResult {
	return &GDResult{
		Status:    r.Status,
		Epochs:    r.Epochs,
		Loss:      r.Loss,
		GradNorm:  r.GradNorm,
		LR:        r.LR,
		Exact:     fp.exact,
		ExactLoss: fp.fStar,
		LossGap:   r.Loss - fp.fStar,
		Runs:      runs,
		Optim:     r,
	}
}

// gdModel returns the model file of the fit: the coefficients on the
// original scale, the standardisation the driver worked in, the solver and
// its settings, the training summary, and the driver's state (parameters on
// the standardised scale) to resume from.
func gdModel(o GDOptions, fp *gdFirstPass, res *GDResult) *modelio.Model {
	r := res.Optim
	coef, icpt := optim.Unstandardize(r.X, fp.center, fp.scale, fp.intercept)
	return &modelio.Model{
		Kind:         modelio.KindLinear,
		Target:       o.CSV.Target,
		Features:     fp.acc.Features,
		Coef:         coef,
		Intercept:    icpt,
		FitIntercept: fp.intercept,
		Scaling:      modelScaling(fp.center, fp.scale),
		Solver: modelio.Solver{Name: "gd", Settings: map[string]any{
			"backend": "beam", "driver": "optim.Minimize", "optimizer": "sgd", "batch": "full",
			"lr": r.LR, "epochs": o.epochs(), "gap_tol": o.gapTol(),
		}},
		Training: map[string]any{
			"n": fp.exact.Rows, "nobs": fp.exact.N, "sum_weights": fp.exact.SumWeights, "files": fp.acc.Files(),
			"loss": res.Loss, "grad_norm": res.GradNorm, "status": res.Status.String(),
			"epochs": res.Epochs, "exact_loss": fp.fStar, "loss_gap": res.LossGap, "pipeline_runs": res.Runs,
		},
		State: &modelio.State{Params: append([]float64(nil), r.X...), Epoch: r.Epochs, Step: r.Steps},
	}
}

// gradPass runs one pipeline that folds every file into a stream.Grad at the
// parameters x = [β..., b] (b only with an intercept) on the standardised
// scale, and returns the loss (1/2W)Σwr², with its gradient stored in grad
// when grad is not nil.
func gradPass(ctx context.Context, run Runner, glob string, c CSV, gradPath string, x []float64, d int, intercept bool, center, scale, grad []float64) (float64, error) {
	params := stream.GradParams{Coef: append([]float64(nil), x[:d]...), Center: center, Scale: scale}
	if intercept {
		params.Intercept = x[d]
	}
	p, s := beam.NewPipelineWithRoot()
	WriteAccumulator(s, GradFiles(s, glob, c, params), gradPath)
	if err := run(ctx, p); err != nil {
		return 0, err
	}
	var gacc GradAcc
	if err := ReadAccumulator(ctx, gradPath, &gacc); err != nil {
		return 0, err
	}
	g, err := gacc.Decode()
	if err != nil {
		return 0, err
	}
	if g == nil || g.SumWeights() == 0 {
		return 0, ErrNoFiles
	}
	if grad != nil {
		_, gb := g.Gradient(grad[:d])
		if intercept {
			grad[d] = gb
		}
	}
	return g.Loss(), nil
}
