package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LossSurface is a straight-line fit ŷ = m·x + b seen as a surface over
// (m, b), with the paths iterative solvers took across it.
type LossSurface struct {
	Title string // panel title; empty for "Gradient descent on L(m, b)"

	// X and Y are the data; the loss is L(m, b) = (1/2n) Σ (yᵢ − m·xᵢ − b)².
	X, Y []float64

	// Paths are drawn in order, each in its own colour.
	Paths []Iterates

	// XLabel and YLabel name the axes; empty for "slope m" and
	// "intercept b".
	XLabel, YLabel string
}

// Iterates is one solver's path over (m, b).
type Iterates struct {
	// Label names the path in the legend; empty for "gradient descent".
	// The number of steps is appended.
	Label string
	// Slope and Intercept are the iterates (m_k, b_k), k = 0 the start.
	Slope, Intercept []float64
}

// quadratic is L(m, b) = ½·(θ−θ*)ᵀH(θ−θ*) + L* written out from the
// moments of the data.
type quadratic struct {
	sx, sy, sxx, sxy, syy float64 // means of x, y, x², xy, y²
	m, b, fmin            float64 // minimiser and minimum
}

func newQuadratic(x, y []float64) (quadratic, error) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("report: loss surface: %d x values, %d y values", len(x), len(y)))
	}
	if len(x) < 2 {
		return quadratic{}, fmt.Errorf("report: loss surface: %d points, need 2", len(x))
	}
	var q quadratic
	n := float64(len(x))
	for i := range x {
		if !finite(x[i]) || !finite(y[i]) {
			return quadratic{}, fmt.Errorf("report: loss surface: point %d is (%v, %v), not finite", i, x[i], y[i])
		}
		q.sx += x[i] / n
		q.sy += y[i] / n
		q.sxx += x[i] * x[i] / n
		q.sxy += x[i] * y[i] / n
		q.syy += y[i] * y[i] / n
	}
	// Centre before dividing so the slope does not lose digits to
	// cancellation in sxx − sx² when the mean of x is large.
	var cxx, cxy float64
	for i := range x {
		dx := x[i] - q.sx
		cxx += dx * dx
		cxy += dx * (y[i] - q.sy)
	}
	if cxx == 0 {
		return quadratic{}, fmt.Errorf("report: loss surface: all %d x values equal %v; the minimum is not unique", len(x), x[0])
	}
	q.m = cxy / cxx
	q.b = q.sy - q.m*q.sx
	var sse float64
	for i := range x {
		r := y[i] - q.m*x[i] - q.b
		sse += r * r
	}
	q.fmin = sse / (2 * n)
	return q, nil
}

// at evaluates L(m, b) = ½(syy − 2m·sxy − 2b·sy + m²·sxx + 2mb·sx + b²).
func (q quadratic) at(m, b float64) float64 {
	return 0.5 * (q.syy - 2*m*q.sxy - 2*b*q.sy + m*m*q.sxx + 2*m*b*q.sx + b*b)
}

// ellipse returns closed polyline through the level set L = L* + delta:
// (θ−θ*)ᵀH(θ−θ*) = 2·delta with H = [[sxx, sx], [sx, 1]], traced along the
// principal axes of H, whose half-lengths are √(2·delta/λᵢ).
func (q quadratic) ellipse(delta float64, pts int) plotter.XYs {
	a, c, off := q.sxx, 1.0, q.sx
	phi := 0.5 * math.Atan2(2*off, a-c) // rotation of H's first eigenvector
	cs, sn := math.Cos(phi), math.Sin(phi)
	l1 := a*cs*cs + 2*off*sn*cs + c*sn*sn
	l2 := a*sn*sn - 2*off*sn*cs + c*cs*cs
	r1, r2 := math.Sqrt(2*delta/l1), math.Sqrt(2*delta/l2)
	xys := make(plotter.XYs, pts+1)
	for k := range xys {
		t := 2 * math.Pi * float64(k%pts) / float64(pts)
		u, v := r1*math.Cos(t), r2*math.Sin(t)
		xys[k] = plotter.XY{X: q.m + cs*u - sn*v, Y: q.b + sn*u + cs*v}
	}
	return xys
}

// Contour drawing parameters: levels L* + Δ·3⁻ᵏ, k = 0..contourLevels−1,
// each ellipse 1/√3 the size of the one outside it, drawn with 256
// vertices (a segment every 1.4°, smooth at panel size).
const (
	contourLevels = 9
	contourRatio  = 3
	ellipsePoints = 256
)

// ContourPlot draws the level sets of the least-squares loss of a straight
// line over (slope, intercept) — exact ellipses from the Hessian of the
// quadratic — with the exact minimiser marked and the solver's path across
// them. The view holds the minimum and every iterate whose loss is no
// larger than at the start (a diverging path runs off the panel) with the
// same span on both axes, so the ellipses are not distorted much: the
// long thin valley of raw data and the round bowl of standardised data
// look as different as they are.
//
// It returns an error if the data have fewer than two points, are not
// finite or have constant x, and panics if the slices of a pair differ in
// length.
func ContourPlot(s LossSurface) (*plot.Plot, error) {
	q, err := newQuadratic(s.X, s.Y)
	if err != nil {
		return nil, err
	}
	paths := finitePaths(s.Paths)
	v := viewOf(q, paths)
	p := newPlot(s.labels())
	v.apply(p)
	if err := addLevelSets(p, q, v); err != nil {
		return nil, err
	}
	if err := addPaths(p, s.Paths, paths); err != nil {
		return nil, err
	}
	addMinimum(p, q)
	// The axes must stay where the view put them, not grow to the
	// outermost ellipse.
	v.apply(p)
	return finish(p), nil
}

// labels returns the panel's title and axis labels, the defaults for those
// left empty.
func (s LossSurface) labels() (title, x, y string) {
	title, x, y = s.Title, s.XLabel, s.YLabel
	if title == "" {
		title = "Gradient descent on L(m, b)"
	}
	if x == "" {
		x = "slope m"
	}
	if y == "" {
		y = "intercept b"
	}
	return title, x, y
}

// finitePaths returns each path's iterates (m_k, b_k) up to its first
// non-finite one: a diverging path stops where it overflows, with nothing
// to draw beyond. It panics if a path's slices differ in length.
func finitePaths(its []Iterates) []plotter.XYs {
	paths := make([]plotter.XYs, len(its))
	for i, it := range its {
		if len(it.Slope) != len(it.Intercept) {
			panic(fmt.Sprintf("report: contour plot: path %d has %d slopes, %d intercepts", i, len(it.Slope), len(it.Intercept)))
		}
		for k := range it.Slope {
			m, b := it.Slope[k], it.Intercept[k]
			if !finite(m) || !finite(b) {
				break
			}
			paths[i] = append(paths[i], plotter.XY{X: m, Y: b})
		}
	}
	return paths
}

// view is the rectangle of (m, b) a contour plot shows.
type view struct{ xmin, xmax, ymin, ymax float64 }

// viewOf returns the view around the minimum and each path's iterates
// that are no worse than its start (the iterates of a diverging path
// beyond that would shrink everything else to a dot). With span the larger
// side of their bounding box (1 if it is a point), the view is a square of
// side 1.6 spans about its centre: 15% margin each side and another 30% on
// top for the legend, matched on x to keep the spans of the axes equal.
func viewOf(q quadratic, paths []plotter.XYs) view {
	xmin, xmax, ymin, ymax := q.m, q.m, q.b, q.b
	for _, path := range paths {
		for _, pt := range path {
			if q.at(pt.X, pt.Y) <= q.at(path[0].X, path[0].Y) {
				xmin, xmax = min(xmin, pt.X), max(xmax, pt.X)
				ymin, ymax = min(ymin, pt.Y), max(ymax, pt.Y)
			}
		}
	}
	span := max(xmax-xmin, ymax-ymin)
	if span == 0 {
		span = 1
	}
	cx, cy := (xmin+xmax)/2, (ymin+ymax)/2
	return view{xmin: cx - 0.8*span, xmax: cx + 0.8*span, ymin: cy - 0.65*span, ymax: cy + 0.95*span}
}

// apply sets p's axes to the view.
func (v view) apply(p *plot.Plot) {
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = v.xmin, v.xmax, v.ymin, v.ymax
}

// addLevelSets draws the level sets L* + Δ·3⁻ᵏ, k = 0..contourLevels−1,
// in light grey, the outermost through the view's farthest corner so that
// the ellipses fill the panel.
func addLevelSets(p *plot.Plot, q quadratic, v view) error {
	var delta float64
	for _, c := range [][2]float64{{v.xmin, v.ymin}, {v.xmin, v.ymax}, {v.xmax, v.ymin}, {v.xmax, v.ymax}} {
		delta = max(delta, q.at(c[0], c[1])-q.fmin)
	}
	for k := range contourLevels {
		d := delta * math.Pow(contourRatio, -float64(k))
		l, err := line(q.ellipse(d, ellipsePoints), lightGrey, 0.75, nil)
		if err != nil {
			return err
		}
		p.Add(l)
		if k == 0 {
			p.Legend.Add("level sets of L", l)
		}
	}
	return nil
}

// addPaths draws the finite paths, each in its own colour, with its label
// in the legend. They are stacked with the first on top, later ones dashed,
// so a path that another retraces stays visible; each ends in a triangle in
// its colour, all start at grey squares, drawn under every path.
func addPaths(p *plot.Plot, its []Iterates, paths []plotter.XYs) error {
	var layers []plot.Plotter
	var starts []*plotter.Scatter
	for i, path := range paths {
		if len(path) == 0 {
			continue
		}
		l, end, group, err := pathPlotters(i, path)
		if err != nil {
			return err
		}
		layers = append(group, layers...)
		p.Legend.Add(pathLabel(its[i]), l, end)
		starts = append(starts, marker(path[0].X, path[0].Y, grey, 4, draw.BoxGlyph{}))
	}
	for _, st := range starts {
		p.Add(st)
	}
	p.Add(layers...)
	if len(starts) > 0 {
		p.Legend.Add("start", starts[0])
	}
	return nil
}

// pathPlotters returns what draws path i: its line (thinned, dashed after
// the first path), the triangle at its end and, when few enough points are
// shown to tell apart, a dot at each; group holds them all.
func pathPlotters(i int, path plotter.XYs) (l *plotter.Line, end *plotter.Scatter, group []plot.Plotter, err error) {
	c := colour(i)
	var dash []vg.Length
	if i > 0 {
		dash = dashed()
	}
	shown := thin(path)
	if l, err = line(shown, c, 1.25, dash); err != nil {
		return nil, nil, nil, err
	}
	end = marker(path[len(path)-1].X, path[len(path)-1].Y, c, 4, draw.TriangleGlyph{})
	group = []plot.Plotter{l, end}
	if len(shown) <= 60 {
		dots, err := scatter(shown, c, 1.5)
		if err != nil {
			return nil, nil, nil, err
		}
		group = append(group, dots)
	}
	return l, end, group, nil
}

// pathLabel is a path's legend entry: its label ("gradient descent" when
// empty) and the number of steps it took, counted over all its iterates,
// drawn or not.
func pathLabel(it Iterates) string {
	label := it.Label
	if label == "" {
		label = "gradient descent"
	}
	return fmt.Sprintf("%s, %d steps", label, len(it.Slope)-1)
}

// addMinimum marks the exact minimiser (m*, b*) with a black dot, its
// coordinates in the legend.
func addMinimum(p *plot.Plot, q quadratic) {
	star := marker(q.m, q.b, color.Black, 3.5, draw.CircleGlyph{})
	p.Add(star)
	p.Legend.Add(fmt.Sprintf("exact minimum (%s, %s)", fmtG(q.m), fmtG(q.b)), star)
}

// Demo panel size: square, so equal data spans look nearly equal.
const demoPanel = 5 * vg.Inch

// DemoFigure puts loss surfaces side by side in one row of square panels:
// typically gradient descent on the raw textbook data (a long, thin
// valley: slow or zig-zag progress) and on standardised data (a round
// bowl: straight to the minimum). It panics if there is no panel.
func DemoFigure(panels ...LossSurface) (*Figure, error) {
	if len(panels) == 0 {
		panic("report: DemoFigure needs a panel")
	}
	plots := make([]*plot.Plot, len(panels))
	for i, s := range panels {
		var err error
		if plots[i], err = ContourPlot(s); err != nil {
			return nil, err
		}
	}
	f := Grid(len(plots), plots...)
	f.PanelWidth, f.PanelHeight = demoPanel, demoPanel
	return f, nil
}
