package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/stats"
)

// streamOutput prints or saves a streamed fit (fit.Stream) as an in-memory
// fit is printed: the same fitOutput, filled by fillFitOutput, summarised
// from the exact solution the accumulator gives (exactOf) and printed by
// printFitReport, with the solver named qr-stream, cd-stream, gd-stream, …
// and a line saying how the data were read. What needs the rows (residual
// tests, influence; the log-likelihood of a weighted fit) is NA.
func streamOutput(o *fitOptions, s *fit.Settings, stdio IO, res *fit.Result, fitErr error, trace *traceRecorder, files []string, target string) error {
	var div *optim.DivergenceError
	if fitErr != nil && !errors.As(fitErr, &div) {
		return fitErr
	}
	out := fitOutput{File: strings.Join(files, ","), Target: target, Features: res.Features}
	fillFitOutput(&out, res, 0)
	out.Solver = res.Solver.String() + "-stream"
	out.streamed = streamedHow(s, res, len(files))
	var sum *stats.Summary
	if div != nil {
		out.Divergence = divergenceOf(div, res.Features)
	} else {
		if err := finiteFit(out.File, res.Features, res.Coef, res.Intercept, res.RMSE); err != nil {
			return err
		}
		var err error
		if sum, err = streamSummary(o, res, &out); err != nil {
			return err
		}
	}
	if trace != nil {
		if err := trace.finish(true); err != nil {
			return err
		}
		out.Trace = o.Trace
	}
	if o.Output != "" && div == nil {
		if err := modelio.Save(o.Output, streamModel(o, s, res, files, target)); err != nil {
			return err
		}
		out.Model = o.Output
	}
	if o.JSON {
		if err := writeJSON(stdio.Out, out); err != nil {
			return err
		}
	} else {
		printFitReport(stdio.Out, o, &out, res, sum)
	}
	return streamVerdict(o, s, res, div)
}

// streamVerdict is the exit status of a streamed fit, as fitRun.verdict
// gives an in-memory one's: a divergence or an iterative fit that stopped
// short of the optimum is a NotConvergedError (exit 3).
func streamVerdict(o *fitOptions, s *fit.Settings, res *fit.Result, div *optim.DivergenceError) error {
	if div != nil {
		return &NotConvergedError{Msg: divergenceAdvice(div, res.Features, s)}
	}
	if !res.Solver.Exact() && !res.Status.Converged() {
		return &NotConvergedError{Msg: res.Verdict() + advice(res, o)}
	}
	return nil
}

// streamSummary is the summary of a streamed fit at its exact solution,
// as write computes an in-memory fit's, from the accumulator alone: the
// classical covariance (checkStreamFlags refuses --robust, --cluster and
// --df) and no residual tests.
func streamSummary(o *fitOptions, res *fit.Result, out *fitOutput) (*stats.Summary, error) {
	set, err := o.robustFlags().settings()
	if err != nil {
		return nil, err
	}
	sum, so, err := summarize(res, nil, nil, set)
	if err != nil {
		out.SummaryNote = err.Error()
	}
	if so != nil && o.Data.Weights != "" {
		noLogLik(sum, so)
	}
	out.setSummary(so)
	return sum, fitInference(o, res, nil, nil, nil, nil, nil, sum, out)
}

// streamedHow says how a streamed fit read its data: the "streamed:" line
// of its text output.
func streamedHow(s *fit.Settings, res *fit.Result, files int) string {
	if s.Solver == fit.CD {
		return streamedMoments(files, len(res.Features))
	}
	fold := streamedFold(files, len(res.Features))
	switch {
	case s.Solver.Exact():
		return fold + ", solved from its factor; memory independent of the rows"
	case s.Optim.BatchSize > 0:
		return fmt.Sprintf("%s, then one per epoch (%d passes in all) drawing mini-batches of %s through a shuffle buffer of %s",
			fold, 1+res.Iterations, english.Count(s.Optim.BatchSize, "row"), english.Count(s.ShuffleBuffer, "row"))
	default:
		return fold + ", then every epoch's loss and gradient from its factor: no further pass"
	}
}

// streamedFold says how a streamed fit folded its files into the QR
// accumulator of this many feature columns, one pass in file order.
func streamedFold(files, columns int) string {
	return fmt.Sprintf("one pass over %s into a tall-skinny QR in %s (partitions merged in file order)", english.Count(files, "file"), streamPrecision(columns))
}

// streamedMoments says how a streamed lasso read its data: one pass folding
// the files into the QR accumulator, whose moments coordinate descent
// works on.
func streamedMoments(files, features int) string {
	return fmt.Sprintf("one pass over %s, coordinate descent on the moments of its QR factor (%s)", english.Count(files, "file"), streamPrecision(features))
}

// streamModel is the model file of a streamed fit: as modelFromFit's, with
// the solver named as printed and the files it read.
func streamModel(o *fitOptions, s *fit.Settings, res *fit.Result, files []string, target string) *modelio.Model {
	name := res.Solver.String() + "-stream"
	switch {
	case s.Solver == fit.CD:
		m := modelFromFit(res, &data.Frame{Target: target, Features: res.Features}, o, s)
		m.Solver.Name = name
		m.Solver.Settings["files"] = files
		return m
	case s.Solver.Exact():
		ex := res.Streamed
		m := &modelio.Model{Kind: modelio.KindLinear, Target: target, Features: res.Features, Coef: ex.Coef, Intercept: ex.Intercept,
			FitIntercept: res.FitIntercept, Solver: modelio.Solver{Name: name, Settings: map[string]any{"files": files, "alpha": o.Penalty.Alpha, "standardize": o.Standardize}},
			Training: map[string]any{"n": res.N, "rss": ex.RSS, "r2": ex.R2, "status": "converged"}}
		m.Inference = streamInference(ex, o.Data.Weights != "")
		return m
	}
	st := map[string]any{"files": files, "standardize": res.Scale != nil, "lr": res.Optim.LR, "epochs": o.Epochs,
		"batch_size": o.BatchSize, "shuffle_buffer": o.ShuffleBuffer, "seed": o.Seed, "schedule": o.Schedule}
	return &modelio.Model{Kind: modelio.KindLinear, Target: target, Features: res.Features, Coef: res.Coef, Intercept: res.Intercept,
		FitIntercept: res.FitIntercept, Solver: modelio.Solver{Name: name, Settings: st},
		Training: map[string]any{"n": res.N, "mse": finiteOr(res.MSE, 0), "status": res.Status.String(), "iterations": res.Iterations}}
}
