package report

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/report")

// goldenDir holds the golden images, shared with the rest of the module's
// test data.
var goldenDir = filepath.Join("..", "testdata", "report")

// curveData is a saturating-growth data set for the nonlinear fit panel:
// y = 10·(1 − e^(−0.3x)) plus a fixed ±0.2 zig-zag.
func curveData() (x, y []float64, f func(float64) float64) {
	f = func(v float64) float64 { return 10 * (1 - math.Exp(-0.3*v)) }
	for i := 1; i <= 12; i++ {
		v := float64(i)
		x = append(x, v)
		y = append(y, f(v)+0.2*float64(1-2*(i%2)))
	}
	return x, y, f
}

// figures are the cases rendered to golden images and SVG.
var figures = []struct {
	name  string
	make  func() (*Figure, error)
	texts []string // strings the SVG must contain: titles, labels, legend entries
}{
	{"loss", func() (*Figure, error) {
		d := fitFixture()
		return single(LossPlot(d.Trace, d.Optimum))
	}, []string{"Training loss", "epoch", "validation loss", "exact optimum f* ="}},
	{"gap", func() (*Figure, error) {
		// Standardised textbook data at rate 0.3: the gap shrinks by
		// 0.7² per step and reaches the rounding level within 60 steps.
		_, _, trace := gd(standardise(textbookX), textbookY, demoStdLR, 60, [2][]float64{})
		return single(GapPlot(trace, textbookLoss))
	}, []string{"Gap to the exact optimum", "objective − optimum", "rounding level"}},
	{"fit", func() (*Figure, error) {
		return single(FitPlot(textbookX, textbookY, func(x float64) float64 { return textbookB + textbookM*x }, "x", "y"))
	}, []string{"Data and fitted model", "data (n = 5)", "fitted model"}},
	{"lines", func() (*Figure, error) {
		return single(LinesPlot(textbookX, textbookY, textbookLines(), "x", "y"))
	}, []string{"Data and fitted lines", "data (n = 5)", "textbook GD, 1000 steps", "exact least squares"}},
	{"curve", func() (*Figure, error) {
		x, y, f := curveData()
		return single(FitPlot(x, y, f, "time", "growth"))
	}, []string{"time", "growth", "data (n = 12)"}},
	{"band", func() (*Figure, error) {
		x, y, f := curveData()
		// A band widening from ±0.3 to ±0.9 across the range: shape only.
		band := func(v float64) (float64, float64) { w := 0.3 + 0.6*(v-1)/11; return f(v) - w, f(v) + w }
		return single(FitBandPlot(x, y, f, Band{Func: band, Label: "95% confidence band"}, "time", "growth"))
	}, []string{"95% confidence band", "fitted model"}},
	{"residuals", func() (*Figure, error) {
		return single(ResidualPlot(textbookFitted(), textbookResid()))
	}, []string{"Residuals against fitted values", "fitted value", "residual"}},
	{"qq", func() (*Figure, error) {
		d := fitFixture()
		r := make([]float64, len(d.Y))
		for i := range r {
			r[i] = d.Y[i] - d.Fitted[i]
		}
		return single(QQPlot(r))
	}, []string{"Normal Q-Q plot of residuals", "normal quantile", "line through the quartiles"}},
	{"path", func() (*Figure, error) { return single(PathPlot(ridgePath())) },
		[]string{"Coefficient path", "age", "income", "tenure", "chosen α = 0.1"}},
	{"cv", func() (*Figure, error) { return single(CVPlot(cvCurve())) },
		[]string{"Cross-validation", "α_min = 0.1", "α_1se = ", "mean squared error"}},
	{"lrfind", func() (*Figure, error) { return single(LRPlot(lrRange())) },
		[]string{"Learning-rate range test", "suggested rate", "2/L = 0.169"}},
	{"demo", func() (*Figure, error) { return DemoFigure(demoSurfaces()) },
		[]string{"Raw x: a long, thin valley", "Standardised x: a round bowl", "exact minimum (0.6, 2.2)", "level sets of L", "rate 0.15, 60 steps"}},
	{"demo_cli", func() (*Figure, error) { return DemoFigure(cliDemoSurfaces()) },
		[]string{"Raw x", "Standardised x", "rate 0.01, 1000 steps", "rate 1/L, 2000 steps", "rate 1/L, 3 steps", "exact minimum (0.8485, 4)"}},
	{"leverage", func() (*Figure, error) { return single(LeveragePlot(leverageFixture())) },
		[]string{"Residuals against leverage", "leverage", "standardised residual", "Cook's distance 0.5", "Cook's distance 1"}},
	{"fitfigure", func() (*Figure, error) { return FitFigure(fitFixture()) },
		[]string{"Data and fitted model", "Training loss", "Gap to the exact optimum", "Residuals against fitted values", "Normal Q-Q plot of residuals"}},
}

func single(p *plot.Plot, err error) (*Figure, error) {
	if err != nil {
		return nil, err
	}
	return Single(p), nil
}

func textbookFitted() []float64 {
	f := make([]float64, len(textbookX))
	for i, x := range textbookX {
		f[i] = textbookB + textbookM*x
	}
	return f
}

func textbookResid() []float64 {
	r := make([]float64, len(textbookX))
	for i, f := range textbookFitted() {
		r[i] = textbookY[i] - f
	}
	return r
}

func render(t *testing.T, f *Figure, format Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Write(&buf, format); err != nil {
		t.Fatalf("Write(%v): %v", format, err)
	}
	return buf.Bytes()
}

// Golden comparison tolerances. Rasterising the same vector drawing with a
// different Go release or CPU (FMA contraction on arm64, say) moves
// anti-aliased edges by a fraction of a pixel, which changes the grey level
// of edge pixels by a few steps and rarely the whole pixel. A pixel counts
// as different when a channel differs by more than 64 of 255 (a quarter of
// the range: ignores anti-aliasing shifts, catches any real stroke or
// glyph), and the images match when at most 0.05% of the pixels differ:
// about 110 pixels of a 576×384 panel, less than one changed legend word
// (a 10-point word covers 300–600 pixels) or a 1.5-point line moved by a
// pixel over a tenth of the plot width.
const (
	channelTol  = 64
	fractionTol = 0.0005
)

// diffFraction returns the fraction of pixels of a and b that differ by
// more than channelTol in some channel; images of different sizes differ
// entirely.
func diffFraction(a, b image.Image) float64 {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 1
	}
	ra, rb := a.Bounds(), b.Bounds()
	var n int
	for y := 0; y < ra.Dy(); y++ {
		for x := 0; x < ra.Dx(); x++ {
			r1, g1, b1, a1 := a.At(ra.Min.X+x, ra.Min.Y+y).RGBA()
			r2, g2, b2, a2 := b.At(rb.Min.X+x, rb.Min.Y+y).RGBA()
			for _, d := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
				if absDiff(d[0]>>8, d[1]>>8) > channelTol {
					n++
					break
				}
			}
		}
	}
	return float64(n) / float64(ra.Dx()*ra.Dy())
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// colours counts the distinct colours of an image, up to limit.
func colours(img image.Image, limit int) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

func TestGoldenPNG(t *testing.T) {
	for _, c := range figures {
		t.Run(c.name, func(t *testing.T) {
			f, err := c.make()
			if err != nil {
				t.Fatal(err)
			}
			got := render(t, f, PNG)
			img, err := png.Decode(bytes.NewReader(got))
			if err != nil {
				t.Fatalf("output is not a PNG: %v", err)
			}
			// vgimg draws at 96 dots per inch, 72 points per inch.
			w, h := f.Size()
			wantW, wantH := int(math.Round(w.Points()*96/72)), int(math.Round(h.Points()*96/72))
			if sz := img.Bounds().Size(); sz.X != wantW || sz.Y != wantH {
				t.Errorf("size %v, want %dx%d", sz, wantW, wantH)
			}
			// A plot has a white background, black text and coloured data.
			if n := colours(img, 3); n < 3 {
				t.Errorf("image has %d colours, looks blank", n)
			}
			path := filepath.Join(goldenDir, c.name+"_golden.png")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenPNG -update to create it)", err)
			}
			want, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if d := diffFraction(img, want); d > fractionTol {
				bad := filepath.Join(t.TempDir(), c.name+".png")
				os.WriteFile(bad, got, 0o644)
				t.Errorf("%.3f%% of pixels differ from %s (tolerance %.3f%%); got image in %s",
					100*d, path, 100*fractionTol, bad)
			}
		})
	}
}

// TestDiffFractionDetects checks that the golden comparison is not too
// lax: drawing the loss plot without its optimum line, a small change,
// must exceed the tolerance, while the identical image passes.
func TestDiffFractionDetects(t *testing.T) {
	d := fitFixture()
	with, err := LossPlot(d.Trace, d.Optimum)
	if err != nil {
		t.Fatal(err)
	}
	without, err := LossPlot(d.Trace, math.NaN())
	if err != nil {
		t.Fatal(err)
	}
	decode := func(p *plot.Plot) image.Image {
		img, err := png.Decode(bytes.NewReader(render(t, Single(p), PNG)))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	a, b := decode(with), decode(without)
	if f := diffFraction(a, a); f != 0 {
		t.Errorf("image differs from itself: %v", f)
	}
	f := diffFraction(a, b)
	t.Logf("dropping the optimum line changes %.3f%% of pixels", 100*f)
	if f <= fractionTol {
		t.Errorf("dropping the optimum line changed %.4f%% of pixels, within tolerance %.4f%%", 100*f, 100*fractionTol)
	}
}

func TestDeterministic(t *testing.T) {
	for _, c := range figures {
		for _, format := range []Format{PNG, SVG} {
			f1, err := c.make()
			if err != nil {
				t.Fatal(err)
			}
			f2, _ := c.make()
			if !bytes.Equal(render(t, f1, format), render(t, f2, format)) {
				t.Errorf("%s.%v: two renderings of the same input differ", c.name, format)
			}
		}
	}
}

// svgCounts parses an SVG document strictly and counts its elements by
// name, collecting the text of <text> elements.
func svgCounts(t *testing.T, doc []byte) (counts map[string]int, texts []string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	counts = map[string]int{}
	var inText bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			counts[tok.Name.Local]++
			inText = tok.Name.Local == "text"
			if tok.Name.Local == "svg" && tok.Name.Space != "" && tok.Name.Space != "http://www.w3.org/2000/svg" {
				t.Errorf("svg element in namespace %q", tok.Name.Space)
			}
		case xml.CharData:
			if inText {
				texts = append(texts, string(tok))
			}
		case xml.EndElement:
			inText = false
		}
	}
	return counts, texts
}

func TestSVG(t *testing.T) {
	for _, c := range figures {
		t.Run(c.name, func(t *testing.T) {
			f, err := c.make()
			if err != nil {
				t.Fatal(err)
			}
			doc := render(t, f, SVG)
			counts, texts := svgCounts(t, doc)
			if counts["svg"] != 1 {
				t.Errorf("%d <svg> elements, want 1", counts["svg"])
			}
			// Every panel has at least its axes, grid and data as paths.
			if counts["path"] < 10 {
				t.Errorf("%d <path> elements, want at least 10", counts["path"])
			}
			if counts["image"] != 0 {
				t.Errorf("%d embedded raster <image> elements, want none", counts["image"])
			}
			all := strings.Join(texts, "\n")
			for _, want := range c.texts {
				if !strings.Contains(all, want) {
					t.Errorf("no text %q in the SVG; texts are:\n%s", want, all)
				}
			}
		})
	}
}

func TestFormatOf(t *testing.T) {
	for _, c := range []struct {
		name string
		want Format
		err  bool
	}{
		{"out.png", PNG, false},
		{"dir.v2/OUT.PNG", PNG, false},
		{"plot.svg", SVG, false},
		{"plot.Svg", SVG, false},
		{"plot.pdf", 0, true},
		{"plot", 0, true},
		{"plot.png.txt", 0, true},
	} {
		got, err := FormatOf(c.name)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("FormatOf(%q) = %v, %v; want %v, error %v", c.name, got, err, c.want, c.err)
		}
	}
}

func TestWriteFile(t *testing.T) {
	f, err := single(FitPlot(textbookX, textbookY, nil, "x", "y"))
	if err != nil {
		t.Fatal(err)
	}
	var png, svg bytes.Buffer
	if err := f.WriteFile(&png, "a.png"); err != nil {
		t.Fatal(err)
	}
	if err := f.WriteFile(&svg, "a.svg"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png.Bytes(), []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("a.png output does not start with the PNG signature")
	}
	if !bytes.Contains(svg.Bytes(), []byte("<svg")) {
		t.Errorf("a.svg output has no <svg")
	}
	if err := f.WriteFile(io.Discard, "a.gif"); err == nil || !strings.Contains(err.Error(), ".gif") {
		t.Errorf("WriteFile(a.gif) error = %v, want one naming .gif", err)
	}
}

func ExampleFormatOf() {
	for _, name := range []string{"loss.png", "loss.SVG", "loss.jpg"} {
		f, err := FormatOf(name)
		fmt.Println(f, err)
	}
	// Output:
	// png <nil>
	// svg <nil>
	// format(0) report: unsupported plot format ".jpg" in "loss.jpg"; use .png or .svg
}
