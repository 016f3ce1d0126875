package cli

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/report"
)

func registerDemoOutputs(cmd *cobra.Command, opts *demoOptions) {
	cmd.Flags().StringVar(&opts.Plot, "plot", "", "draw the gradient-descent paths over the loss contours to a .png or .svg file")
	cmd.Flags().StringVar(&opts.Report, "report", "", "write the demo's story as a self-contained HTML report")
}

func checkDemoOutputs(opts demoOptions) error {
	return visualFlags{Plot: opts.Plot, Report: opts.Report}.check()
}

// demoPath reruns a demo fit through optim directly, watching every point at
// which the objective is evaluated, and returns the iterates on the original
// (slope, intercept) scale.
func demoPath(ctx context.Context, label string, raw bool, lr float64, epochs int) (report.Iterates, error) {
	n := len(demoX)
	x := mat.NewDense(n, 1, append([]float64(nil), demoX...))
	var center, scale []float64
	if !raw {
		center, scale = lsq.Moments(x, nil, true) // as lsq fit standardises
	}
	p := optim.LeastSquares(x, demoY, nil, true, center, scale)
	it := report.Iterates{Label: label, Slope: []float64{0}, Intercept: []float64{0}}
	var last []float64
	inner := p.LossGrad
	p.LossGrad = func(grad, th []float64) float64 {
		if last == nil || !slices.Equal(last, th) {
			last = append(last[:0], th...)
			c, b := optim.Unstandardize(th, center, scale, true)
			if len(it.Slope) > 1 || c[0] != 0 || b != 0 {
				it.Slope = append(it.Slope, c[0])
				it.Intercept = append(it.Intercept, b)
			}
		}
		return inner(grad, th)
	}
	_, err := optim.Minimize(ctx, p, make([]float64, 2), &optim.Settings{LearningRate: lr, Epochs: epochs}, &optim.SGD{})
	return it, err
}

func writeDemoOutputs(ctx context.Context, opts demoOptions, out *demoOutput) (err error) {
	defer recoverDrawing(&err)
	if opts.Plot == "" && opts.Report == "" {
		return nil
	}
	t, s := out.Tutorial, out.Standard
	rawPath, err := demoPath(ctx, fmt.Sprintf("GD, raw x, rate %.2g", t.LR), true, t.LR, t.Epochs)
	if err != nil {
		return err
	}
	autoPath, err := demoPath(ctx, fmt.Sprintf("GD, raw x, rate 1/L = %.3g", out.AutoRaw.LR), true, out.AutoRaw.LR, out.AutoRaw.Epochs)
	if err != nil {
		return err
	}
	stdPath, err := demoPath(ctx, fmt.Sprintf("GD, standardised x, rate %.2g", s.LR), false, s.LR, max(s.Epochs, 1))
	if err != nil {
		return err
	}
	fig, err := report.DemoFigure(
		report.LossSurface{Title: "Raw x: a long, thin valley (condition number 70)", X: demoX, Y: demoY, Paths: []report.Iterates{rawPath, autoPath}},
		report.LossSurface{Title: "Standardised x: one step to the minimum", X: demoX, Y: demoY, Paths: []report.Iterates{stdPath}},
	)
	if err != nil {
		return err
	}
	if opts.Plot != "" {
		if err := writeFigure(opts.Plot, fig); err != nil {
			return err
		}
	}
	if opts.Report == "" {
		return nil
	}
	h := &report.HTML{
		Title:   "lsq demo: least squares by gradient descent, beside the exact answer",
		Command: shellQuote([]string{"lsq", "demo", "--report", opts.Report}),
		Version: lsq.Version,
		Data:    []report.KV{kv("x", "%v", demoX), kv("y", "%v", demoY), kv("rows", "%d", len(demoX))},
		Settings: []report.KV{
			kv("textbook run", "gradient descent from 0, raw x, rate %.2g, %d epochs", t.LR, t.Epochs),
			kv("rate from the data", "1/L = %.4g, raw x, until converged (%s)", out.AutoRaw.LR, english.Count(out.AutoRaw.Epochs, "epoch")),
			kv("standardised run", "rate 1/L = %.3g on centred, unit-variance x (%s)", s.LR, english.Count(s.Epochs, "epoch")),
		},
		Gap: gapKVs(&t.Gap, &lrOut{LR: jsonFloat(t.LR), L: t.L, Bound: t.Bound, Cond: t.Cond}),
		Coefficients: []report.Coef{
			demoCoef("slope: textbook GD", t.Slope), demoCoef("slope: exact", out.Exact.Coef[0]),
			demoCoef("slope: GD on standardised x", s.Slope),
			demoCoef("intercept: textbook GD", t.Intercept), demoCoef("intercept: exact", out.Exact.Intercept),
			demoCoef("intercept: GD on standardised x", s.Intercept),
		},
		Notes: []string{
			fmt.Sprintf("The textbook run stops with status %s: after %d steps it is %.1f%% off in the coefficients.", t.Status, t.Epochs, 100*float64(t.Gap.CoefRel)),
			fmt.Sprintf("Why: the loss is a quadratic whose Hessian XᵀX/n has eigenvalues L = %.4g and μ = %.4g (condition number %.0f). Gradient descent is stable only below 2/L = %.3g, and along the flat direction each step removes only ημ = %.5f of the error: 1e-6 would take %.0f steps.",
				float64(t.L), float64(t.Mu), float64(t.Cond), float64(t.Bound), t.LR*float64(t.Mu), float64(t.StepsFor6)),
			fmt.Sprintf("Standardising x makes the Hessian the identity (condition number %.3g): the rate 1/L = 1 reaches the minimum in one step.", float64(s.Cond)),
		},
	}
	ex := out.Exact
	lines, err := report.LinesPlot(demoX, demoY, []report.Curve{
		{Label: fmt.Sprintf("textbook GD: %.4f·x + %.4f", t.Slope, t.Intercept), F: func(v float64) float64 { return t.Intercept + t.Slope*v }},
		{Label: fmt.Sprintf("exact least squares: %.4g·x + %.4g", ex.Coef[0], ex.Intercept), F: func(v float64) float64 { return ex.Intercept + ex.Coef[0]*v }, Dashed: true},
	}, "x", "y")
	if err != nil {
		return err
	}
	if err := h.AddFigure("The data with the fitted lines", fmt.Sprintf("The textbook's five points, the line its gradient descent stops at after %d epochs, and the exact least-squares line.", t.Epochs), report.Single(lines)); err != nil {
		return err
	}
	if err := h.AddFigure("Gradient descent over the loss contours", "Level sets of the loss over (slope, intercept) with the exact minimum; left on raw x, right on standardised x mapped back to the original scale.", fig); err != nil {
		return err
	}
	if lp, err := report.GapPlot(t.history.its, float64(traceOptimum(t.res.ExactObjective))); err == nil {
		if err := h.AddFigure("The textbook run's gap to the optimum", "f − f* per epoch on a log scale: a straight line is linear convergence, its slope the rate (1 − ημ per step).", report.Single(lp)); err != nil {
			return err
		}
	}
	return writeHTML(opts.Report, h)
}

func demoCoef(name string, v float64) report.Coef {
	nan := math.NaN()
	return report.Coef{Name: name, Estimate: v, StdErr: nan, T: nan, P: nan, Lo: nan, Hi: nan}
}
