package report

import (
	"math"
	"testing"
)

// leverageFixture is R's hatvalues and rstandard of lm(y ~ x) for
// x = 1, 2, 3, 4, 5, 12 and y = 1.1, 1.9, 3.2, 3.9, 5.1, 9: the last
// point has leverage 0.89 and Cook's distance 15.5, beyond both contours.
func leverageFixture() Leverage {
	return Leverage{
		Hat:      []float64{0.3247311827956989, 0.24731182795698942, 0.19569892473118289, 0.16989247311827962, 0.1698924731182796, 0.8924731182795701},
		StdResid: []float64{-1.0915938477600879, -0.82359172749754472, 0.48686365495777528, 0.46688934540736771, 1.5177333373232633, -1.9312587271539601},
		P:        2,
	}
}

// TestCookContour: every point of a contour has Cook's distance
// r²h/(P(1 − h)) equal to its level (to rounding, 1e-14 relative), and
// the contours stop short of leverage 1.
func TestCookContour(t *testing.T) {
	for _, d := range cookLevels {
		for _, hmax := range []float64{0.3, 0.89, 1} {
			pts := cookContour(d, 3, hmax)
			if len(pts) == 0 {
				t.Fatalf("D = %g, hmax %g: no points", d, hmax)
			}
			for _, pt := range pts {
				if pt.X >= 1 || pt.X > hmax {
					t.Errorf("D = %g: point at leverage %g (max %g)", d, pt.X, hmax)
				}
				if got := pt.Y * pt.Y * pt.X / (3 * (1 - pt.X)); math.Abs(got-d) > 1e-14*d {
					t.Errorf("D = %g: point (%g, %g) has Cook's distance %g", d, pt.X, pt.Y, got)
				}
			}
		}
	}
}

// TestLeverageSkipsNaN: rows without diagnostics (weight 0) are left out;
// none at all is an error.
func TestLeverageSkipsNaN(t *testing.T) {
	l := leverageFixture()
	l.Hat[0], l.StdResid[0] = math.NaN(), math.NaN()
	if _, err := LeveragePlot(l); err != nil {
		t.Errorf("one NaN row: %v", err)
	}
	nan := math.NaN()
	if _, err := LeveragePlot(Leverage{Hat: []float64{nan}, StdResid: []float64{nan}, P: 1}); err == nil {
		t.Error("no finite row: no error")
	}
}
