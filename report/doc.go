// Package report draws lsq's pictures and writes its HTML report.
//
// Every plot function takes plain values — slices, lsq.Iteration traces and
// the small structs defined here (Path, CV, LRFind, LossSurface, FitData) —
// and returns a *plot.Plot from gonum.org/v1/plot, so callers can restyle
// it. A Figure lays one or more plots out in a grid and writes them as PNG
// or SVG (FormatOf picks the format from a file name's extension); the same
// input gives the same bytes. HTML writes one self-contained page: inline
// SVG figures, inline CSS, no script, no URL.
//
// The plots:
//
//	LossPlot      training objective, training and validation loss per epoch,
//	              log scale, with the exact optimum f* as a dashed line
//	GapPlot       f − f* per epoch, log scale: the convergence rate as a slope
//	FitPlot       data and the fitted line or curve
//	ResidualPlot  residuals against fitted values
//	QQPlot        normal Q-Q plot of residuals (R's qqnorm and qqline)
//	PathPlot      coefficients against log α, the chosen α marked
//	CVPlot        cross-validation error ±1 SE, α_min and α_1se marked
//	LRPlot        loss against learning rate, the suggestion and 2/L marked
//	ContourPlot   level sets of a straight-line fit's loss over (m, b) with
//	              solver paths; DemoFigure puts several side by side
//	FitFigure     the fit command's composite of the above
//
// Why two loss plots. With the optimum drawn as a line on a log axis, a
// converging loss merges with the line within a few epochs and whether it
// got to 10⁻³ or 10⁻¹² of f* is invisible; the excess f − f* on a log axis
// shows exactly that, and linear convergence as a straight line whose slope
// is the rate. But f − f* has no meaning for a validation loss (the
// validation loss at the training optimum is not f*), so LossPlot keeps the
// loss itself, with the validation loss and the line, and GapPlot shows the
// gap; FitFigure uses both when the optimum is known.
package report // import "github.com/lsqgo/lsq/report"
