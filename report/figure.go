package report

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is an image format a Figure can be written in.
type Format int

const (
	PNG Format = iota + 1 // raster, 96 dots per inch
	SVG                   // vector, fonts referenced by name, not embedded
)

// String returns the format's usual file extension without the dot.
func (f Format) String() string {
	switch f {
	case PNG:
		return "png"
	case SVG:
		return "svg"
	}
	return fmt.Sprintf("format(%d)", int(f))
}

// FormatOf returns the image format named by the extension of a file name,
// case-insensitively: ".png" or ".svg". Any other extension is an error
// that names it.
func FormatOf(name string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".png":
		return PNG, nil
	case ".svg":
		return SVG, nil
	}
	if ext == "" {
		return 0, fmt.Errorf("report: %q has no extension; use .png or .svg", name)
	}
	return 0, fmt.Errorf("report: unsupported plot format %q in %q; use .png or .svg", ext, name)
}

// Default panel size: 6 × 4 inches, 576 × 384 pixels in PNG.
const (
	DefaultPanelWidth  = 6 * vg.Inch
	DefaultPanelHeight = 4 * vg.Inch
)

// Figure is one or more plots laid out in a grid of equally sized panels,
// ready to be written as PNG or SVG. A nil panel leaves its cell empty.
//
// The data areas of panels in the same column share their left and right
// edges, and those in the same row their top and bottom edges (gonum's
// plot.Align), so stacked panels line up.
type Figure struct {
	Panels [][]*plot.Plot // rows of panels, all rows the same length

	// PanelWidth and PanelHeight are the size of one cell; zero means
	// DefaultPanelWidth and DefaultPanelHeight.
	PanelWidth, PanelHeight vg.Length
}

// Single returns a one-panel figure holding p.
func Single(p *plot.Plot) *Figure {
	return &Figure{Panels: [][]*plot.Plot{{p}}}
}

// Grid lays plots out row by row in the given number of columns, skipping
// nil plots, so a caller can build a list of optional panels and drop the
// ones it does not have.
func Grid(cols int, plots ...*plot.Plot) *Figure {
	if cols < 1 {
		panic("report: Grid needs at least one column")
	}
	var kept []*plot.Plot
	for _, p := range plots {
		if p != nil {
			kept = append(kept, p)
		}
	}
	if len(kept) < cols {
		cols = max(len(kept), 1)
	}
	f := &Figure{}
	for i := 0; i < len(kept); i += cols {
		row := make([]*plot.Plot, cols)
		copy(row, kept[i:min(i+cols, len(kept))])
		f.Panels = append(f.Panels, row)
	}
	return f
}

func (f *Figure) dims() (rows, cols int) {
	rows = len(f.Panels)
	if rows == 0 {
		panic("report: empty Figure")
	}
	cols = len(f.Panels[0])
	for i, r := range f.Panels {
		if len(r) != cols {
			panic(fmt.Sprintf("report: Figure row %d has %d panels, row 0 has %d", i, len(r), cols))
		}
	}
	if cols == 0 {
		panic("report: Figure row with no panels")
	}
	return rows, cols
}

// Size returns the width and height of the whole figure.
func (f *Figure) Size() (w, h vg.Length) {
	rows, cols := f.dims()
	pw, ph := f.PanelWidth, f.PanelHeight
	if pw == 0 {
		pw = DefaultPanelWidth
	}
	if ph == 0 {
		ph = DefaultPanelHeight
	}
	return vg.Length(cols) * pw, vg.Length(rows) * ph
}

// Draw draws the figure onto c.
func (f *Figure) Draw(c draw.Canvas) {
	rows, cols := f.dims()
	if rows == 1 && cols == 1 {
		if p := f.Panels[0][0]; p != nil {
			p.Draw(c)
		}
		return
	}
	pad := vg.Points(6)
	tiles := draw.Tiles{
		Rows: rows, Cols: cols,
		PadX: 3 * pad, PadY: 3 * pad,
		PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad,
	}
	cs := plot.Align(f.Panels, tiles, c)
	for i, row := range f.Panels {
		for j, p := range row {
			if p != nil {
				p.Draw(cs[i][j])
			}
		}
	}
}

// Write renders the figure in the given format to w. The output depends
// only on the figure: the same plots give the same bytes.
func (f *Figure) Write(w io.Writer, format Format) error {
	width, height := f.Size()
	var c vg.CanvasWriterTo
	switch format {
	case PNG:
		c = vgimg.PngCanvas{Canvas: vgimg.New(width, height)}
	case SVG:
		c = vgsvg.New(width, height)
	default:
		panic(fmt.Sprintf("report: unknown %v", format))
	}
	f.Draw(draw.New(c))
	_, err := c.WriteTo(w)
	return err
}

// WriteFile is Write with the format taken from the extension of name
// (see FormatOf); it writes to w, not to the file, so the caller decides
// how the file is created (atomically, say).
func (f *Figure) WriteFile(w io.Writer, name string) error {
	format, err := FormatOf(name)
	if err != nil {
		return err
	}
	return f.Write(w, format)
}

// inlineSVG renders the figure as an SVG element fit for embedding in an
// HTML document: without the XML prolog, the generator comment and the
// namespace declarations (HTML parsers put <svg> in the SVG namespace by
// themselves), so the report holds no URL at all.
func (f *Figure) inlineSVG() (string, error) {
	var buf bytes.Buffer
	if err := f.Write(&buf, SVG); err != nil {
		return "", err
	}
	s := buf.String()
	i := strings.Index(s, "<svg")
	if i < 0 {
		return "", fmt.Errorf("report: SVG output has no <svg> element")
	}
	s = s[i:]
	for _, ns := range []string{
		`xmlns="http://www.w3.org/2000/svg"`,
		`xmlns:xlink="http://www.w3.org/1999/xlink"`,
	} {
		s = strings.Replace(s, ns, "", 1)
	}
	return strings.TrimSpace(s), nil
}
