package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
)

// KV is one row of a key/value table.
type KV struct {
	Key, Value string
}

// Coef is one row of the coefficient summary. A NaN field leaves its cell
// empty, and a column that is NaN in every row is left out, so a report
// for a solver without inference shows names and estimates only.
type Coef struct {
	Name     string
	Estimate float64
	StdErr   float64
	T        float64 // t statistic
	P        float64 // two-sided p-value
	Lo, Hi   float64 // confidence interval
}

// HTML builds a self-contained HTML report of one run: the plots are
// inline SVG, the style is inline CSS, and nothing refers to anything
// outside the file — no URL, no script, no web font — so it reads the same
// offline, attached to a mail or years later. A Content-Security-Policy
// meta tag forbids the browser to load anything anyway.
//
// Fill the fields, add figures with AddFigure, then call Write. The output
// depends only on what was put in: it holds no timestamp.
type HTML struct {
	Title string // page title and heading; empty for "lsq report"

	// Reproduction: everything needed to run it again.
	Command     string // the command line, as a POSIX shell reads it (the caller quotes it)
	Version     string // lsq version
	Seed        string // random seed, empty when none was used
	ModelSHA256 string // hex SHA-256 of the model file written
	Data        []KV   // the data: source, rows, features, ...

	Settings []KV // the run's settings

	Coefficients []Coef
	CILevel      float64 // confidence level of Lo, Hi (0.95 gives "95% CI")

	Gap []KV // gap to the exact solution: objective gap, ‖w − w*‖, ...

	Notes []string // free paragraphs after the summary (warnings, say)

	figures []htmlFigure
}

type htmlFigure struct {
	ID, Title, Caption string
	SVG                template.HTML
}

// AddFigure renders f as inline SVG and appends it to the report under
// the given title and caption (both plain text; the caption may be empty).
func (h *HTML) AddFigure(title, caption string, f *Figure) error {
	svg, err := f.inlineSVG()
	if err != nil {
		return err
	}
	h.figures = append(h.figures, htmlFigure{
		ID:      fmt.Sprintf("fig%d", len(h.figures)+1),
		Title:   title,
		Caption: caption,
		// The SVG comes from gonum's vgsvg, which escapes all text it
		// writes (html.EscapeString), so it is safe to embed as is.
		SVG: template.HTML(svg),
	})
	return nil
}

// Write writes the report to w as one HTML5 document.
func (h *HTML) Write(w io.Writer) error {
	title := h.Title
	if title == "" {
		title = "lsq report"
	}
	repro := []KV{}
	if h.Command != "" {
		repro = append(repro, KV{"command", h.Command})
	}
	if h.Version != "" {
		repro = append(repro, KV{"lsq version", h.Version})
	}
	seed := h.Seed
	if seed == "" {
		seed = "none (the run is deterministic without one)"
	}
	repro = append(repro, KV{"seed", seed})
	if h.ModelSHA256 != "" {
		repro = append(repro, KV{"model SHA-256", h.ModelSHA256})
	}
	data := struct {
		Title    string
		Repro    []KV
		Data     []KV
		Settings []KV
		Coef     coefTable
		Gap      []KV
		Notes    []string
		Figures  []htmlFigure
	}{title, repro, h.Data, h.Settings, newCoefTable(h.Coefficients, h.CILevel), h.Gap, h.Notes, h.figures}
	return page.Execute(w, data)
}

type coefTable struct {
	Head []string
	Rows [][]string
}

// newCoefTable formats the coefficients, dropping all-NaN columns.
func newCoefTable(cs []Coef, level float64) coefTable {
	if len(cs) == 0 {
		return coefTable{}
	}
	ci := "CI"
	if level > 0 && level < 1 {
		ci = strconv.FormatFloat(100*level, 'g', 4, 64) + "% CI"
	}
	type col struct {
		head string
		val  func(Coef) float64
		fmt  func(float64) string
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	cols := []col{
		{"estimate", func(c Coef) float64 { return c.Estimate }, num},
		{"std error", func(c Coef) float64 { return c.StdErr }, num},
		{"t", func(c Coef) float64 { return c.T }, func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }},
		{"p", func(c Coef) float64 { return c.P }, formatP},
		{ci + " low", func(c Coef) float64 { return c.Lo }, num},
		{ci + " high", func(c Coef) float64 { return c.Hi }, num},
	}
	var kept []col
	for _, c := range cols {
		for _, r := range cs {
			if !math.IsNaN(c.val(r)) {
				kept = append(kept, c)
				break
			}
		}
	}
	t := coefTable{Head: []string{"term"}}
	for _, c := range kept {
		t.Head = append(t.Head, c.head)
	}
	for _, r := range cs {
		row := []string{r.Name}
		for _, c := range kept {
			v := c.val(r)
			if math.IsNaN(v) {
				row = append(row, "")
			} else {
				row = append(row, c.fmt(v))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// formatP prints a p-value in 3 significant digits, and values below the
// float64 epsilon as R does ("< 2.2e-16"): smaller ones are not resolved
// by the t distribution's tail computed in double precision.
func formatP(p float64) string {
	if p < epsilon {
		return "< 2.2e-16"
	}
	return strconv.FormatFloat(p, 'g', 3, 64)
}

var page = template.Must(template.New("report").Parse(pageTemplate))

const pageTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       margin: 0 auto; padding: 1.5em; max-width: 1100px; color: #1a1a1a; background: #fff; line-height: 1.45; }
h1 { font-size: 1.6em; margin: 0 0 .6em; }
h2 { font-size: 1.2em; margin: 1.6em 0 .5em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .3em 0 1em; font-size: .95em; }
th, td { padding: .25em .8em; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
table.kv th { background: none; font-weight: 600; white-space: nowrap; }
table.coef td.num, table.coef th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: .92em; word-break: break-all; }
figure { margin: 1em 0 2em; }
figure h3 { font-size: 1.05em; margin: 0 0 .4em; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #444; font-size: .92em; margin-top: .3em; }
@media print { figure { break-inside: avoid; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<section id="reproduce">
<h2>Reproduce this run</h2>
<table class="kv">
{{- range .Repro}}
<tr><th>{{.Key}}</th><td class="mono">{{.Value}}</td></tr>
{{- end}}
</table>
{{- if .Data}}
<h2>Data</h2>
<table class="kv" id="data">
{{- range .Data}}
<tr><th>{{.Key}}</th><td>{{.Value}}</td></tr>
{{- end}}
</table>
{{- end}}
</section>
{{- if .Settings}}
<section id="settings">
<h2>Settings</h2>
<table class="kv">
{{- range .Settings}}
<tr><th>{{.Key}}</th><td class="mono">{{.Value}}</td></tr>
{{- end}}
</table>
</section>
{{- end}}
{{- if .Coef.Rows}}
<section id="summary">
<h2>Coefficients</h2>
<table class="coef" id="coefficients">
<thead><tr>{{range $i, $h := .Coef.Head}}<th{{if $i}} class="num"{{end}}>{{$h}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Coef.Rows}}
<tr>{{range $i, $v := .}}<td{{if $i}} class="num"{{end}}>{{$v}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
{{- if .Gap}}
<section id="gap">
<h2>Gap to the exact solution</h2>
<table class="kv">
{{- range .Gap}}
<tr><th>{{.Key}}</th><td class="mono">{{.Value}}</td></tr>
{{- end}}
</table>
</section>
{{- end}}
{{- range .Notes}}
<p>{{.}}</p>
{{- end}}
{{- if .Figures}}
<section id="plots">
<h2>Plots</h2>
{{- range .Figures}}
<figure id="{{.ID}}" class="plot">
<h3>{{.Title}}</h3>
{{.SVG}}
{{- if .Caption}}
<figcaption>{{.Caption}}</figcaption>
{{- end}}
</figure>
{{- end}}
</section>
{{- end}}
</body>
</html>
`
