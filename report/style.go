package report

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// palette is the Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008,
// "Color Universal Design"), with black before yellow, which is faint on
// white; it is indexed, never modified.
var palette = [...]color.RGBA{
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x00, 0x00, 0x00, 0xff}, // black
	{0xF0, 0xE4, 0x42, 0xff}, // yellow
}

// colour returns the i-th series colour, cycling through the palette.
func colour(i int) color.Color { return palette[i%len(palette)] }

var (
	grey      = color.RGBA{0x77, 0x77, 0x77, 0xff}
	lightGrey = color.RGBA{0xbb, 0xbb, 0xbb, 0xff}
)

// dash patterns for reference lines.
func dashed() []vg.Length { return []vg.Length{vg.Points(6), vg.Points(3)} }
func dotted() []vg.Length { return []vg.Length{vg.Points(2), vg.Points(2)} }

// newPlot returns a plot with the package's common look: title, axis
// labels, a light grid and the legend in the top-right corner.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Title.Padding = vg.Points(6)
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.ThumbnailWidth = vg.Points(20)
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{}
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{0xe4}
	g.Horizontal.Color = color.Gray{0xe4}
	p.Add(g)
	return p
}

// finish adds the last layer of every plot: a translucent white backdrop
// under the legend, so legend text stays legible where it crosses data.
func finish(p *plot.Plot) *plot.Plot {
	p.Add(legendBackdrop{})
	return p
}

// legendBackdrop fills the area the plot's legend will be drawn in (the
// legend is drawn after all plotters) with 85%-opaque white.
type legendBackdrop struct{}

func (legendBackdrop) Plot(c draw.Canvas, p *plot.Plot) {
	size := p.Legend.Rectangle(c).Size()
	if size.X == 0 {
		return
	}
	const m = 3 // points of margin around the legend
	margin := vg.Points(m)
	descent := p.Legend.TextStyle.FontExtents().Descent
	var r vg.Rectangle
	if p.Legend.Left {
		r.Min.X, r.Max.X = c.Min.X, c.Min.X+size.X+2*margin
	} else {
		r.Min.X, r.Max.X = c.Max.X-size.X-2*margin, c.Max.X+margin
	}
	if p.Legend.Top {
		r.Min.Y, r.Max.Y = c.Max.Y-size.Y-descent-2*margin, c.Max.Y+margin
	} else {
		r.Min.Y, r.Max.Y = c.Min.Y, c.Min.Y+size.Y+descent+2*margin
	}
	c.SetColor(color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xd9})
	c.Fill(r.Path())
}

// margin widens both linear axes of p by 4% of their range on each side,
// so markers at the extremes of the data do not sit on the axes.
func margin(p *plot.Plot) {
	const f = 0.04
	dx, dy := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min
	p.X.Min, p.X.Max = p.X.Min-f*dx, p.X.Max+f*dx
	p.Y.Min, p.Y.Max = p.Y.Min-f*dy, p.Y.Max+f*dy
}

// setLogX and setLogY put an axis on a log scale with readable ticks.
//
// Log axes get short labels: gonum places the label's glyph box at the
// arithmetic mean of the axis range, which on a log axis lies near the far
// end, so a long label would shrink the data area for nothing.
func setLogX(p *plot.Plot) { p.X.Scale = plot.LogScale{}; p.X.Tick.Marker = logTicks{} }
func setLogY(p *plot.Plot) { p.Y.Scale = plot.LogScale{}; p.Y.Tick.Marker = logTicks{} }

// logTicks marks each power of ten and labels them; when the axis spans
// fewer than three decades it also labels 2× and 5×, and when it spans less
// than one decade it labels every integer multiple, so a narrow log axis
// still has numbers on it. Labels use the shortest exact form (%g-like).
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > 0) || hi < lo {
		return nil
	}
	decades := math.Log10(hi / lo)
	labelled := func(m int) bool {
		switch {
		case decades < 1:
			return true
		case decades < 3:
			return m == 1 || m == 2 || m == 5
		default:
			return m == 1
		}
	}
	step := 1 // label every step-th power of ten on very wide axes
	if decades > 10 {
		step = int(math.Ceil(decades / 8))
	}
	var ticks []plot.Tick
	e0 := int(math.Floor(math.Log10(lo)))
	e1 := int(math.Ceil(math.Log10(hi)))
	for e := e0; e <= e1; e++ {
		base := math.Pow(10, float64(e))
		for m := 1; m <= 9; m++ {
			v := float64(m) * base
			if v < lo*(1-1e-12) || v > hi*(1+1e-12) {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled(m) && (m != 1 || step == 1 || e%step == 0) {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			if step > 1 && m != 1 {
				continue // minor ticks would crowd a wide axis
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// niceTicks labels a linear axis at three to eight round values, multiples
// of 1, 2 or 5 times a power of ten (Heckbert, "Nice numbers for graph
// labels", Graphics Gems 1990), with unlabelled minor ticks between.
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !finite(lo) || !finite(hi) || hi < lo {
		return nil
	}
	// A range at the rounding level of its values (hi − lo within a few ulps,
	// e.g. 3 and 3.0000000000000004) is one value: stepping through it would
	// count with integers k near 1e18, where k++ no longer changes k.
	if hi-lo <= 1e-12*math.Max(math.Abs(lo), math.Abs(hi)) {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}
	// The smallest step of 1, 2 or 5 times a power of ten that cuts the
	// range into at most maxIntervals pieces.
	const maxIntervals = 7
	mag := math.Pow(10, math.Floor(math.Log10((hi-lo)/maxIntervals)))
	var step, minor float64
	for _, m := range [...]struct{ step, minor float64 }{{1, 0.2}, {2, 0.5}, {5, 1}, {10, 2}} {
		step, minor = m.step*mag, m.minor*mag
		if (hi-lo)/step <= maxIntervals*(1+1e-9) {
			break
		}
	}
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	perMajor := int(math.Round(step / minor))
	var ticks []plot.Tick
	// At most maxIntervals majors of perMajor minors each (plus the ends);
	// the bound also guards the loop against any arithmetic surprise.
	limit := (maxIntervals+2)*perMajor + 2
	for k := math.Ceil(lo/minor - 1e-9); k*minor <= hi+1e-9*minor && len(ticks) < limit; k++ {
		v := k * minor
		t := plot.Tick{Value: v}
		if int64(math.Round(k))%int64(perMajor) == 0 {
			if v == 0 || math.Abs(v) < 1e-9*step {
				v, t.Value = 0, 0
			}
			if math.Abs(v) >= 1e6 || step < 1e-4 {
				t.Label = strconv.FormatFloat(v, 'g', 4, 64)
			} else {
				t.Label = strconv.FormatFloat(v, 'f', decimals, 64)
			}
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// vline is a vertical reference line at X across the whole data area.
type vline struct {
	X float64
	draw.LineStyle
}

func (l vline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(l.X)
	c.StrokeLine2(l.LineStyle, x, c.Min.Y, x, c.Max.Y)
}

// DataRange makes the axis include the line; the empty y range leaves the
// y axis to the data.
func (l vline) DataRange() (xmin, xmax, ymin, ymax float64) {
	return l.X, l.X, math.Inf(1), math.Inf(-1)
}

func (l vline) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(l.LineStyle, x, c.Min.Y, x, c.Max.Y)
}

// hline is a horizontal reference line at Y across the whole data area.
type hline struct {
	Y float64
	draw.LineStyle
}

func (l hline) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(l.Y)
	c.StrokeLine2(l.LineStyle, c.Min.X, y, c.Max.X, y)
}

func (l hline) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), l.Y, l.Y
}

func (l hline) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	c.StrokeLine2(l.LineStyle, c.Min.X, y, c.Max.X, y)
}

func lineStyle(c color.Color, width float64, dashes []vg.Length) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: vg.Points(width), Dashes: dashes}
}

// line returns a solid line through the points.
func line(xys plotter.XYs, c color.Color, width float64, dashes []vg.Length) (*plotter.Line, error) {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, err
	}
	l.LineStyle = lineStyle(c, width, dashes)
	return l, nil
}

// scatter returns filled-circle markers at the points.
func scatter(xys plotter.XYs, c color.Color, radius float64) (*plotter.Scatter, error) {
	s, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(radius), Shape: draw.CircleGlyph{}}
	return s, nil
}

// marker returns one glyph at (x, y).
func marker(x, y float64, c color.Color, radius float64, shape draw.GlyphDrawer) *plotter.Scatter {
	s, err := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
	if err != nil {
		panic(err) // callers check finiteness first
	}
	s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(radius), Shape: shape}
	return s
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// fmtG formats a number in 4 significant digits for legends.
func fmtG(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
