package cli

import (
	"context"
	"math"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/stream"
)

// streamGD runs full-batch gradient descent over data read once per epoch:
// the first pass (already done) folded the QR accumulator, which gives the
// standardisation, the exact Hessian (so the rate 1/L and the 2/L bound) and
// the exact optimum the iterates are measured against; every epoch then
// folds a gradient accumulator over the files at the current parameters.
func streamGD(ctx context.Context, o fitOptions, p *fitPlan, qr *stream.QR, exact *stream.Result, parts []stream.Chunks, features []string, target string, files []string, stdio IO) error {
	s := p.settings
	intercept := !s.NoIntercept
	d := len(features)
	center, scale := streamScaling(qr, s.Raw, intercept)
	mu, l := streamHessian(qr, center, scale, intercept, d)
	lr := s.Optim.LearningRate
	if lr == 0 {
		lr = 1 / l
	}
	epochs := s.Optim.Epochs
	beta := make([]float64, d)
	var b float64
	g := make([]float64, d)
	rec, trace, bar, err := epochRecorders(o, stdio, epochs, "gd (streamed)")
	if err != nil {
		return err
	}
	defer trace.finish(false)
	start := time.Now()
	status := lsq.IterationLimit
	stop := newEpochStop(s.Optim.GradTol, s.Optim.ObjectiveTol)
	var loss, gnorm float64
	epoch := 0
	for epoch = 1; epoch <= epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		acc, err := stream.FoldGrad(ctx, parts, &stream.GradParams{Coef: beta, Intercept: b, Center: center, Scale: scale}, &stream.Settings{NoIntercept: s.NoIntercept})
		if err != nil {
			return err
		}
		loss = acc.Loss()
		gb := 0.0
		_, gb = acc.Gradient(g)
		if !intercept {
			gb = 0
		}
		gnorm = math.Hypot(floats.Norm(g, 2), gb)
		if status = stop.check(loss, gnorm); status != lsq.NotTerminated {
			break
		}
		status = lsq.IterationLimit
		for j := range beta {
			beta[j] -= lr * g[j]
		}
		b -= lr * gb
		it := lsq.Iteration{Epoch: epoch, Step: epoch, LR: lr, Loss: loss, Objective: loss, GradNorm: gnorm, ValLoss: math.NaN(), Elapsed: time.Since(start)}
		if err := rec.Record(it); err != nil {
			return err
		}
	}
	if epoch > epochs {
		epoch = epochs
	}
	bar.finish()
	th := beta
	if intercept {
		th = append(beta, b)
	}
	coef, icpt := optim.Unstandardize(th, center, scale, intercept)
	return streamIterativeOutput(o, stdio, streamRun{
		solver: "gd", status: status, epochs: epoch, coef: coef, intercept: icpt, loss: loss, gnorm: gnorm,
		lr: lr, l: l, mu: mu, standardized: !s.Raw, trace: trace, exact: exact, features: features, target: target, files: files,
		elapsed: time.Since(start), settings: map[string]any{"lr": lr, "epochs": epochs},
	})
}

// streamHessian returns the extreme eigenvalues of the Hessian of the loss in
// standardised coordinates, (1/W)·AᵀRᵀRA with R the accumulator's factor of
// [1 X] and A the map from [1 z] to [1 x].
func streamHessian(qr *stream.QR, center, scale []float64, intercept bool, d int) (mu, l float64) {
	r := qr.R()
	k := d
	off := 0
	if intercept {
		k, off = d+1, 1
	}
	// A: column j of [1 z] in terms of [1 x]: z_j = (x_j − c_j)/s_j.
	a := mat.NewDense(k, k, nil)
	if intercept {
		a.Set(0, 0, 1)
	}
	for j := range d {
		a.Set(off+j, off+j, 1/scale[j])
		if intercept && center != nil {
			a.Set(0, off+j, -center[j]/scale[j])
		}
	}
	r11 := mat.NewDense(k, k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			r11.Set(i, j, r.At(i, j))
		}
	}
	var m mat.Dense
	m.Mul(r11, a)
	h := mat.NewSymDense(k, nil)
	h.SymOuterK(1/qr.SumWeights(), m.T())
	var eig mat.EigenSym
	if !eig.Factorize(h, false) {
		return math.NaN(), math.NaN()
	}
	v := eig.Values(nil)
	return math.Max(v[0], 0), v[len(v)-1]
}

type lsqRecorders = lsq.Recorders

// epochRecorders sets up the per-epoch trace file and progress bar of an
// iterative fit; finish the trace (commit or discard) when the fit ends.
func epochRecorders(o fitOptions, stdio IO, epochs int, label string) (rec lsqRecorders, trace *traceRecorder, bar *progress, err error) {
	if o.Trace != "" {
		if trace, err = newTraceRecorder(o.Trace); err != nil {
			return nil, nil, nil, err
		}
		rec = append(rec, trace)
	}
	if stdio.ErrTerminal && !o.Quiet {
		bar = newProgress(stdio.Err, epochs, label)
		rec = append(rec, bar)
	}
	return rec, trace, bar, nil
}

// epochStop applies the stopping rules of a streamed iterative fit after each
// epoch, as optim.Minimize does in memory: divergence (a non-finite
// objective, or one above both 1e3× the best so far and 1e3× the first),
// then the gradient-norm and the relative objective-change tolerances
// (non-positive tolerances are off).
type epochStop struct {
	gradTol, objTol   float64
	first, prev, best float64
}

func newEpochStop(gradTol, objTol float64) *epochStop {
	inf := math.Inf(1)
	return &epochStop{gradTol: gradTol, objTol: objTol, first: inf, prev: inf, best: inf}
}

// check returns the status that stops the fit, or lsq.NotTerminated.
func (e *epochStop) check(loss, gnorm float64) lsq.Status {
	if math.IsInf(e.first, 1) {
		e.first = loss
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.IsNaN(gnorm) || loss > 1e3*e.best && loss > 1e3*e.first {
		return lsq.Diverged
	}
	e.best = math.Min(e.best, loss)
	if e.gradTol > 0 && gnorm <= e.gradTol {
		return lsq.GradientTolerance
	}
	if e.objTol > 0 && !math.IsInf(e.prev, 0) && math.Abs(e.prev-loss) <= e.objTol*math.Max(math.Abs(e.prev), math.Abs(loss)) {
		return lsq.ObjectiveTolerance
	}
	e.prev = loss
	return lsq.NotTerminated
}
