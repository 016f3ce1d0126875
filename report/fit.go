package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/lsqgo/lsq"
)

// curveSamples is how finely FitPlot samples the fitted function: 512
// points across the data's range put a vertex every 0.2% of the axis, well
// below a pixel at the default size, so curves look smooth.
const curveSamples = 512

// xys pairs two slices into points, rejecting NaN and ±Inf. It panics if
// the lengths differ.
func xys(what string, x, y []float64) (plotter.XYs, error) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("report: %s: %d x values, %d y values", what, len(x), len(y)))
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("report: %s: no data", what)
	}
	pts := make(plotter.XYs, len(x))
	for i := range x {
		if !finite(x[i]) || !finite(y[i]) {
			return nil, fmt.Errorf("report: %s: point %d is (%v, %v), not finite", what, i, x[i], y[i])
		}
		pts[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	return pts, nil
}

// shownNote says how many of n points a scatter plot shows, when not all.
func shownNote(shown, n int) string {
	if shown >= n {
		return ""
	}
	return fmt.Sprintf(", %d shown", shown)
}

// FitPlot draws the data (x, y) as points and the fitted model f as a
// curve sampled at 512 points across the range of x: a straight line for
// a one-feature linear model (pass func(x) float64 { return b + m*x }), any
// curve for a nonlinear one. f may be nil to draw the data alone; points
// where f is not finite are left out of the curve. xName and yName label
// the axes. Of more than 4000 points, 4000 evenly spaced by index and
// those at the extremes are drawn, and the legend says so. It returns an
// error for empty or non-finite data and panics if len(x) != len(y).
func FitPlot(x, y []float64, f func(float64) float64, xName, yName string) (*plot.Plot, error) {
	return FitBandPlot(x, y, f, Band{}, xName, yName)
}

// FitBandPlot is FitPlot with band shaded under the points and the curve
// across the range of x; a Band with nil Func draws none. Samples of the
// band that are not finite are skipped.
func FitBandPlot(x, y []float64, f func(float64) float64, band Band, xName, yName string) (*plot.Plot, error) {
	data, err := xys("fit plot", x, y)
	if err != nil {
		return nil, err
	}
	p := newPlot("Data and fitted model", xName, yName)
	var poly *plotter.Polygon
	if lo, hi := slices.Min(x), slices.Max(x); band.Func != nil && lo < hi {
		if poly, err = band.polygon(lo, hi); err != nil {
			return nil, err
		}
		if poly != nil {
			p.Add(poly)
		}
	}
	p.Legend.Top = true
	p.Legend.Left = true
	shown := sample(data)
	s, err := scatter(shown, colour(0), 3)
	if err != nil {
		return nil, err
	}
	p.Add(s)
	p.Legend.Add(fmt.Sprintf("data (n = %d%s)", len(x), shownNote(len(shown), len(data))), s)
	if f != nil {
		lo, hi := slices.Min(x), slices.Max(x)
		var curve plotter.XYs
		for k := range curveSamples {
			xk := lo + (hi-lo)*float64(k)/(curveSamples-1)
			if yk := f(xk); finite(yk) {
				curve = append(curve, plotter.XY{X: xk, Y: yk})
			}
		}
		if len(curve) > 0 {
			l, err := line(curve, colour(1), 2, nil)
			if err != nil {
				return nil, err
			}
			p.Add(l)
			p.Legend.Add("fitted model", l)
		}
	}
	if poly != nil && band.Label != "" {
		p.Legend.Add(band.Label, poly)
	}
	margin(p)
	return finish(p), nil
}

// Band is a shaded interval around a fitted curve: a confidence or
// prediction band, say. Func returns the interval at x; samples where it
// is not finite are skipped. Label names it in the legend.
type Band struct {
	Func  func(x float64) (lo, hi float64)
	Label string
}

// polygon samples the band like FitPlot's curve over [xmin, xmax] and
// returns it as a translucent polygon, or nil when no sample is finite.
func (b Band) polygon(xmin, xmax float64) (*plotter.Polygon, error) {
	var upper, lower plotter.XYs
	for k := range curveSamples {
		x := xmin + (xmax-xmin)*float64(k)/(curveSamples-1)
		lo, hi := b.Func(x)
		if finite(lo) && finite(hi) {
			upper = append(upper, plotter.XY{X: x, Y: hi})
			lower = append(lower, plotter.XY{X: x, Y: lo})
		}
	}
	if len(upper) == 0 {
		return nil, nil
	}
	slices.Reverse(lower)
	poly, err := plotter.NewPolygon(append(upper, lower...))
	if err != nil {
		return nil, err
	}
	c := palette[1]
	poly.Color = color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0x40} // 25% opaque
	poly.LineStyle.Width = 0
	return poly, nil
}

// ResidualPlot draws residuals against fitted values with a dashed line at
// zero: a shapeless band around the line is what a well-specified model
// leaves; a curve suggests a missing term, a funnel non-constant variance.
// Large data are thinned as in FitPlot. It returns an error for empty or non-finite data and panics if the
// lengths differ.
func ResidualPlot(fitted, resid []float64) (*plot.Plot, error) {
	data, err := xys("residual plot", fitted, resid)
	if err != nil {
		return nil, err
	}
	p := newPlot("Residuals against fitted values", "fitted value", "residual")
	shown := sample(data)
	s, err := scatter(shown, colour(0), 2.5)
	if err != nil {
		return nil, err
	}
	p.Add(s, hline{Y: 0, LineStyle: lineStyle(grey, 1, dashed())})
	if len(shown) < len(data) {
		p.Legend.Add(fmt.Sprintf("n = %d%s", len(data), shownNote(len(shown), len(data))), s)
	}
	margin(p)
	return finish(p), nil
}

// normalScores returns the expected positions of n sorted standard normal
// draws used by R's qqnorm: Φ⁻¹((i − a)/(n + 1 − 2a)), i = 1..n, with
// a = 3/8 for n ≤ 10 and 1/2 otherwise (R's ppoints; Blom 1958).
func normalScores(n int) []float64 {
	a := 0.5
	if n <= 10 {
		a = 3.0 / 8
	}
	q := make([]float64, n)
	for i := range q {
		q[i] = distuv.UnitNormal.Quantile((float64(i+1) - a) / (float64(n) + 1 - 2*a))
	}
	return q
}

// quantile7 is the sample quantile of sorted s at probability p by linear
// interpolation between order statistics, R's default (Hyndman & Fan 1996,
// type 7).
func quantile7(s []float64, p float64) float64 {
	h := float64(len(s)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (h-lo)*(s[i+1]-s[i])
}

// qqLine returns the intercept and slope of the line through the first and
// third quartiles of the sorted residuals against those of the standard
// normal, R's qqline.
func qqLine(sorted []float64) (intercept, slope float64) {
	x1, x2 := distuv.UnitNormal.Quantile(0.25), distuv.UnitNormal.Quantile(0.75)
	y1, y2 := quantile7(sorted, 0.25), quantile7(sorted, 0.75)
	slope = (y2 - y1) / (x2 - x1)
	return y1 - slope*x1, slope
}

// QQPlot draws a normal quantile–quantile plot of the residuals: the
// sorted residuals against the normal scores of normalScores (R's qqnorm),
// with the line through the quartiles (R's qqline). Normal residuals lie
// along the line; S-shapes show heavy or light tails, curvature skew. Of
// more than 4000 residuals, 4000 evenly spaced order statistics and the
// extremes are drawn. It returns an error if resid is empty or not finite.
func QQPlot(resid []float64) (*plot.Plot, error) {
	if len(resid) == 0 {
		return nil, errors.New("report: Q-Q plot: no residuals")
	}
	s := slices.Clone(resid)
	for i, r := range s {
		if !finite(r) {
			return nil, fmt.Errorf("report: Q-Q plot: residual %d is %v", i, r)
		}
	}
	slices.Sort(s)
	q := normalScores(len(s))
	data, err := xys("Q-Q plot", q, s)
	if err != nil {
		return nil, err
	}
	p := newPlot("Normal Q-Q plot of residuals", "normal quantile", "residual quantile")
	p.Legend.Left = true
	shown := sample(data)
	sc, err := scatter(shown, colour(0), 2.5)
	if err != nil {
		return nil, err
	}
	p.Add(sc)
	if len(shown) < len(data) {
		p.Legend.Add(fmt.Sprintf("n = %d%s", len(data), shownNote(len(shown), len(data))), sc)
	}
	if len(s) >= 2 {
		b, m := qqLine(s)
		ends := plotter.XYs{{X: q[0], Y: b + m*q[0]}, {X: q[len(q)-1], Y: b + m*q[len(q)-1]}}
		l, err := line(ends, grey, 1, dashed())
		if err != nil {
			return nil, err
		}
		p.Add(l)
		p.Legend.Add("line through the quartiles", l)
	}
	margin(p)
	return finish(p), nil
}

// FitData is what the fit command knows after a fit, as plain values.
type FitData struct {
	// Trace is the solver's per-epoch record; empty for direct solvers.
	Trace []lsq.Iteration
	// Optimum is the exact minimum of the objective, NaN when unknown.
	Optimum float64

	// X is the single feature when the model has one, nil otherwise;
	// Curve is the fitted model as a function of it (nil to skip).
	X     []float64
	Curve func(float64) float64
	// Band, when its Func is not nil, is shaded around Curve.
	Band Band
	// Reference, when its F is not nil, is drawn over the data beside
	// Curve: for an iterative fit, the exact least-squares line it is
	// measured against.
	Reference Curve
	// XName and YName label the data panel.
	XName, YName string

	// Y and Fitted are the observed and predicted targets; the residuals
	// are Y − Fitted.
	Y, Fitted []float64
	// Leverage, when not nil, adds the residuals-against-leverage panel
	// with Cook's distance contours (linear least-squares fits).
	Leverage *Leverage
}

// FitFigure composes the fit command's figure in two columns: the data
// with the fitted model and the Reference line (when X is given), the loss curve and the gap to
// the optimum (when there is a trace; the gap needs a finite Optimum), the
// residuals against fitted values and their normal Q-Q plot, and the
// residuals against leverage when Leverage is given. It returns
// the first error of the panels and panics if Y and Fitted (or X) differ
// in length.
func FitFigure(d FitData) (*Figure, error) {
	var panels []*plot.Plot
	add := func(p *plot.Plot, err error) error {
		if err == nil {
			panels = append(panels, p)
		}
		return err
	}
	if d.X != nil {
		p, err := FitBandPlot(d.X, d.Y, d.Curve, d.Band, d.XName, d.YName)
		if err == nil && d.Reference.F != nil && len(d.X) > 0 {
			err = addCurve(p, d.Reference, 2, slices.Min(d.X), slices.Max(d.X))
		}
		if err := add(p, err); err != nil {
			return nil, err
		}
	}
	if len(d.Trace) > 0 {
		if err := add(LossPlot(d.Trace, d.Optimum)); err != nil {
			return nil, err
		}
		if finite(d.Optimum) {
			if err := add(GapPlot(d.Trace, d.Optimum)); err != nil {
				return nil, err
			}
		}
	}
	if len(d.Y) != len(d.Fitted) {
		panic(fmt.Sprintf("report: FitFigure: %d targets, %d fitted values", len(d.Y), len(d.Fitted)))
	}
	resid := make([]float64, len(d.Y))
	for i := range resid {
		resid[i] = d.Y[i] - d.Fitted[i]
	}
	if err := add(ResidualPlot(d.Fitted, resid)); err != nil {
		return nil, err
	}
	if err := add(QQPlot(resid)); err != nil {
		return nil, err
	}
	if d.Leverage != nil {
		if err := add(LeveragePlot(*d.Leverage)); err != nil {
			return nil, err
		}
	}
	return Grid(2, panels...), nil
}
