package report

import (
	"errors"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// LRFind is a learning-rate range test as plain values.
type LRFind struct {
	// Rates are the learning rates tried (> 0) and Losses the loss
	// reached at each; non-finite losses (divergence) are not drawn.
	Rates, Losses []float64
	// Suggested is the rate the test recommends; TwoOverL is 2/L, L the
	// largest eigenvalue of the loss's Hessian: full-batch gradient descent
	// on a quadratic diverges above it (Nocedal & Wright 2006, §3.3).
	// NaN or 0 omits a line.
	Suggested, TwoOverL float64
}

// lrClip bounds the y axis of LRPlot at this multiple of the first loss:
// the range test drives the rate until the loss explodes, and an axis
// stretched to the explosion would flatten the useful part of the curve.
const lrClip = 10

// LRPlot draws loss against learning rate on log–log axes with the
// suggested rate (solid) and 2/L (dashed) as vertical lines. The y axis is
// cut at 10 times the first loss so a final blow-up does not flatten the
// curve. It returns an error when no point has a finite positive rate and
// loss, and panics if the slices differ in length.
func LRPlot(r LRFind) (*plot.Plot, error) {
	if len(r.Rates) != len(r.Losses) {
		panic(fmt.Sprintf("report: LR plot: %d rates, %d losses", len(r.Rates), len(r.Losses)))
	}
	var pts plotter.XYs
	for i, lr := range r.Rates {
		if l := r.Losses[i]; finite(lr) && lr > 0 && finite(l) && l > 0 {
			pts = append(pts, plotter.XY{X: lr, Y: l})
		}
	}
	if len(pts) == 0 {
		return nil, errors.New("report: LR plot: no finite positive (rate, loss) point")
	}
	p := newPlot("Learning-rate range test", "learning rate", "loss")
	setLogX(p)
	setLogY(p)
	p.Legend.Top, p.Legend.Left = false, true // tiny rates make no progress: bottom left is clear
	l, err := line(pts, colour(0), 1.5, nil)
	if err != nil {
		return nil, err
	}
	p.Add(l)
	p.Legend.Add("loss", l)
	if finite(r.Suggested) && r.Suggested > 0 {
		v := vline{X: r.Suggested, LineStyle: lineStyle(colour(2), 1.25, nil)}
		p.Add(v)
		p.Legend.Add("suggested rate = "+fmtG(r.Suggested), v)
	}
	if finite(r.TwoOverL) && r.TwoOverL > 0 {
		v := vline{X: r.TwoOverL, LineStyle: lineStyle(colour(1), 1.25, dashed())}
		p.Add(v)
		p.Legend.Add("2/L = "+fmtG(r.TwoOverL), v)
	}
	if top := lrClip * pts[0].Y; p.Y.Max > top {
		p.Y.Max = top
	}
	return finish(p), nil
}
