package report

import (
	"bytes"
	"math"
	"testing"
)

// TestGradientNormPlot: the y axis covers every drawable norm, the output
// layer is named, and there is an error when nothing can be drawn.
func TestGradientNormPlot(t *testing.T) {
	norms := [][]float64{{1e-7, 1e-3, 0.5}, {2e-7, math.NaN(), 0.4}, {3e-7, 2e-3, 0}}
	p, err := GradientNormPlot(norms)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Single(p).Write(&b, SVG); err != nil || !bytes.Contains(b.Bytes(), []byte("layer 3 (output)")) {
		t.Errorf("SVG without the output layer's legend entry (error %v)", err)
	}
	if p.Y.Min > 1e-7 || p.Y.Max < 0.5 {
		t.Errorf("y range [%g, %g] does not cover the norms", p.Y.Min, p.Y.Max)
	}
	if _, err := GradientNormPlot([][]float64{{0, math.Inf(1)}}); err == nil {
		t.Error("no drawable norm: want an error")
	}
	if _, err := GradientNormPlot(nil); err == nil {
		t.Error("no epochs: want an error")
	}
}
