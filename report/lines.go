package report

import (
	"fmt"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Curve is one fitted function of a LinesPlot: ŷ = F(x), named in the
// legend by Label, drawn dashed when Dashed (to tell apart lines that may
// lie on top of each other).
type Curve struct {
	Label  string
	F      func(x float64) float64
	Dashed bool
}

// LinesPlot draws the data (x, y) as points and several fitted curves over
// the range of x, each in its own colour: the most basic picture of a fit,
// such as the textbook's gradient-descent line beside the exact
// least-squares line. Curves are sampled at 512 points like FitPlot's;
// samples where a curve is not finite are skipped. It returns an error for
// empty or non-finite data or a curve with a nil F, and panics if
// len(x) != len(y).
func LinesPlot(x, y []float64, curves []Curve, xName, yName string) (*plot.Plot, error) {
	data, err := xys("lines plot", x, y)
	if err != nil {
		return nil, err
	}
	p := newPlot("Data and fitted lines", xName, yName)
	p.Legend.Top = true
	p.Legend.Left = true
	shown := sample(data)
	s, err := scatter(shown, grey, 3)
	if err != nil {
		return nil, err
	}
	p.Add(s)
	p.Legend.Add(fmt.Sprintf("data (n = %d%s)", len(x), shownNote(len(shown), len(data))), s)
	lo, hi := slices.Min(x), slices.Max(x)
	for i, c := range curves {
		if c.F == nil {
			return nil, fmt.Errorf("report: lines plot: curve %d (%q) has no function", i, c.Label)
		}
		if err := addCurve(p, c, i, lo, hi); err != nil {
			return nil, err
		}
	}
	margin(p)
	return finish(p), nil
}

// addCurve samples c over [lo, hi] and adds it to p in colour i.
func addCurve(p *plot.Plot, c Curve, i int, lo, hi float64) error {
	var pts plotter.XYs
	for k := range curveSamples {
		xk := lo + (hi-lo)*float64(k)/(curveSamples-1)
		if yk := c.F(xk); finite(yk) {
			pts = append(pts, plotter.XY{X: xk, Y: yk})
		}
	}
	if len(pts) == 0 {
		return nil
	}
	var dash []vg.Length
	if c.Dashed {
		dash = dashed()
	}
	l, err := line(pts, colour(i), 2, dash)
	if err != nil {
		return err
	}
	p.Add(l)
	p.Legend.Add(c.Label, l)
	return nil
}
