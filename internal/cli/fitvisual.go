package cli

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/report"
	"github.com/lsqgo/lsq/stats"
)

// fitVisuals writes the --plot figure and the --report page of a fit.
func fitVisuals(o *fitOptions, stdio IO, fr *data.Frame, x *mat.Dense, y []float64, res *fit.Result, hist *historyRecorder, out *fitOutput, sum *stats.Summary) (err error) {
	defer recoverDrawing(&err)
	fd, err := fitData(o, fr, x, y, res, hist)
	if err != nil {
		return err
	}
	fig, err := report.FitFigure(fd)
	if err != nil {
		return fmt.Errorf("drawing the fit: %w", err)
	}
	if o.Visual.Plot != "" {
		if err := writeFigure(o.Visual.Plot, fig); err != nil {
			return err
		}
		out.Plot = o.Visual.Plot
	}
	if o.Visual.Report == "" {
		return nil
	}
	h := fitReportHTML(o, stdio, fr, x, res, out, sum)
	if err := h.AddFigure("The fit", "Data and fitted values, residuals against fitted values, normal Q-Q plot of the residuals, residuals against leverage with Cook's distance contours (exact fits), and for iterative solvers the loss and its gap to the exact optimum per epoch.", fig); err != nil {
		return err
	}
	if err := writeHTML(o.Visual.Report, h); err != nil {
		return err
	}
	out.Report = o.Visual.Report
	return nil
}

func batchOf(o *fitOptions, res *fit.Result) int {
	if res.Solver == fit.GD || res.Solver == fit.LBFGS {
		return 0
	}
	if !o.changed("batch-size") && res.Solver.Stochastic() {
		return fit.DefaultBatchSize
	}
	return o.BatchSize
}

// epochLimit is the epoch limit of an iterative fit: --epochs, or when 0
// the automatic one (optim.DefaultEpochs).
func epochLimit(o *fitOptions, res *fit.Result) int {
	if o.Epochs > 0 {
		return o.Epochs
	}
	dim := len(res.Coef)
	if res.FitIntercept {
		dim++
	}
	return optim.DefaultEpochs(res.N, dim)
}

func coefList(names []string, coef []float64) string {
	s := ""
	for j, n := range names {
		if j > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %.6g", n, coef[j])
	}
	return s
}

// fitData is what the fit's figure shows: the data, the fitted values and,
// for one feature (or a polynomial), the fitted line beside the exact one.
func fitData(o *fitOptions, fr *data.Frame, x *mat.Dense, y []float64, res *fit.Result, hist *historyRecorder) (report.FitData, error) {
	n, d := x.Dims()
	lin := lsq.Linear{Features: fr.Features, Coef: res.Coef, Intercept: res.Intercept}
	fitted := make([]float64, n)
	for i := range n {
		fitted[i] = lin.Predict(x.RawRowView(i))
	}
	fd := report.FitData{Optimum: traceOptimum(res.ExactObjective), Y: y, Fitted: fitted, YName: fr.Target}
	fd.Leverage = leverageData(res, x, fr.Weights)
	if hist != nil && len(hist.its) > 1 {
		fd.Trace = hist.its // a one-epoch trace is a point, not a curve
	}
	if d == 1 || o.Degree > 1 {
		col := make([]float64, n)
		for i := range n {
			col[i] = x.At(i, 0)
		}
		fd.X, fd.XName = col, fr.Features[0]
		fd.Curve = func(v float64) float64 {
			s, p := lin.Intercept, 1.0
			for _, c := range lin.Coef {
				p *= v
				s += c * p
			}
			return s
		}
		if d == 1 {
			fd.Curve = func(v float64) float64 { return lin.Intercept + lin.Coef[0]*v }
			if ref := res.Reference; ref != nil && !res.Solver.Exact() {
				fd.Reference = report.Curve{Label: "exact solution (" + res.ReferenceSolver + ")", Dashed: true,
					F: func(v float64) float64 { return ref.Intercept + ref.Coef[0]*v }}
			}
		}
	}
	if !lsq.Finite(fitted) {
		return fd, fmt.Errorf("cannot draw the fit: its predictions are not finite")
	}
	return fd, nil
}

// fitReportHTML is the HTML report of a fit: data, settings, gap,
// coefficients and notes (the figures are added by the caller).
func fitReportHTML(o *fitOptions, stdio IO, fr *data.Frame, x *mat.Dense, res *fit.Result, out *fitOutput, sum *stats.Summary) *report.HTML {
	n, d := x.Dims()
	h := &report.HTML{
		Title:   fmt.Sprintf("lsq fit %s", o.File),
		Command: shellQuote(append([]string{"lsq"}, stdio.Args...)),
		Version: lsq.Version,
		Data: []report.KV{
			kv("file", "%s", o.File), kv("rows", "%d", n), kv("features", "%d", d), kv("target", "%s", fr.Target),
		},
		Settings: []report.KV{
			kv("solver", "%s", res.Solver), kv("status", "%s", res.Status), kv("intercept", "%v", !o.NoIntercept),
		},
		Gap:     gapKVs(out.Gap, out.LR),
		CILevel: 0.95,
	}
	if !res.Solver.Exact() {
		h.Seed = strconv.FormatUint(o.Seed, 10)
		h.Settings = append(h.Settings,
			kv("epochs run", "%d of %d", res.Iterations, epochLimit(o, res)),
			kv("standardised", "%v", o.Standardize),
			kv("batch size", "%d (0 = full batch)", batchOf(o, res)),
			kv("schedule", "%s (warm-up %d)", o.Schedule, o.Warmup),
			kv("penalty", "%s α=%g", o.Penalty.Name, o.Penalty.Alpha),
		)
	}
	if out.Rank != nil {
		h.Settings = append(h.Settings, kv("rank", "%d of %d", *out.Rank, d), kv("condition number (standardised design)", "%.4g", float64(*out.Cond)))
	}
	if out.Model != "" {
		h.ModelSHA256 = fileSHA256(out.Model)
	}
	names := fr.Features
	if sum != nil {
		if sum.HasIntercept {
			names = append([]string{"intercept"}, names...)
		}
		for i, t := range sum.Terms {
			h.Coefficients = append(h.Coefficients, report.Coef{Name: names[i], Estimate: t.Coef, StdErr: t.StdErr, T: t.T, P: t.P, Lo: t.Lower, Hi: t.Upper})
		}
		if !res.Solver.Exact() {
			h.Notes = append(h.Notes, "The inference table is at the exact solution; the iterative estimates are in the next table.")
		}
	}
	if sum == nil || !res.Solver.Exact() {
		nan := math.NaN()
		if sum != nil {
			h.Notes = append(h.Notes, fmt.Sprintf("%s estimates: intercept %.6g; %s", res.Solver, res.Intercept, coefList(fr.Features, res.Coef)))
		} else {
			h.Coefficients = append(h.Coefficients, report.Coef{Name: "intercept", Estimate: res.Intercept, StdErr: nan, T: nan, P: nan, Lo: nan, Hi: nan})
			for j, f := range fr.Features {
				h.Coefficients = append(h.Coefficients, report.Coef{Name: f, Estimate: res.Coef[j], StdErr: nan, T: nan, P: nan, Lo: nan, Hi: nan})
			}
		}
	}
	if out.summaryOut != nil {
		h.Notes = append(h.Notes, "Design: "+out.Diagnosis+".")
		h.Notes = append(h.Notes, inferenceNotes(out.inferenceOut)...)
	}
	return h
}
