package report

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/lsqgo/lsq"
)

// maxLinePoints bounds the points drawn per curve: longer traces are
// thinned to evenly spaced epochs (first and last kept), which keeps SVG
// and HTML output small without changing what the eye sees at 6 inches.
const maxLinePoints = 2000

// thin returns at most maxLinePoints of xys, evenly spaced by index, always
// keeping the first and the last.
func thin(xys plotter.XYs) plotter.XYs { return thinTo(xys, maxLinePoints) }

func thinTo(xys plotter.XYs, limit int) plotter.XYs {
	n := len(xys)
	if n <= limit {
		return xys
	}
	out := make(plotter.XYs, 0, limit)
	for k := range limit {
		i := int(math.Round(float64(k) * float64(n-1) / float64(limit-1)))
		out = append(out, xys[i])
	}
	return out
}

// maxScatterPoints bounds the markers of a scatter plot: 4000 markers
// already fill a 6-inch panel, and a million would make a 100 MB SVG.
const maxScatterPoints = 4000

// sample returns at most maxScatterPoints of pts, evenly spaced by index,
// plus the points holding the extremes of x and y so the axes keep the
// data's full range. For sorted data (a Q-Q plot) that keeps evenly spaced
// order statistics, the shape of the distribution.
func sample(pts plotter.XYs) plotter.XYs {
	if len(pts) <= maxScatterPoints {
		return pts
	}
	ext := [4]int{} // argmin x, argmax x, argmin y, argmax y
	for i, p := range pts {
		if p.X < pts[ext[0]].X {
			ext[0] = i
		}
		if p.X > pts[ext[1]].X {
			ext[1] = i
		}
		if p.Y < pts[ext[2]].Y {
			ext[2] = i
		}
		if p.Y > pts[ext[3]].Y {
			ext[3] = i
		}
	}
	out := thinTo(pts, maxScatterPoints-len(ext))
	for _, i := range ext {
		out = append(out, pts[i])
	}
	return out
}

// objectiveOf returns how to read the objective from the trace: the
// Objective field, or Loss for a solver that leaves Objective zero (or
// NaN) in every iteration, which an unpenalised fit may do.
func objectiveOf(trace []lsq.Iteration) func(lsq.Iteration) float64 {
	for _, it := range trace {
		if it.Objective != 0 && !math.IsNaN(it.Objective) {
			return func(it lsq.Iteration) float64 { return it.Objective }
		}
	}
	return func(it lsq.Iteration) float64 { return it.Loss }
}

// positive collects (epoch, v(it)) for the iterations where v is finite
// and positive, the values a log axis can show.
func positive(trace []lsq.Iteration, v func(lsq.Iteration) float64) plotter.XYs {
	var xys plotter.XYs
	for _, it := range trace {
		if y := v(it); finite(y) && y > 0 {
			xys = append(xys, plotter.XY{X: float64(it.Epoch), Y: y})
		}
	}
	return thin(xys)
}

// LossPlot draws a solver's trace per epoch on a log-scale y axis: the
// training objective (loss plus penalty, what the optimum refers to), the
// training loss when a penalty makes it differ, the validation loss when
// there is one, and the exact optimum f* of the objective as a dashed
// horizontal line (omitted when optimum is NaN or not positive, which a
// log axis cannot show).
//
// This view shows the level the loss settles at and where the validation
// loss parts from the training loss; it cannot show how close the
// objective got to f* once the two lines merge on the page: GapPlot shows
// that. Non-finite and non-positive values (a diverged epoch) are skipped.
// A trace whose Objective is zero or NaN throughout is read as unpenalised:
// its Loss is the objective (the same holds for GapPlot).
// It returns an error if no iteration has a finite positive objective.
func LossPlot(trace []lsq.Iteration, optimum float64) (*plot.Plot, error) {
	objective := objectiveOf(trace)
	obj := positive(trace, objective)
	if len(obj) == 0 {
		return nil, errors.New("report: loss plot: no epoch has a finite positive objective")
	}
	penalised := false
	for _, it := range trace {
		if it.Loss != objective(it) && finite(it.Loss) {
			penalised = true
			break
		}
	}
	p := newPlot("Training loss", "epoch", "loss")
	setLogY(p)

	l, err := line(obj, colour(0), 1.5, nil)
	if err != nil {
		return nil, err
	}
	p.Add(l)
	if penalised {
		p.Legend.Add("training objective", l)
		if xys := positive(trace, func(it lsq.Iteration) float64 { return it.Loss }); len(xys) > 0 {
			tl, err := line(xys, colour(0), 1, dotted())
			if err != nil {
				return nil, err
			}
			p.Add(tl)
			p.Legend.Add("training loss", tl)
		}
	} else {
		p.Legend.Add("training loss", l)
	}
	if xys := positive(trace, func(it lsq.Iteration) float64 { return it.ValLoss }); len(xys) > 0 {
		vl, err := line(xys, colour(1), 1.5, nil)
		if err != nil {
			return nil, err
		}
		p.Add(vl)
		p.Legend.Add("validation loss", vl)
	}
	if finite(optimum) && optimum > 0 {
		h := hline{Y: optimum, LineStyle: lineStyle(grey, 1, dashed())}
		p.Add(h)
		p.Legend.Add("exact optimum f* = "+fmtG(optimum), h)
	}
	return finish(p), nil
}

// epsilon is the float64 unit roundoff 2⁻⁵², the relative resolution of
// the objective near f*.
const epsilon = 0x1p-52

// GapPlot draws the excess objective f − f* per epoch on a log-scale y
// axis, f* being the exact optimum of the objective (from a direct solve).
// On this axis linear convergence is a straight line whose slope is the
// rate (for gradient descent on a quadratic, at best ((κ−1)/(κ+1))² per
// step; Nocedal & Wright 2006, §3.3), a stall is a flat line, and
// convergence to the rounding level ε·|f*| (dotted line, ε = 2⁻⁵², drawn
// when the gap comes within three decades of it) shows as the curve
// reaching the floor. Gaps at or below ε·|f*| are drawn on that
// floor: they are rounding noise, not progress.
//
// optimum must be finite. It returns an error if it is not or if no epoch
// has a finite objective.
func GapPlot(trace []lsq.Iteration, optimum float64) (*plot.Plot, error) {
	if !finite(optimum) {
		return nil, fmt.Errorf("report: gap plot: optimum %v is not finite", optimum)
	}
	objective := objectiveOf(trace)
	floor := epsilon * math.Abs(optimum)
	if floor == 0 {
		floor = math.Inf(1)
		for _, it := range trace {
			if g := objective(it) - optimum; finite(g) && g > 0 {
				floor = min(floor, g)
			}
		}
		if math.IsInf(floor, 1) {
			floor = math.SmallestNonzeroFloat64
		}
	}
	var xys plotter.XYs
	lowest := math.Inf(1)
	for _, it := range trace {
		if !finite(objective(it)) {
			continue
		}
		g := max(objective(it)-optimum, floor)
		lowest = min(lowest, g)
		xys = append(xys, plotter.XY{X: float64(it.Epoch), Y: g})
	}
	if len(xys) == 0 {
		return nil, errors.New("report: gap plot: no epoch has a finite objective")
	}
	p := newPlot("Gap to the exact optimum", "epoch", "f − f*")
	setLogY(p)
	l, err := line(thin(xys), colour(0), 1.5, nil)
	if err != nil {
		return nil, err
	}
	p.Add(l)
	p.Legend.Add("objective − optimum", l)
	// The rounding level is drawn only when the gap comes within three
	// decades of it; otherwise it would stretch the axis and flatten the
	// curve for a line nothing approaches.
	if optimum != 0 && lowest < 1e3*floor {
		h := hline{Y: floor, LineStyle: lineStyle(grey, 1, dotted())}
		p.Add(h)
		p.Legend.Add("rounding level ε·|f*|", h)
	}
	return finish(p), nil
}

// Trace collects a solver's iterations for LossPlot and GapPlot; it is an
// lsq.Recorder.
type Trace []lsq.Iteration

// Record appends it to the trace.
func (t *Trace) Record(it lsq.Iteration) error {
	*t = append(*t, it)
	return nil
}
