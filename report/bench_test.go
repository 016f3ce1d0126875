package report

import (
	"io"
	"testing"
)

// BenchmarkFigure measures rendering the fit command's composite figure
// and the demo figure in both formats.
func BenchmarkFigure(b *testing.B) {
	fit, err := FitFigure(fitFixture())
	if err != nil {
		b.Fatal(err)
	}
	demo, err := DemoFigure(cliDemoSurfaces())
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		fig  *Figure
	}{{"fit", fit}, {"demo", demo}} {
		for _, format := range []Format{PNG, SVG} {
			b.Run(c.name+"/"+format.String(), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := c.fig.Write(io.Discard, format); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkHTML measures writing the demo report, figures included.
func BenchmarkHTML(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := demoReport(b).Write(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
