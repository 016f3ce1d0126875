package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Leverage is what the residuals-against-leverage panel draws: for each
// observation its leverage (hat value) hᵢ and standardised residual, and
// P, the rank of the design (intercept included), which fixes Cook's
// distance Dᵢ = rᵢ²hᵢ/(P(1 − hᵢ)) of a point (hᵢ, rᵢ). Rows without
// diagnostics (weight 0) carry NaN and are left out.
type Leverage struct {
	Hat, StdResid []float64
	P             int
}

// cookLevels are the contours of Cook's distance R's plot.lm draws.
var cookLevels = []float64{0.5, 1}

// LeveragePlot draws standardised residuals against leverage with the
// contours of Cook's distance 0.5 and 1, r = ±√(D·P·(1 − h)/h), as R's
// plot.lm (which = 5) does: points beyond the contours move the fit most.
// Large data are thinned as in FitPlot. It returns an error when no
// observation has finite diagnostics, and panics if the lengths differ.
func LeveragePlot(l Leverage) (*plot.Plot, error) {
	if len(l.Hat) != len(l.StdResid) {
		panic(fmt.Sprintf("report: LeveragePlot: %d hat values, %d residuals", len(l.Hat), len(l.StdResid)))
	}
	var h, r []float64
	for i := range l.Hat {
		if finite(l.Hat[i]) && finite(l.StdResid[i]) {
			h, r = append(h, l.Hat[i]), append(r, l.StdResid[i])
		}
	}
	data, err := xys("leverage plot", h, r)
	if err != nil {
		return nil, err
	}
	p := newPlot("Residuals against leverage", "leverage", "standardised residual")
	// The contours rise where leverage is large, top and bottom right; the
	// legend goes bottom left, as R's plot.lm puts it.
	p.Legend.Top, p.Legend.Left = false, true
	shown := sample(data)
	s, err := scatter(shown, colour(0), 2.5)
	if err != nil {
		return nil, err
	}
	p.Add(s, hline{Y: 0, LineStyle: lineStyle(grey, 1, dashed())})
	if len(shown) < len(data) {
		p.Legend.Add(fmt.Sprintf("n = %d%s", len(data), shownNote(len(shown), len(data))), s)
	}
	hmax := 0.0
	for _, v := range h {
		hmax = math.Max(hmax, v)
	}
	// The data range decides the axes; the contours are drawn within it.
	margin(p)
	ymin, ymax := p.Y.Min, p.Y.Max
	for k, d := range cookLevels {
		var up, down plotter.XYs
		for _, pt := range cookContour(d, l.P, hmax) {
			if pt.Y <= ymax {
				up = append(up, pt)
			}
			if -pt.Y >= ymin {
				down = append(down, plotter.XY{X: pt.X, Y: -pt.Y})
			}
		}
		dash := dashed()
		if k > 0 {
			dash = dotted()
		}
		label := fmt.Sprintf("Cook's distance %g", d)
		first := true
		for _, pts := range []plotter.XYs{up, down} {
			if len(pts) < 2 {
				continue
			}
			ln, err := line(pts, colour(1), 1, dash)
			if err != nil {
				return nil, err
			}
			p.Add(ln)
			if first {
				p.Legend.Add(label, ln)
				first = false
			}
		}
	}
	p.Y.Min, p.Y.Max = ymin, ymax
	return finish(p), nil
}

// cookContour samples the upper branch of the contour of Cook's distance
// d, r = √(d·p·(1 − h)/h), at 512 leverages in (0, hmax] below 1.
func cookContour(d float64, p int, hmax float64) plotter.XYs {
	var pts plotter.XYs
	for i := 1; i <= curveSamples; i++ {
		h := hmax * float64(i) / curveSamples
		if h >= 1 {
			break
		}
		pts = append(pts, plotter.XY{X: h, Y: math.Sqrt(d * float64(p) * (1 - h) / h)})
	}
	return pts
}
