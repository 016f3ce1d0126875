package cli

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/stats"
)

// printFitReport writes the text output of `lsq fit`, in memory or
// streamed alike: the fit (printFit), with --summary the inference at the
// exact solution (sum, nil when there is none: out.SummaryNote says why)
// and the residual tests, then the files written.
func printFitReport(w io.Writer, o *fitOptions, out *fitOutput, res *fit.Result, sum *stats.Summary) {
	printFit(w, out, res)
	if o.Summary {
		fmt.Fprintln(w)
		switch {
		case sum != nil:
			if !res.Solver.Exact() {
				fmt.Fprintln(w, "inference at the exact solution:")
			}
			printSummary(w, sum, out.summaryOut, out.Features)
		case out.SummaryNote != "":
			fmt.Fprintf(w, "no summary: %s\n", out.SummaryNote)
		}
	}
	printInference(w, o, out, out.Target)
	printWritten(w, out.files()...)
}

// printFit writes the human summary of a fit: the data, the solver, the
// coefficients, the loss and how close the fit is to the optimum; for a
// streamed fit also how the data were read (out.streamed).
func printFit(w io.Writer, out *fitOutput, res *fit.Result) {
	rows := english.Count(out.N, "row")
	if out.ValN > 0 {
		rows += fmt.Sprintf(" for training (%d held out for validation)", out.ValN)
	}
	printDataLine(w, out.File, rows, len(out.Features), "target "+out.Target)
	iterative := !res.Solver.Exact()
	fmt.Fprintf(w, "solver %s", out.Solver)
	if iterative {
		fmt.Fprintf(w, ": %s after %s", out.Status, english.Count(out.Iterations, "epoch"))
		if !out.Converged {
			fmt.Fprint(w, " (NOT converged)")
		}
	}
	if out.Rank != nil {
		fmt.Fprintf(w, "   rank %d/%d   cond %.3g (standardised design)", *out.Rank, len(out.Features), float64(*out.Cond))
	}
	fmt.Fprintln(w)

	printCoefTable(w, out, res.FitIntercept, iterative)
	if len(out.Aliased) > 0 {
		fmt.Fprintf(w, "aliased (linearly dependent) features: %s — minimum-norm solution reported\n", strings.Join(out.Aliased, ", "))
	}
	if !math.IsInf(res.MSE, 0) {
		fmt.Fprintf(w, "loss (MSE) %.6g", float64(out.Loss))
	} else {
		// The mean square is beyond float64; its root is not.
		fmt.Fprintf(w, "RMSE %.6g", res.RMSE)
	}
	if r2, ok := fitR2(res); ok {
		fmt.Fprintf(w, "   R² %.6g", r2)
	}
	if out.Validation != nil {
		fmt.Fprintf(w, "   validation loss %.6g", float64(*out.Validation))
	}
	fmt.Fprintln(w)
	if iterative {
		printGapAndRate(w, out, res.Solver == fit.GD)
	}
	if out.DualityGap != nil {
		fmt.Fprintf(w, "duality gap %.3g (an upper bound on the distance to the optimum of the objective)\n", float64(*out.DualityGap))
	}
	printStreamed(w, out.streamed)
	for _, n := range out.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// files are the files a fit wrote, for printWritten.
func (out *fitOutput) files() []outFile {
	diagnostics := ""
	if out.inferenceOut != nil {
		diagnostics = out.Diagnostics
	}
	return []outFile{{"model", out.Model}, {"checkpoint", out.Checkpoint}, {"trace", out.Trace},
		{"diagnostics", diagnostics}, {"plot", out.Plot}, {"report", out.Report}}
}

// refHeader names the reference column: "exact" for a closed form.
func refHeader(solver string) string {
	if strings.HasPrefix(solver, "cd") {
		return "reference (cd)"
	}
	return "exact"
}

// finiteFit refuses a fit whose coefficients or training error are not
// finite numbers (the data overflowed float64 somewhere in the solve), so
// that NaN and Inf are never printed as a result or saved as a model. rmse is
// the root mean squared error, finite even when its square overflows.
func finiteFit(file string, features []string, coef []float64, intercept, rmse float64) error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	if bad(intercept) {
		return fmt.Errorf("%s: the fitted intercept is %v: the data overflow float64 in the solve; rescale the columns (divide the largest by a power of ten) and fit again", file, intercept)
	}
	for j, c := range coef {
		if bad(c) {
			name := fmt.Sprint(j + 1)
			if j < len(features) {
				name = features[j]
			}
			return fmt.Errorf("%s: the coefficient of %s is %v: the data overflow float64 in the solve; rescale the columns (divide the largest by a power of ten) and fit again", file, name, c)
		}
	}
	if bad(rmse) {
		return fmt.Errorf("%s: the training loss (RMSE) is %v: the residuals are beyond float64; rescale the target (divide it by a power of ten) and fit again", file, rmse)
	}
	return nil
}

// printCoefTable writes the coefficients; for an iterative fit with a
// reference solution, beside it with the difference.
func printCoefTable(w io.Writer, out *fitOutput, intercept, iterative bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', tabwriter.AlignRight)
	if iterative && out.Exact != nil {
		fmt.Fprintf(tw, "\t%s\t%s\tdifference\t\n", out.Solver, refHeader(out.Exact.Solver))
		if intercept {
			fmt.Fprintf(tw, "intercept\t%.6g\t%.6g\t%.2g\t\n", out.Intercept, out.Exact.Intercept, out.Intercept-out.Exact.Intercept)
		}
		for j, name := range out.Features {
			fmt.Fprintf(tw, "%s\t%.6g\t%.6g\t%.2g\t\n", name, out.Coef[j], out.Exact.Coef[j], out.Coef[j]-out.Exact.Coef[j])
		}
	} else {
		fmt.Fprintf(tw, "\tcoef\t\n")
		if intercept {
			fmt.Fprintf(tw, "intercept\t%.10g\t\n", out.Intercept)
		}
		for j, name := range out.Features {
			fmt.Fprintf(tw, "%s\t%.10g\t\n", name, out.Coef[j])
		}
	}
	tw.Flush()
}

// printGapAndRate writes how far an iterative fit stopped from the optimum
// and why: the rate against 2/L and the conditioning; for full-batch GD
// also the error factor per step.
func printGapAndRate(w io.Writer, out *fitOutput, fullBatchGD bool) {
	if g := out.Gap; g != nil {
		if out.Exact != nil {
			tol := fmt.Sprintf("tolerance %.2g", float64(g.Tol))
			if g.Tol < 0 {
				tol = "no tolerance"
			}
			fmt.Fprintf(w, "gap to the optimum: objective %.2g relative (%s), coefficients %.2g relative, gradient norm %.2g\n", optim.ShownGap(float64(g.ObjectiveRel)), tol, float64(g.CoefRel), float64(g.GradNorm))
		} else {
			fmt.Fprintf(w, "gradient norm %.2g (%s)\n", float64(g.GradNorm), out.ExactNote)
		}
	}
	l := out.LR
	if l == nil {
		return
	}
	scale := "raw inputs"
	if l.Standardized {
		scale = "standardised inputs"
	}
	fmt.Fprintf(w, "learning rate %.4g vs stability bound 2/L = %.4g (L = %.4g, %s)", float64(l.LR), float64(l.Bound), float64(l.L), scale)
	if !math.IsNaN(float64(l.Cond)) {
		fmt.Fprintf(w, "; Hessian condition %.3g", float64(l.Cond))
		if c := float64(l.Contraction); c < 1 && fullBatchGD {
			steps := math.RoundToEven(float64(l.StepsFor1e6)) // as %.0f prints it
			fmt.Fprintf(w, "; error ×%.6f per step, ~%.0f %s for 1e-6", c, steps, english.Noun(steps, "step"))
		}
	}
	fmt.Fprintln(w)
}

// printStreamed writes the "streamed:" line of a streamed command's text
// output, saying how it read its data; nothing in memory (how is "").
func printStreamed(w io.Writer, how string) {
	if how != "" {
		fmt.Fprintf(w, "streamed: %s\n", how)
	}
}

// fitR2 is the fit's R² = 1 − RSS/TSS at its own coefficients, RSS = MSE·Σw,
// from the exact fit's sums where there is one, or false when the target
// has no spread (or its sums overflow): the number of the text output and
// of the JSON's r2.
func fitR2(res *fit.Result) (float64, bool) {
	switch ex := exactOf(res); {
	case ex != nil && ex.ScaledTSS > 0 && res.Solver.Exact():
		return 1 - ex.ScaledRSS/ex.ScaledTSS, true
	case ex != nil && ex.TSS > 0 && !math.IsInf(ex.TSS, 0):
		return 1 - res.MSE*ex.SumWeights/ex.TSS, true
	case res.YMeanSquare > 0 && !math.IsInf(res.MSE, 0):
		// No exact fit beside this one (the lasso, the elastic net).
		return 1 - res.MSE/res.YMeanSquare, true
	}
	return 0, false
}

// printDataLine is the first line of a command's text output: the file,
// its rows (counted in words by the caller), its features and its
// target(s).
func printDataLine(w io.Writer, file, rows string, features int, targets string) {
	fmt.Fprintf(w, "%s: %s, %s, %s\n", file, rows, english.Count(features, "feature"), targets)
}
