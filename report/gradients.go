package report

import (
	"errors"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// GradientNormPlot draws, for each layer of a network, the norm of the
// loss's gradient with respect to its weights against the epoch, on a log
// scale: lines that fan out downward toward the input layer are vanishing
// gradients, upward exploding ones (Glorot & Bengio 2010, fig. 7). norms[e][l]
// is layer l's norm after epoch e+1; values that are not positive and
// finite are left out. It returns an error when there is nothing to draw.
func GradientNormPlot(norms [][]float64) (*plot.Plot, error) {
	if len(norms) == 0 || len(norms[0]) == 0 {
		return nil, errors.New("report: gradient plot: no epochs")
	}
	pl := newPlot("Gradient norm per layer", "epoch", "‖∂loss/∂W‖")
	setLogY(pl)
	layers := len(norms[0])
	drawn := 0
	for l := range layers {
		var pts plotter.XYs
		for e, row := range norms {
			if l < len(row) && finite(row[l]) && row[l] > 0 {
				pts = append(pts, plotter.XY{X: float64(e + 1), Y: row[l]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		ln, err := line(pts, colour(l), 1.5, dashesFor(l))
		if err != nil {
			return nil, err
		}
		pl.Add(ln)
		name := fmt.Sprintf("layer %d", l+1)
		if l == layers-1 {
			name += " (output)"
		}
		pl.Legend.Add(name, ln)
		drawn++
	}
	if drawn == 0 {
		return nil, errors.New("report: gradient plot: no positive, finite norm to draw")
	}
	return finish(pl), nil
}
