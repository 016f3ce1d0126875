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
	// 0 means 1e-10. It replaces a tolerance on the gradient norm: a small
	// gradient on an ill-conditioned problem can be far from the optimum,
	// so, as in every lsq fit with a known optimum, only the gap decides.
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
	Exact    *stream.Result // the exact least-squares fit from the first pass
	LossGap  float64        // Loss − the exact fit's loss, ≥ 0 up to rounding
	Runs     int            // pipeline runs: the first pass and one per loss-and-gradient evaluation
	Optim    *optim.Result  // the driver's result (parameters on the standardised scale)
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
// intercept μ = 0 and s is the root mean square), the exact Hessian for the
// learning rate (optim.Problem.Lipschitz), and the exact optimum F*, given to
// the driver as optim.Settings.Optimum so that success is decided by the gap
// to it (GDOptions.GapTol), as everywhere in lsq.
//
// The driver's optim.Problem evaluates the loss and its gradient with one
// pipeline run: every file is folded into a stream.Grad at the current
// parameters, the accumulators are merged with a CombineFn and the sums left
// in WorkDir for the driver to read. optim.SGD on the full batch is plain
// gradient descent θ ← θ − lr·∇L(θ), and Minimize evaluates the loss once at
// the start and once per epoch, so a fit of k epochs runs k + 2 pipelines
// (GDResult.Runs).
//
// The parameters start at 0. RunGD returns an error, and no result, for
// invalid options and for a pipeline run that fails (a cancelled context
// during a run included). When the driver itself stops with an error (a
// divergence, a cancellation between runs, the Recorder's error), RunGD
// returns the result, with the driver's status, and that error, and does not
// write the model file. A fit that ends without reaching the gap tolerance
// (lsq.Stalled, lsq.IterationLimit) is not an error: see GDResult.Status.
func RunGD(ctx context.Context, run Runner, glob, modelPath string, o GDOptions) (*GDResult, error) {
	if o.WorkDir == "" {
		panic("pipeline: RunGD needs GDOptions.WorkDir")
	}
	epochs := o.Epochs
	if epochs == 0 {
		epochs = 100
	}
	switch {
	case epochs < 0:
		return nil, fmt.Errorf("pipeline: GDOptions.Epochs = %d; want ≥ 0 (0 means 100)", o.Epochs)
	case !(o.LR >= 0) || math.IsInf(o.LR, 1):
		return nil, fmt.Errorf("pipeline: GDOptions.LR = %v; want a finite rate ≥ 0 (0 means 1/L)", o.LR)
	case !(o.GapTol >= 0 && o.GapTol < 1):
		return nil, fmt.Errorf("pipeline: GDOptions.GapTol = %v; want 0 ≤ GapTol < 1 (0 means 1e-10)", o.GapTol)
	}
	res := &GDResult{}
	counted := func(ctx context.Context, p *beam.Pipeline) error {
		res.Runs++
		return run(ctx, p)
	}

	// First pass: the standardisation, the Hessian and the exact optimum.
	qrPath := joinPath(o.WorkDir, "qr.json")
	{
		p, s := beam.NewPipelineWithRoot()
		WriteAccumulator(s, FoldFiles(s, glob, FitOptions{CSV: o.CSV, NoIntercept: o.NoIntercept}), qrPath)
		if err := counted(ctx, p); err != nil {
			return nil, err
		}
	}
	var qacc QRAcc
	if err := ReadAccumulator(ctx, qrPath, &qacc); err != nil {
		return nil, err
	}
	q, err := qacc.Decode()
	if err != nil {
		return nil, err
	}
	if q == nil {
		return nil, ErrNoFiles
	}
	exact, err := q.Solve(0, nil)
	if err != nil {
		return nil, err
	}
	res.Exact = exact
	fStar := exact.RSS / (2 * exact.SumWeights)
	center, scale := q.Standardization()
	d := q.Features()
	intercept := !o.NoIntercept
	dim := d
	if intercept {
		dim++
	}

	// Each evaluation is one pipeline run. A failed run cannot be returned
	// through LossGrad: it is kept in evalErr, the loss is NaN, and the
	// recorder below stops the driver with the error before it reads
	// anything into the NaN (at the start point the driver stops by itself on
	// the non-finite objective).
	gradPath := joinPath(o.WorkDir, "grad.json")
	var evalErr error
	lossGrad := func(grad, x []float64) float64 {
		loss, err := gradPass(ctx, counted, glob, o.CSV, gradPath, x, d, intercept, center, scale, grad)
		if err != nil {
			evalErr = fmt.Errorf("pipeline: gradient pass %d: %w", res.Runs-1, err)
			for j := range grad {
				grad[j] = math.NaN()
			}
			return math.NaN()
		}
		return loss
	}
	prob := optim.Problem{
		Dim:       dim,
		LossGrad:  lossGrad,
		Penalized: d,
		Lipschitz: func() float64 { _, l := q.Hessian(center, scale, 0); return l },
	}
	rec := lsq.RecorderFunc(func(it lsq.Iteration) error {
		if evalErr != nil {
			return evalErr
		}
		if o.Recorder != nil {
			return o.Recorder.Record(it)
		}
		return nil
	})
	r, err := optim.Minimize(ctx, prob, make([]float64, dim), &optim.Settings{
		LearningRate: o.LR,
		Epochs:       epochs,
		Optimum:      &optim.Optimum{Objective: fStar, Tol: o.GapTol},
		Recorder:     rec,
	}, &optim.SGD{})
	if evalErr != nil {
		return nil, evalErr
	}
	res.Optim = r
	res.Status, res.Epochs, res.LR = r.Status, r.Epochs, r.LR
	res.Loss, res.GradNorm = r.Loss, r.GradNorm
	res.LossGap = r.Loss - fStar

	coef, icpt := optim.Unstandardize(r.X, center, scale, intercept)
	scaling := &modelio.Scaling{Center: center, Scale: scale}
	if scaling.Center == nil {
		scaling.Center = make([]float64, d)
	}
	gapTol := o.GapTol
	if gapTol == 0 {
		gapTol = 1e-10
	}
	res.Model = &modelio.Model{
		Kind:         modelio.KindLinear,
		Target:       o.CSV.Target,
		Features:     qacc.Features,
		Coef:         coef,
		Intercept:    icpt,
		FitIntercept: intercept,
		Scaling:      scaling,
		Solver: modelio.Solver{Name: "gd", Settings: map[string]any{
			"backend": "beam", "driver": "optim.Minimize", "optimizer": "sgd", "batch": "full",
			"lr": r.LR, "epochs": epochs, "gap_tol": gapTol,
		}},
		Training: map[string]any{
			"n": exact.N, "sum_weights": exact.SumWeights, "files": qacc.Files,
			"loss": res.Loss, "grad_norm": res.GradNorm, "status": res.Status.String(),
			"epochs": res.Epochs, "exact_loss": fStar, "loss_gap": res.LossGap, "pipeline_runs": res.Runs,
		},
		State: &modelio.State{Params: append([]float64(nil), r.X...), Epoch: r.Epochs, Step: r.Steps},
	}
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
