package cli

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/modelio"
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
	sw := qr.SumWeights()
	var center, scale []float64
	if intercept {
		center, _ = qr.Means()
		scale, _ = qr.CentredNorms()
	} else {
		scale, _ = qr.Norms()
	}
	for j := range scale {
		scale[j] /= math.Sqrt(sw)
		if s.Raw || !(scale[j] > 0) {
			scale[j] = 1
		}
	}
	if s.Raw {
		center = nil
	}
	mu, l := streamHessian(qr, center, scale, intercept, d)
	lr := s.Optim.LearningRate
	if lr == 0 {
		lr = 1 / l
	}
	epochs := s.Optim.Epochs
	gradTol, objTol := s.Optim.GradTol, s.Optim.ObjectiveTol
	beta := make([]float64, d)
	var b float64
	g := make([]float64, d)
	var rec lsqRecorders
	var trace *traceRecorder
	var err error
	if o.Trace != "" {
		if trace, err = newTraceRecorder(o.Trace); err != nil {
			return err
		}
		defer trace.finish(false)
		rec = append(rec, trace)
	}
	var bar *progress
	if stdio.ErrTerminal && !o.Quiet {
		bar = newProgress(stdio.Err, epochs, "gd (streamed)")
		rec = append(rec, bar)
	}
	start := time.Now()
	status := lsq.IterationLimit
	prev, best := math.Inf(1), math.Inf(1)
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
		gnorm = math.Hypot(floatsNorm(g), gb)
		if math.IsNaN(loss) || math.IsInf(loss, 0) || loss > 1e3*best && loss > 1e3*prev {
			status = lsq.Diverged
			break
		}
		best = math.Min(best, loss)
		if gradTol > 0 && gnorm <= gradTol {
			status = lsq.GradientTolerance
			break
		}
		if objTol > 0 && !math.IsInf(prev, 0) && math.Abs(prev-loss) <= objTol*math.Max(math.Abs(prev), math.Abs(loss)) {
			status = lsq.ObjectiveTolerance
			break
		}
		prev = loss
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
	coef := make([]float64, d)
	icpt := b
	for j := range d {
		coef[j] = beta[j] / scale[j]
		if center != nil {
			icpt -= center[j] * coef[j]
		}
	}
	// Gap to the exact optimum from the first pass.
	fStar := exact.RSS / sw / 2
	var num, den float64
	for j := range d {
		num += (coef[j] - exact.Coef[j]) * (coef[j] - exact.Coef[j])
		den += exact.Coef[j] * exact.Coef[j]
	}
	if intercept {
		num += (icpt - exact.Intercept) * (icpt - exact.Intercept)
		den += exact.Intercept * exact.Intercept
	}
	out := fitOutput{File: strings.Join(files, ","), Target: target, Features: features, Coef: coef, Intercept: icpt,
		Solver: "gd-stream", Status: status.String(), Converged: status.Converged(), Iterations: epoch,
		Loss: jsonFloat(2 * loss), Objective: jsonFloat(loss), N: int(exact.N),
		Timings: timings{FitS: time.Since(start).Seconds()},
		Exact:   &exactOut{Coef: exact.Coef, Intercept: exact.Intercept, Solver: "qr-stream"},
		Gap:     &gapOut{ObjectiveRel: jsonFloat((loss - fStar) / math.Abs(fStar)), CoefRel: jsonFloat(math.Sqrt(num / den)), GradNorm: jsonFloat(gnorm)},
		LR:      &lrOut{LR: jsonFloat(lr), L: jsonFloat(l), Bound: jsonFloat(2 / l), Mu: jsonFloat(mu), Cond: jsonFloat(l / mu), Standardized: !s.Raw},
	}
	if status != lsq.Diverged {
		if err := finiteFit(out.File, features, coef, icpt, 2*loss); err != nil {
			return err
		}
		if trace != nil {
			if err := trace.finish(true); err != nil {
				return err
			}
			out.Trace = o.Trace
		}
		if o.Output != "" {
			m := &modelio.Model{Kind: modelio.KindLinear, Target: target, Features: features, Coef: coef, Intercept: icpt,
				FitIntercept: intercept, Solver: modelio.Solver{Name: "gd-stream", Settings: map[string]any{"files": files, "lr": lr, "epochs": epochs, "standardize": !s.Raw}},
				Training: map[string]any{"n": exact.N, "mse": 2 * loss, "status": status.String(), "iterations": epoch}}
			if err := modelio.Save(o.Output, m); err != nil {
				return err
			}
			out.Model = o.Output
		}
	}
	if o.JSON {
		if err := writeJSON(stdio.Out, out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdio.Out, "%s: %d rows in %s, streamed once per epoch\n", out.File, exact.N, plural(len(files), "file"))
		fmt.Fprintf(stdio.Out, "solver gd (streamed): %s after %d epochs", status, epoch)
		if !status.Converged() {
			fmt.Fprint(stdio.Out, " (NOT converged)")
		}
		fmt.Fprintln(stdio.Out)
		tw := newTable(stdio.Out)
		fmt.Fprintf(tw, "\tgd\texact\tdifference\t\n")
		if intercept {
			fmt.Fprintf(tw, "intercept\t%.6g\t%.6g\t%.2g\t\n", icpt, exact.Intercept, icpt-exact.Intercept)
		}
		for j, f := range features {
			fmt.Fprintf(tw, "%s\t%.6g\t%.6g\t%.2g\t\n", f, coef[j], exact.Coef[j], coef[j]-exact.Coef[j])
		}
		tw.Flush()
		fmt.Fprintf(stdio.Out, "gap to the optimum: objective %.2g relative, coefficients %.2g relative, gradient norm %.2g\n", float64(out.Gap.ObjectiveRel), float64(out.Gap.CoefRel), gnorm)
		fmt.Fprintf(stdio.Out, "learning rate %.4g vs stability bound 2/L = %.4g (L = %.4g); Hessian condition %.3g\n", lr, 2/l, l, l/mu)
		if out.Model != "" {
			fmt.Fprintf(stdio.Out, "model written to %s\n", out.Model)
		}
	}
	if !status.Converged() {
		return &NotConvergedError{Msg: fmt.Sprintf("streamed gd stopped by %s after %d epochs (rate %.3g against 2/L = %.3g)", status, epoch, lr, 2/l)}
	}
	return nil
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

func floatsNorm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

type lsqRecorders = lsq.Recorders
