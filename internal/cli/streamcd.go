package cli

import (
	"fmt"
	"strings"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/modelio"
)

// streamCDOutput prints or saves a streamed cd fit (the lasso, elastic net
// or ridge from the moments of the QR accumulator) as an in-memory cd fit
// is printed and saved: the same table, loss, duality gap and model file,
// with the solver named cd-stream.
func streamCDOutput(o *fitOptions, s *fit.Settings, stdio IO, res *fit.Result, fitErr error, files []string, target string) error {
	if fitErr != nil {
		return fitErr
	}
	out := fitOutput{File: strings.Join(files, ","), Target: target, Features: res.Features}
	fillFitOutput(&out, res, 0)
	out.Solver = "cd-stream"
	if err := finiteFit(out.File, res.Features, res.Coef, res.Intercept, res.RMSE); err != nil {
		return err
	}
	if o.Output != "" {
		m := modelFromFit(res, &data.Frame{Target: target, Features: res.Features}, o, s)
		m.Solver.Name = out.Solver
		m.Solver.Settings["files"] = files
		if err := modelio.Save(o.Output, m); err != nil {
			return err
		}
		out.Model = o.Output
	}
	if o.JSON {
		if err := writeJSON(stdio.Out, out); err != nil {
			return err
		}
	} else {
		printFit(stdio.Out, &out, res)
		fmt.Fprintf(stdio.Out, "streamed: %s\n", streamedMoments(len(files), len(res.Features)))
		printWritten(stdio.Out, out.files()...)
	}
	if !res.Status.Converged() {
		return &NotConvergedError{Msg: res.Verdict() + advice(res, o)}
	}
	return nil
}

// streamedMoments says how a streamed lasso read its data: one pass folding
// the files into the QR accumulator, whose moments coordinate descent
// works on.
func streamedMoments(files, features int) string {
	return fmt.Sprintf("one pass over %s, coordinate descent on the moments of its QR factor (%s)", english.Count(files, "file"), streamPrecision(features))
}
