package cli

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/stream"
)

// streamObjective evaluates the full-batch loss and its gradient on the
// standardised scale from the QR accumulator alone, without reading the data:
// with R the factor of [1 X y] (weighted), L = ‖R·[b; β_raw; −1]‖²/(2W).
type streamObjective struct {
	r             *mat.TriDense
	w             float64
	center, scale []float64
	intercept     bool
	d             int
	v, u, gv      []float64
}

func newStreamObjective(qr *stream.QR, center, scale []float64, intercept bool, d int) *streamObjective {
	p := d + 1
	if intercept {
		p++
	}
	return &streamObjective{r: qr.R(), w: qr.SumWeights(), center: center, scale: scale, intercept: intercept, d: d,
		v: make([]float64, p), u: make([]float64, p), gv: make([]float64, p)}
}

// lossGrad returns L at θ = [β..., b] (standardised) and writes ∇L into g.
func (o *streamObjective) lossGrad(g, th []float64) float64 {
	d, off := o.d, 0
	b := 0.0
	if o.intercept {
		off = 1
		b = th[d]
	}
	for j := range d {
		raw := th[j] / o.scale[j]
		o.v[off+j] = raw
		if o.center != nil {
			b -= o.center[j] * raw
		}
	}
	if o.intercept {
		o.v[0] = b
	}
	p := len(o.v)
	o.v[p-1] = -1
	var loss float64
	for i := range p {
		var s float64
		for j := i; j < p; j++ {
			s += o.r.At(i, j) * o.v[j]
		}
		o.u[i] = s
		loss += s * s
	}
	for j := range p {
		var s float64
		for i := 0; i <= j; i++ {
			s += o.r.At(i, j) * o.u[i]
		}
		o.gv[j] = s / o.w
	}
	gb := 0.0
	if o.intercept {
		gb = o.gv[0]
		g[d] = gb
	}
	for j := range d {
		gj := o.gv[off+j] / o.scale[j]
		if o.center != nil {
			gj -= gb * o.center[j] / o.scale[j]
		}
		g[j] = gj
	}
	return loss / (2 * o.w)
}

// streamSGD runs a stochastic optimiser over data streamed once per epoch:
// rows pass through a shuffle buffer of --shuffle-buffer rows, from which
// mini-batches are drawn at random with the seed (so the same seed gives the
// same bits). The full-batch loss, gradient and gap after each epoch come from
// the QR accumulator of the first pass, without another read.
func streamSGD(ctx context.Context, o fitOptions, p *fitPlan, qr *stream.QR, exact *stream.Result, parts []stream.Chunks, features []string, target string, files []string, stdio IO) error {
	s := p.settings
	intercept := !s.NoIntercept
	d := len(features)
	center, scale := streamScaling(qr, s.Raw, intercept)
	obj := newStreamObjective(qr, center, scale, intercept, d)
	mu, l := streamHessian(qr, center, scale, intercept, d)
	dim := d
	if intercept {
		dim++
	}
	opt := fit.NewOptimizer(s.Solver, &s)
	opt.Init(dim)
	batch := s.Optim.BatchSize
	if batch <= 0 {
		batch = 32
	}
	n := float64(exact.N)
	lr := s.Optim.LearningRate
	if lr == 0 {
		if dr, ok := opt.(optim.DefaultRater); ok {
			lr = dr.DefaultRate(l, math.Min(1, float64(batch)/n))
		} else {
			lr = 1e-3
		}
	}
	bufRows := o.ShuffleBuffer
	width := d + 2 // x..., y, w
	buf := make([]float64, 0, bufRows*width)
	th := make([]float64, dim)
	g := make([]float64, dim)
	bx := mat.NewDense(batch, d, nil)
	by := make([]float64, batch)
	bw := make([]float64, batch)
	rng := rand.New(rand.NewPCG(s.Optim.Seed, 0x5afe))
	step := 0
	rec, trace, bar, err := epochRecorders(o, stdio, s.Optim.Epochs, string(s.Solver)+" (streamed)")
	if err != nil {
		return err
	}
	defer trace.finish(false)
	rate := func() float64 {
		t := step
		if s.Optim.Schedule != nil {
			return lr * s.Optim.Schedule.Rate(t)
		}
		return lr
	}
	// draw takes up to batch random rows out of the buffer and steps.
	draw := func() {
		rows := len(buf) / width
		k := min(batch, rows)
		var sw float64
		for m := range k {
			i := rng.IntN(rows)
			row := buf[i*width : (i+1)*width]
			copy(bx.RawRowView(m), row[:d])
			by[m], bw[m] = row[d], row[d+1]
			sw += bw[m]
			last := buf[(rows-1)*width : rows*width]
			copy(row, last)
			rows--
		}
		buf = buf[:rows*width]
		if sw == 0 {
			return
		}
		clear(g)
		for m := range k {
			r := -by[m]
			xr := bx.RawRowView(m)
			for j := range d {
				z := xr[j]
				if center != nil {
					z -= center[j]
				}
				z /= scale[j]
				r += th[j] * z
			}
			if intercept {
				r += th[d]
			}
			wr := bw[m] * r / sw
			for j := range d {
				z := xr[j]
				if center != nil {
					z -= center[j]
				}
				g[j] += wr * z / scale[j]
			}
			if intercept {
				g[d] += wr
			}
		}
		opt.Update(th, g, rate())
		step++
	}
	start := time.Now()
	status := lsq.IterationLimit
	stop := newEpochStop(s.Optim.GradTol, s.Optim.ObjectiveTol)
	stop.check(obj.lossGrad(g, th), math.Inf(1)) // the start: the divergence reference
	var loss, gnorm float64
	epoch := 0
	for epoch = 1; epoch <= s.Optim.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, part := range parts {
			err := part(func(x *mat.Dense, y, w []float64) error {
				rows, _ := x.Dims()
				for i := range rows {
					buf = append(buf, x.RawRowView(i)...)
					wi := 1.0
					if w != nil {
						wi = w[i]
					}
					buf = append(buf, y[i], wi)
					if len(buf)/width >= bufRows {
						draw()
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		for len(buf) > 0 {
			draw()
		}
		loss = obj.lossGrad(g, th)
		gnorm = floats.Norm(g, 2)
		st := stop.check(loss, gnorm)
		if st == lsq.Diverged {
			status = st
			break
		}
		it := lsq.Iteration{Epoch: epoch, Step: step, LR: rate(), Loss: loss, Objective: loss, GradNorm: gnorm, ValLoss: math.NaN(), Elapsed: time.Since(start)}
		if err := rec.Record(it); err != nil {
			return err
		}
		if st != lsq.NotTerminated {
			status = st
			break
		}
	}
	epoch = min(epoch, s.Optim.Epochs)
	bar.finish()
	coef, icpt := optim.Unstandardize(th, center, scale, intercept)
	return streamIterativeOutput(o, stdio, streamRun{
		solver: string(s.Solver), status: status, epochs: epoch, coef: coef, intercept: icpt, loss: loss, gnorm: gnorm,
		lr: lr, l: l, mu: mu, standardized: !s.Raw, trace: trace, exact: exact, features: features, target: target, files: files,
		elapsed: time.Since(start), settings: map[string]any{"batch_size": batch, "shuffle_buffer": bufRows, "seed": s.Optim.Seed, "lr": lr, "epochs": s.Optim.Epochs},
	})
}

// streamScaling returns the standardisation of a streamed fit, read off
// the QR accumulator: weighted means and population SDs (RMS without an
// intercept), or none with --standardize=false.
func streamScaling(qr *stream.QR, raw, intercept bool) (center, scale []float64) {
	if raw {
		scale = make([]float64, qr.Features())
		for j := range scale {
			scale[j] = 1
		}
		return nil, scale
	}
	return qr.Standardization()
}

// streamRun is the outcome of a streamed iterative fit.
type streamRun struct {
	solver                 string
	status                 lsq.Status
	epochs                 int
	coef                   []float64
	intercept              float64
	loss, gnorm, lr, l, mu float64
	standardized           bool
	trace                  *traceRecorder
	exact                  *stream.Result
	features               []string
	target                 string
	files                  []string
	elapsed                time.Duration
	settings               map[string]any
}

// streamIterativeOutput prints or saves a streamed iterative fit beside the
// exact one of the first pass.
func streamIterativeOutput(o fitOptions, stdio IO, r streamRun) error {
	exact := r.exact
	fStar := exact.RSS / exact.SumWeights / 2
	var num, den float64
	for j := range r.coef {
		num += (r.coef[j] - exact.Coef[j]) * (r.coef[j] - exact.Coef[j])
		den += exact.Coef[j] * exact.Coef[j]
	}
	fitIcpt := !o.NoIntercept
	if fitIcpt {
		num += (r.intercept - exact.Intercept) * (r.intercept - exact.Intercept)
		den += exact.Intercept * exact.Intercept
	}
	name := r.solver + "-stream"
	out := fitOutput{File: strings.Join(r.files, ","), Target: r.target, Features: r.features, Coef: r.coef, Intercept: r.intercept,
		Solver: name, Status: r.status.String(), Converged: r.status.Converged(), Iterations: r.epochs,
		Loss: jsonFloat(2 * r.loss), Objective: jsonFloat(r.loss), N: int(exact.N),
		Timings: timings{FitS: r.elapsed.Seconds()},
		Exact:   &exactOut{Coef: exact.Coef, Intercept: exact.Intercept, Solver: "qr-stream"},
		Gap:     &gapOut{ObjectiveRel: jsonFloat((r.loss - fStar) / math.Abs(fStar)), CoefRel: jsonFloat(math.Sqrt(num / den)), GradNorm: jsonFloat(r.gnorm)},
		LR:      &lrOut{LR: jsonFloat(r.lr), L: jsonFloat(r.l), Bound: jsonFloat(2 / r.l), Mu: jsonFloat(r.mu), Cond: jsonFloat(r.l / r.mu), Standardized: r.standardized},
	}
	if r.status != lsq.Diverged {
		if err := finiteFit(out.File, r.features, r.coef, r.intercept, math.Sqrt(2*r.loss)); err != nil {
			return err
		}
		if r.trace != nil {
			if err := r.trace.finish(true); err != nil {
				return err
			}
			out.Trace = o.Trace
		}
		if o.Output != "" {
			st := r.settings
			st["files"], st["standardize"] = r.files, r.standardized
			m := &modelio.Model{Kind: modelio.KindLinear, Target: r.target, Features: r.features, Coef: r.coef, Intercept: r.intercept,
				FitIntercept: fitIcpt, Solver: modelio.Solver{Name: name, Settings: st},
				Training: map[string]any{"n": exact.N, "mse": 2 * r.loss, "status": r.status.String(), "iterations": r.epochs}}
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
		w := stdio.Out
		fmt.Fprintf(w, "%s: %d rows in %s, streamed once per epoch\n", out.File, exact.N, plural(len(r.files), "file"))
		fmt.Fprintf(w, "solver %s (streamed): %s after %d epochs", r.solver, r.status, r.epochs)
		if !r.status.Converged() {
			fmt.Fprint(w, " (NOT converged)")
		}
		fmt.Fprintln(w)
		printCoefTable(w, &out, fitIcpt, true)
		printGapAndRate(w, &out, false)
		if out.Model != "" {
			fmt.Fprintf(w, "model written to %s\n", out.Model)
		}
	}
	if !r.status.Converged() {
		return &NotConvergedError{Msg: fmt.Sprintf("streamed %s stopped by %s after %d epochs (rate %.3g against 2/L = %.3g)", r.solver, r.status, r.epochs, r.lr, 2/r.l)}
	}
	return nil
}
