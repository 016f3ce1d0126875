package pipeline

import (
	"context"
	"fmt"
	"io"
	"math"
	"path"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/stream"
)

// GDOptions configure distributed full-batch gradient descent. CSV.Target
// and WorkDir must be set; the zero value of every other field is its
// documented default.
type GDOptions struct {
	CSV         CSV
	NoIntercept bool

	// LR is the learning rate. 0 means 1/λ_max of the Hessian of the loss on
	// the standardised scale, computed exactly from the first pass's R
	// factor: the largest step for which every error component decays
	// monotonically.
	LR float64

	// Epochs is the maximum number of gradient steps (pipeline runs after
	// the first). 0 means 100.
	Epochs int

	// GradTol stops when the Euclidean norm of the gradient on the
	// standardised scale is at most GradTol. 0 means 1e-8.
	GradTol float64

	// WorkDir is a directory, local or on a cluster file system (gs://...),
	// where the pipelines leave their merged accumulators for the driver.
	WorkDir string

	// Recorder, if not nil, observes every epoch.
	Recorder lsq.Recorder
}

// GDResult is the outcome of RunGD.
type GDResult struct {
	Model    *modelio.Model // coefficients on the original scale, scaling, state and training summary
	Status   lsq.Status     // GradientTolerance, IterationLimit or Canceled
	Epochs   int            // gradient steps taken
	Loss     float64        // (1/2W)Σwr² at the final parameters
	GradNorm float64        // gradient norm at the final parameters
	LR       float64        // learning rate used
	Exact    *stream.Result // the exact least-squares fit from the first pass
	LossGap  float64        // Loss − the exact fit's loss, ≥ 0 up to rounding
}

// joinPath joins a directory and a file name for local and scheme paths.
func joinPath(dir, name string) string {
	if hasScheme(dir) {
		return strings.TrimRight(dir, "/") + "/" + name
	}
	return path.Join(dir, name)
}

// RunGD fits a linear model by full-batch gradient descent on the loss
// (1/2W)Σwᵢrᵢ² over the files matching glob, one pipeline run per step.
//
// A first pass folds the files into a QR accumulator (FoldFiles). It gives
// the weighted column means and standard deviations the descent standardises
// by (zⱼ = (xⱼ−μⱼ)/sⱼ; without an intercept μ = 0 and s is the root mean
// square), the exact Hessian for the default learning rate, and the exact
// optimum to report the gap against. Each step then runs a pipeline that
// folds every file into a stream.Grad at the current parameters, merges them
// with a CombineFn and leaves the sums in WorkDir; the driver reads them and
// takes the step θ ← θ − lr·∇L(θ).
func RunGD(ctx context.Context, run Runner, glob, modelPath string, o GDOptions) (*GDResult, error) {
	if o.WorkDir == "" {
		panic("pipeline: RunGD needs GDOptions.WorkDir")
	}
	epochs, tol := o.Epochs, o.GradTol
	if epochs == 0 {
		epochs = 100
	}
	if tol == 0 {
		tol = 1e-8
	}
	if epochs < 0 || tol < 0 || o.LR < 0 {
		panic(fmt.Sprintf("pipeline: GDOptions with Epochs %d, GradTol %v, LR %v", o.Epochs, o.GradTol, o.LR))
	}
	start := time.Now()

	// First pass: statistics and the exact optimum.
	qrPath := joinPath(o.WorkDir, "qr.json")
	{
		p, s := beam.NewPipelineWithRoot()
		WriteAccumulator(s, FoldFiles(s, glob, FitOptions{CSV: o.CSV, NoIntercept: o.NoIntercept}), qrPath)
		if err := run(ctx, p); err != nil {
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
	d := q.Features()
	center, scale := make([]float64, d), make([]float64, d)
	rootW := math.Sqrt(q.SumWeights())
	if o.NoIntercept {
		norms, _ := q.Norms()
		for j := range scale {
			scale[j] = norms[j] / rootW
		}
	} else {
		center, _ = q.Means()
		norms, _ := q.CentredNorms()
		for j := range scale {
			scale[j] = norms[j] / rootW
		}
	}
	for j, s := range scale {
		if s == 0 {
			return nil, fmt.Errorf("pipeline: feature %q is constant; it cannot be standardised", qacc.Features[j])
		}
	}
	lr := o.LR
	if lr == 0 {
		lr = 1 / maxEigen(q, scale)
	}

	theta := make([]float64, d)
	var b float64
	res := &GDResult{Exact: exact, LR: lr, Status: lsq.IterationLimit}
	gradPath := joinPath(o.WorkDir, "grad.json")
	gz := make([]float64, d)
	for epoch := 0; ; epoch++ {
		if ctx.Err() != nil {
			res.Status = lsq.Canceled
			break
		}
		p, s := beam.NewPipelineWithRoot()
		params := stream.GradParams{Coef: theta, Intercept: b, Center: center, Scale: scale}
		WriteAccumulator(s, GradFiles(s, glob, o.CSV, params), gradPath)
		if err := run(ctx, p); err != nil {
			if ctx.Err() != nil {
				res.Status = lsq.Canceled
				break
			}
			return nil, err
		}
		var gacc GradAcc
		if err := ReadAccumulator(ctx, gradPath, &gacc); err != nil {
			return nil, err
		}
		g, err := gacc.Decode()
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, ErrNoFiles
		}
		_, gb := g.Gradient(gz)
		if o.NoIntercept {
			gb = 0
		}
		res.Loss = g.Loss()
		res.GradNorm = math.Hypot(floats.Norm(gz, 2), gb)
		res.Epochs = epoch
		if o.Recorder != nil && epoch > 0 {
			err := o.Recorder.Record(lsq.Iteration{
				Epoch: epoch, Step: epoch, LR: lr, Loss: res.Loss, Objective: res.Loss,
				GradNorm: res.GradNorm, ValLoss: math.NaN(), Elapsed: time.Since(start),
			})
			if err != nil {
				return nil, err
			}
		}
		if !lsq.Finite([]float64{res.Loss, res.GradNorm}) {
			res.Status = lsq.Diverged
			break
		}
		if res.GradNorm <= tol {
			res.Status = lsq.GradientTolerance
			break
		}
		if epoch == epochs {
			break
		}
		floats.AddScaled(theta, -lr, gz)
		b -= lr * gb
	}
	res.LossGap = res.Loss - exact.RSS/(2*exact.SumWeights)

	// Back to the original scale: β' = θ/s, b' = b − Σμβ'.
	coef := make([]float64, d)
	icpt := b
	for j := range coef {
		coef[j] = theta[j] / scale[j]
		icpt -= center[j] * coef[j]
	}
	params := append(append([]float64(nil), theta...), b)
	if o.NoIntercept {
		params = params[:d]
		icpt = 0
	}
	res.Model = &modelio.Model{
		Kind:         modelio.KindLinear,
		Target:       o.CSV.Target,
		Features:     qacc.Features,
		Coef:         coef,
		Intercept:    icpt,
		FitIntercept: !o.NoIntercept,
		Scaling:      &modelio.Scaling{Center: center, Scale: scale},
		Solver:       modelio.Solver{Name: "gd", Settings: map[string]any{"backend": "beam", "lr": lr, "epochs": epochs, "grad_tol": tol}},
		Training: map[string]any{
			"n": exact.N, "sum_weights": exact.SumWeights, "files": qacc.Files,
			"loss": res.Loss, "grad_norm": res.GradNorm, "status": res.Status.String(),
			"epochs": res.Epochs, "exact_loss": exact.RSS / (2 * exact.SumWeights), "loss_gap": res.LossGap,
		},
		State: &modelio.State{Params: params, Epoch: res.Epochs, Step: res.Epochs},
	}
	if modelPath != "" {
		if err := writeFile(ctx, modelPath, func(w io.Writer) error { return modelio.Encode(w, res.Model) }); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// maxEigen returns λ_max of the Hessian of (1/2W)Σwr² on the standardised
// scale, from the QR factor: with an intercept the centred features are
// orthogonal to the column of ones, so H = diag(D⁻¹R₁ᵀR₁D⁻¹/W, 1), R₁ the
// feature block of R below its first row; without, H = D⁻¹RₓᵀRₓD⁻¹/W.
func maxEigen(q *stream.QR, scale []float64) float64 {
	r := q.R()
	d := q.Features()
	off := 0
	if q.Intercept() {
		off = 1
	}
	h := mat.NewSymDense(d, nil)
	w := q.SumWeights()
	for a := 0; a < d; a++ {
		for c := a; c < d; c++ {
			var s float64
			for i := off; i <= off+c; i++ {
				s += r.At(i, off+a) * r.At(i, off+c)
			}
			h.SetSym(a, c, s/(scale[a]*scale[c]*w))
		}
	}
	var eig mat.EigenSym
	lmax := 0.0
	if d > 0 && eig.Factorize(h, false) {
		vals := eig.Values(nil)
		lmax = vals[len(vals)-1]
	}
	if q.Intercept() {
		lmax = math.Max(lmax, 1)
	}
	return lmax
}
