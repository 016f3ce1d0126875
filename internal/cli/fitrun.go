package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/formula"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/stats"
)

// fitRun is one in-memory `lsq fit`: the data as read, the rows fitted (the
// training split), the settings given to the library, and what the run
// prints.
type fitRun struct {
	o     fitOptions
	stdio IO
	fr    *data.Frame
	x     *mat.Dense
	y     []float64
	s     fit.Settings
	out   fitOutput
	trace *traceRecorder
	hist  *historyRecorder
	res   *fit.Result
	div   *optim.DivergenceError
	sum   *stats.Summary
	terms *modelTerms // the formula's terms of the columns of x, nil for one term per column
}

// runFit is `lsq fit`: flags → fit.Settings → fit.Matrix (or fit.Stream) →
// printing.
func runFit(ctx context.Context, o fitOptions, stdio IO) error {
	if strings.Contains(o.Data.Target, ",") || o.Rank != 0 || o.changed("lora-alpha") {
		return runMultiFit(ctx, o, stdio)
	}
	p, err := o.plan()
	if err != nil {
		return err
	}
	files, streamed, err := inputFiles(o.Files, o.Memory, o.Stream)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := refuseOverwrite(o.Output, f); err != nil {
			return err
		}
	}
	if streamed {
		if o.Inference.wanted() {
			return usagef("--diagnostics and --anova need the rows in memory; %s is streamed (raise --memory)", o.File)
		}
		return runStreamFit(ctx, o, p, files, stdio)
	}
	o.File = files[0]
	if o.changed("shuffle-buffer") {
		return usagef("--shuffle-buffer draws the mini-batches of a streamed fit; %s is read into memory (within --memory), where the rows are shuffled whole (or by --shuffle-block): drop --shuffle-buffer, or add --stream", o.File)
	}
	r, err := loadFitRun(o, p, stdio)
	if err != nil {
		return err
	}
	if err := r.chooseRate(ctx, p); err != nil {
		return err
	}
	bar, err := r.recorders()
	if err != nil {
		return err
	}
	defer r.trace.finish(false)
	res, fitErr := fit.Matrix(ctx, r.x, r.y, &r.s)
	bar.finish()
	if res == nil {
		return fitErr
	}
	r.res = res
	if err := r.settle(ctx, fitErr); err != nil {
		return err
	}
	if err := r.write(); err != nil {
		return err
	}
	return r.verdict()
}

// loadFitRun reads the data (plain columns, a formula or a degree), applies
// a starting model and holds out the validation rows.
func loadFitRun(o fitOptions, p *fitPlan, stdio IO) (*fitRun, error) {
	for _, out := range []string{o.Trace, o.Checkpoint} {
		if err := refuseOverwrite(out, o.File); err != nil {
			return nil, err
		}
	}
	if err := o.Visual.check(o.File); err != nil {
		return nil, err
	}
	t0 := time.Now()
	r := &fitRun{o: o, stdio: stdio, s: p.settings}
	var err error
	var des *formula.Design
	if o.Cluster != "" {
		// Cluster labels are read with plain numeric columns (--cluster
		// with --formula is refused by robustFlags.check).
		r.fr, r.o.clusters, err = r.o.robustFlags().loadData(o.Data, o.File, stdio)
	} else {
		r.fr, des, err = r.o.loadFrame(stdio)
	}
	if err != nil {
		return nil, err
	}
	if dropsIntercept(des) {
		r.s.NoIntercept = true
	}
	fr := r.fr
	if fr.X == nil || fr.Rows() == 0 {
		return nil, fmt.Errorf("%s: no data rows", o.File)
	}
	load := time.Since(t0).Seconds()
	r.s.Weights = fr.Weights
	if o.Degree > 1 && len(fr.Features) == 1 {
		if r.o.design == nil {
			r.o.design = &modelio.Design{Columns: fr.Features}
		}
		r.o.design.Degree = o.Degree
		r.o.design.Statsmodels = nil // the powers are named x, x^2, … by --degree
	}
	if r.s.PolyX, err = expandDegree(fr, o.Degree); err != nil {
		return nil, err
	}
	r.out = fitOutput{File: o.File, Target: fr.Target, Features: fr.Features, Timings: timings{LoadS: load}}
	if des != nil {
		r.out.Missing = missingReport(des, o.NA.Action)
		if o.Degree <= 1 {
			r.out.Statsmodels = des.Statsmodels
			r.terms = &modelTerms{assign: des.Assign, labels: des.Terms}
		}
	}
	if err := applyStart(&r.o, &r.s, fr, p.start); err != nil {
		return nil, err
	}
	r.x, r.y = fr.X, fr.Y
	if o.ValFrac > 0 {
		var w []float64
		r.x, r.y, w, r.s.ValX, r.s.ValY, r.s.ValW = splitFrame(fr, o.ValFrac, o.Seed)
		if len(r.s.ValY) == 0 || len(r.y) == 0 {
			return nil, usagef("--val-frac %v leaves no rows for training or validation on %d rows", o.ValFrac, fr.Rows())
		}
		r.s.Weights = w
	}
	return r, nil
}

// chooseRate picks the learning rate on the validation split when several
// (or a grid) were given.
func (r *fitRun) chooseRate(ctx context.Context, p *fitPlan) error {
	if r.s.Solver.Exact() || len(p.rates) <= 1 && !p.grid {
		return nil
	}
	rates := p.rates
	if p.grid {
		var err error
		if rates, err = rateGrid(ctx, r.x, r.y, r.s); err != nil {
			return err
		}
	}
	best, trials, err := chooseRate(ctx, r.x, r.y, r.s, rates)
	if err != nil {
		return err
	}
	r.out.LRSearch = trials
	r.s.Optim.LearningRate = best
	if !r.o.JSON {
		printRateTable(r.stdio.Err, trials, best)
	}
	return nil
}

// recorders sets up the trace, the history for plots and the progress bar
// of an iterative fit.
func (r *fitRun) recorders() (*progress, error) {
	var rec lsq.Recorders
	if r.o.Trace != "" {
		var err error
		if r.trace, err = newTraceRecorder(r.o.Trace); err != nil {
			return nil, err
		}
		rec = append(rec, r.trace)
	}
	if r.o.Visual.wanted() {
		r.hist = &historyRecorder{}
		rec = append(rec, r.hist)
	}
	// Exact solvers, cd and fista report no epochs (fit refuses a
	// Recorder for them): no bar, no recorder.
	optimiser := !r.s.Solver.Exact() && !r.s.Solver.Penalized()
	var bar *progress
	if optimiser && r.stdio.ErrTerminal && !r.o.Quiet {
		bar = newProgress(r.stdio.Err, r.s.Optim.Epochs, r.s.Solver.String())
		rec = append(rec, bar)
	}
	if len(rec) > 0 && optimiser {
		r.s.Optim.Recorder = rec
	}
	return bar, nil
}

// settle takes the fit's outcome: a divergence is reported (and nothing
// saved), an interruption saves the checkpoint, a finished fit is checked
// for finite numbers and checkpointed.
func (r *fitRun) settle(ctx context.Context, fitErr error) error {
	res, fr, o := r.res, r.fr, &r.o
	res.Features = fr.Features
	fillFitOutput(&r.out, res, time.Duration(r.out.Timings.LoadS*float64(time.Second)))
	r.out.ValN = len(r.s.ValY)
	if isL1(o.Penalty.Name) && !r.s.Solver.Penalized() && !o.Proximal {
		r.out.Notes = append(r.out.Notes, fmt.Sprintf("%s applies the L1 penalty by its subgradient, as the textbook does: coefficients hover around zero but are never exactly zero; use --proximal, or --solver cd for exact zeros", r.s.Solver))
	}
	if errors.As(fitErr, &r.div) {
		r.out.Divergence = divergenceOf(r.div, fr.Features)
		return nil
	}
	if fitErr != nil {
		if ctx.Err() != nil && res.Optim != nil {
			r.trace.finish(true)
			if o.Checkpoint == "" {
				fmt.Fprintf(r.stdio.Err, "lsq: interrupted at epoch %d; nothing saved (use --checkpoint FILE to keep the state)\n", res.Iterations)
				return fitErr
			}
			if err := modelio.Save(o.Checkpoint, modelFromFit(res, fr, o, &r.s)); err != nil {
				return err
			}
			fmt.Fprintf(r.stdio.Err, "lsq: interrupted at epoch %d; state saved to %s (continue with --resume %s)\n", res.Iterations, o.Checkpoint, o.Checkpoint)
		}
		return fitErr
	}
	if err := finiteFit(o.File, fr.Features, res.Coef, res.Intercept, res.RMSE); err != nil {
		return err
	}
	if o.Checkpoint != "" && res.Optim != nil {
		if err := modelio.Save(o.Checkpoint, modelFromFit(res, fr, o, &r.s)); err != nil {
			return err
		}
		r.out.Checkpoint = o.Checkpoint
	}
	return nil
}

// write produces the outputs: summary, trace, model file, plots and report,
// then the JSON object or the text.
func (r *fitRun) write() error {
	res, o := r.res, &r.o
	if res.Exact != nil && r.div == nil {
		set, _ := o.robustFlags().settings()
		set.Clusters = o.clusters
		sum, so, serr := summarize(res, r.x, r.s.Weights, set)
		r.sum = sum
		r.out.setSummary(so)
		if serr != nil {
			r.out.SummaryNote = serr.Error()
		}
	}
	if err := fitInference(o, res, r.fr, r.terms, r.x, r.y, r.s.Weights, r.sum, &r.out); err != nil {
		return err
	}
	if r.trace != nil {
		if err := r.trace.finish(true); err != nil {
			return err
		}
		r.out.Trace = o.Trace
	}
	if o.Output != "" && r.div == nil {
		if err := modelio.Save(o.Output, modelFromFit(res, r.fr, o, &r.s)); err != nil {
			return err
		}
		r.out.Model = o.Output
	}
	if o.Visual.wanted() {
		if err := fitVisuals(o, r.stdio, r.fr, r.x, r.y, res, r.hist, &r.out, r.sum); err != nil {
			return err
		}
	}
	if o.JSON {
		return writeJSON(r.stdio.Out, r.out)
	}
	printFitReport(r.stdio.Out, o, &r.out, res, r.sum)
	return nil
}

// divergenceOf is the JSON report of a diverged fit.
func divergenceOf(d *optim.DivergenceError, features []string) *divergence {
	out := &divergence{Epoch: d.Epoch, LR: jsonFloat(d.LR), Bound: jsonFloat(d.Bound)}
	if d.Feature >= 0 && d.Feature < len(features) {
		out.Feature = features[d.Feature]
		out.Scale = jsonFloat(d.Scale)
	}
	return out
}

// verdict is the exit status of a fit: a divergence or an iterative fit
// that stopped short of the optimum is a NotConvergedError (exit 3).
func (r *fitRun) verdict() error {
	if r.div != nil {
		return &NotConvergedError{Msg: divergenceAdvice(r.div, r.fr.Features, &r.s)}
	}
	res := r.res
	if !r.s.Solver.Exact() && !res.Status.Converged() && res.Status != lsq.EarlyStopped {
		return &NotConvergedError{Msg: res.Verdict() + advice(res, &r.o)}
	}
	return nil
}

// isL1 reports whether a --penalty name has an L1 part.
func isL1(name string) bool {
	switch name {
	case "l1", "lasso", "elasticnet", "enet":
		return true
	}
	return false
}
