package report

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Path is a regularisation path as plain values.
type Path struct {
	// Alphas are the penalty strengths, all > 0, in any order.
	Alphas []float64
	// Coef[k][j] is coefficient j at Alphas[k] (original scale).
	Coef [][]float64
	// Features names the coefficients in order; missing or empty names
	// are shown as x1, x2, ...
	Features []string
	// Chosen is the selected α, marked by a vertical line; NaN or 0 for
	// none.
	Chosen float64
}

// PathPlot draws each coefficient against α on a log axis, one coloured
// line per feature named in the legend, with the chosen α as a dashed
// vertical line and zero as a thin horizontal one. The axis runs with α
// decreasing to the right, the order glmnet computes a path in, so the
// model grows more complex left to right. With more than 10 features the
// legend names the 10 largest in magnitude at the smallest α and counts
// the rest. It returns an error if an α is
// not positive and finite, or the path is empty, and panics if a row of
// Coef has the wrong length.
func PathPlot(path Path) (*plot.Plot, error) {
	if len(path.Alphas) == 0 {
		return nil, errors.New("report: path plot: empty path")
	}
	if len(path.Coef) != len(path.Alphas) {
		panic(fmt.Sprintf("report: path plot: %d alphas, %d coefficient rows", len(path.Alphas), len(path.Coef)))
	}
	p := len(path.Coef[0])
	for k, a := range path.Alphas {
		if !finite(a) || a <= 0 {
			return nil, fmt.Errorf("report: path plot: alpha %d is %v, want > 0", k, a)
		}
		if len(path.Coef[k]) != p {
			panic(fmt.Sprintf("report: path plot: row %d has %d coefficients, want %d", k, len(path.Coef[k]), p))
		}
	}
	pl := newPlot("Coefficient path", "α", "coefficient")
	setLogX(pl)
	pl.X.Scale = plot.InvertedScale{Normalizer: plot.LogScale{}}
	pl.Legend.Left = true // large α, all coefficients near zero: left is clear
	pl.Add(hline{Y: 0, LineStyle: lineStyle(lightGrey, 0.75, nil)})
	named := legendFeatures(path)
	for j := range p {
		var pts plotter.XYs
		for k, a := range path.Alphas {
			if c := path.Coef[k][j]; finite(c) {
				pts = append(pts, plotter.XY{X: a, Y: c})
			}
		}
		if len(pts) == 0 {
			continue
		}
		l, err := line(pts, colour(j), 1.5, dashesFor(j))
		if err != nil {
			return nil, err
		}
		pl.Add(l)
		name := fmt.Sprintf("x%d", j+1)
		if j < len(path.Features) && path.Features[j] != "" {
			name = path.Features[j]
		}
		if named[j] {
			pl.Legend.Add(name, l)
		}
	}
	if n := p - len(named); n > 0 {
		pl.Legend.Add(fmt.Sprintf("and %d more features", n))
	}
	if finite(path.Chosen) && path.Chosen > 0 {
		v := vline{X: path.Chosen, LineStyle: lineStyle(grey, 1, dashed())}
		pl.Add(v)
		pl.Legend.Add("chosen α = "+fmtG(path.Chosen), v)
	}
	return finish(pl), nil
}

// maxPathLegend is the most features PathPlot names in its legend; more
// entries would cover the plot.
const maxPathLegend = 10

// legendFeatures returns the features PathPlot names: all of them when
// there are at most maxPathLegend, otherwise those largest in magnitude at
// the smallest α (ties to the lower index).
func legendFeatures(path Path) map[int]bool {
	p := len(path.Coef[0])
	named := make(map[int]bool, min(p, maxPathLegend))
	if p <= maxPathLegend {
		for j := range p {
			named[j] = true
		}
		return named
	}
	last := 0
	for k, a := range path.Alphas {
		if a < path.Alphas[last] {
			last = k
		}
	}
	size := func(j int) float64 {
		if c := path.Coef[last][j]; finite(c) {
			return math.Abs(c)
		}
		return -1
	}
	order := make([]int, p)
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(a, b int) bool { return size(order[a]) > size(order[b]) })
	for _, j := range order[:maxPathLegend] {
		named[j] = true
	}
	return named
}

// dashesFor returns solid lines for the first palette cycle and dashed
// ones after, so more than eight features stay distinguishable.
func dashesFor(j int) []vg.Length {
	if j/len(palette)%2 == 1 {
		return []vg.Length{vg.Points(4), vg.Points(2)}
	}
	return nil
}

// CV is a k-fold cross-validation curve as plain values.
type CV struct {
	// Alphas are the penalty strengths (> 0); Mean and SE are the mean
	// validation error over folds and its standard error at each.
	Alphas, Mean, SE []float64
	// AlphaMin minimises Mean; Alpha1SE is the largest α whose Mean is
	// within one SE of that minimum (Hastie, Tibshirani & Friedman 2009,
	// §7.10). NaN or 0 omits a line.
	AlphaMin, Alpha1SE float64
	// Metric names the error, for the y axis ("mean squared error" if
	// empty).
	Metric string
}

// yErr adapts CV points to gonum's YErrorer.
type yErr struct {
	plotter.XYs
	se []float64
}

func (e yErr) YError(i int) (float64, float64) { return e.se[i], e.se[i] }

// CVPlot draws the cross-validation error against α on a log axis (α
// decreasing to the right, as in PathPlot) with ±1 standard-error bars,
// and vertical lines at α_min (solid) and α_1se (dashed). It returns an
// error for empty or non-finite input or a non-positive α, and panics if
// the slices differ in length.
func CVPlot(cv CV) (*plot.Plot, error) {
	if len(cv.Alphas) != len(cv.Mean) || len(cv.Alphas) != len(cv.SE) {
		panic(fmt.Sprintf("report: CV plot: %d alphas, %d means, %d standard errors", len(cv.Alphas), len(cv.Mean), len(cv.SE)))
	}
	pts, err := xys("CV plot", cv.Alphas, cv.Mean)
	if err != nil {
		return nil, err
	}
	for k, a := range cv.Alphas {
		if a <= 0 {
			return nil, fmt.Errorf("report: CV plot: alpha %d is %v, want > 0", k, a)
		}
		if !finite(cv.SE[k]) || cv.SE[k] < 0 {
			return nil, fmt.Errorf("report: CV plot: standard error %d is %v", k, cv.SE[k])
		}
	}
	metric := cv.Metric
	if metric == "" {
		metric = "mean squared error"
	}
	p := newPlot("Cross-validation", "α", metric)
	setLogX(p)
	p.X.Scale = plot.InvertedScale{Normalizer: plot.LogScale{}}
	p.Legend.Top, p.Legend.Left = false, true // below the U's left arm
	bars, err := plotter.NewYErrorBars(yErr{pts, cv.SE})
	if err != nil {
		return nil, err
	}
	bars.LineStyle = lineStyle(grey, 1, nil)
	bars.CapWidth = vg.Points(4)
	l, err := line(pts, colour(1), 1.5, nil)
	if err != nil {
		return nil, err
	}
	s, err := scatter(pts, colour(1), 2.5)
	if err != nil {
		return nil, err
	}
	p.Add(bars, l, s)
	// Room below the lowest error bar for the legend: the bottom corners of
	// the U are where it fits, and this keeps them clear of the bars.
	lo, hi := math.Inf(1), math.Inf(-1)
	for k := range cv.Mean {
		lo, hi = min(lo, cv.Mean[k]-cv.SE[k]), max(hi, cv.Mean[k]+cv.SE[k])
	}
	p.Y.Min = lo - 0.25*(hi-lo)
	p.Legend.Add("mean ± 1 SE over folds", l, s)
	if finite(cv.AlphaMin) && cv.AlphaMin > 0 {
		v := vline{X: cv.AlphaMin, LineStyle: lineStyle(colour(0), 1.25, nil)}
		p.Add(v)
		p.Legend.Add("α_min = "+fmtG(cv.AlphaMin), v)
	}
	if finite(cv.Alpha1SE) && cv.Alpha1SE > 0 {
		v := vline{X: cv.Alpha1SE, LineStyle: lineStyle(colour(2), 1.25, dashed())}
		p.Add(v)
		p.Legend.Add("α_1se = "+fmtG(cv.Alpha1SE), v)
	}
	return finish(p), nil
}
