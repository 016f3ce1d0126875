package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/optim"
)

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

// streamIterativeOutput prints or saves a streamed iterative fit (fit.Stream)
// with the same table, gap and rate report as an in-memory fit.
func streamIterativeOutput(o fitOptions, stdio IO, res *fit.Result, fitErr error, trace *traceRecorder, target string, files []string) error {
	out := fitOutput{File: strings.Join(files, ","), Target: target, Features: res.Features}
	fillFitOutput(&out, res, 0)
	out.Solver = res.Solver.String() + "-stream"
	var div *optim.DivergenceError
	if fitErr != nil && !errors.As(fitErr, &div) {
		return fitErr
	}
	if div == nil {
		if err := finiteFit(out.File, res.Features, res.Coef, res.Intercept, res.RMSE); err != nil {
			return err
		}
		if trace != nil {
			if err := trace.finish(true); err != nil {
				return err
			}
			out.Trace = o.Trace
		}
		if o.Output != "" {
			st := map[string]any{"files": files, "standardize": res.Scale != nil, "lr": res.Optim.LR, "epochs": o.Epochs,
				"batch_size": o.BatchSize, "shuffle_buffer": o.ShuffleBuffer, "seed": o.Seed, "schedule": o.Schedule}
			m := &modelio.Model{Kind: modelio.KindLinear, Target: target, Features: res.Features, Coef: res.Coef, Intercept: res.Intercept,
				FitIntercept: res.FitIntercept, Solver: modelio.Solver{Name: out.Solver, Settings: st},
				Training: map[string]any{"n": res.N, "mse": finiteOr(res.MSE, 0), "status": res.Status.String(), "iterations": res.Iterations}}
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
		fmt.Fprintf(w, "%s: %s in %s, streamed (one pass, then one per epoch for mini-batches)\n", out.File, english.Count(res.N, "row"), english.Count(len(files), "file"))
		fmt.Fprintf(w, "solver %s (streamed): %s after %s", res.Solver, res.Status, english.Count(res.Iterations, "epoch"))
		if !res.Status.Converged() {
			fmt.Fprint(w, " (NOT converged)")
		}
		fmt.Fprintln(w)
		printCoefTable(w, &out, res.FitIntercept, true)
		printGapAndRate(w, &out, false)
		printWritten(w, out.files()...)
	}
	if div != nil {
		return &NotConvergedError{Msg: fmt.Sprintf("streamed %s diverged at epoch %d: learning rate %.3g against 2/L = %.3g", res.Solver, div.Epoch, div.LR, 2/res.Why.L)}
	}
	if !res.Status.Converged() {
		return &NotConvergedError{Msg: res.Verdict() + advice(res, &o)}
	}
	return nil
}
