package report

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// demoReport is the report the demo command would write: settings, the
// exact and GD coefficients with inference, the gap, and three figures.
func demoReport(t testing.TB) *HTML {
	t.Helper()
	raw, std := demoSurfaces()
	_, _, trace := gd(standardise(textbookX), textbookY, demoStdLR, 60, [2][]float64{})
	h := &HTML{
		Title:       "lsq demo: gradient descent against the exact fit",
		Command:     "lsq demo --report 'demo report.html' --seed 42",
		Version:     "v0.1.0",
		Seed:        "42",
		ModelSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Data:        []KV{{"source", "built-in textbook example"}, {"rows", "5"}, {"features", "1"}},
		Settings:    []KV{{"solver", "gd"}, {"learning rate", "0.3"}, {"epochs", "60"}, {"standardise", "true"}},
		// Textbook inference: s² = SSE/(n−2) = 2.4/3 = 0.8, Sxx = 10, so
		// se(m) = √(0.8/10) = 0.2828, se(b) = √(0.8·(1/5 + 9/10)) = 0.9381;
		// t₀.₉₇₅,₃ = 3.1824 gives the 95% intervals.
		Coefficients: []Coef{
			{Name: "intercept", Estimate: 2.2, StdErr: 0.9381, T: 2.345, P: 0.1009, Lo: -0.7854, Hi: 5.185},
			{Name: "x", Estimate: 0.6, StdErr: 0.2828, T: 2.121, P: 0.1240, Lo: -0.3001, Hi: 1.500},
		},
		CILevel: 0.95,
		Gap:     []KV{{"objective gap", "1.1e-16"}, {"‖w − w*‖", "2.3e-8"}},
	}
	figs := []struct {
		title, caption string
		make           func() (*Figure, error)
	}{
		{"Gradient descent paths", "Left: raw x. Right: standardised x.", func() (*Figure, error) { return DemoFigure(raw, std) }},
		{"Gap to the exact optimum", "", func() (*Figure, error) { return single(GapPlot(trace, textbookLoss)) }},
		{"Fit", "The textbook run's line and the exact least-squares line.", func() (*Figure, error) {
			return single(LinesPlot(textbookX, textbookY, textbookLines(), "x", "y"))
		}},
	}
	for _, f := range figs {
		fig, err := f.make()
		if err != nil {
			t.Fatal(err)
		}
		if err := h.AddFigure(f.title, f.caption, fig); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

const demoFigures = 3 // figures in demoReport

func writeHTML(t testing.TB, h *HTML) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := h.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// find returns the elements under n for which keep is true, in document
// order.
func find(n *html.Node, keep func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && keep(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// checkDOM asserts the structure every report must have: a coefficient
// table with the expected header, nfig figures each holding exactly one
// SVG element (in the SVG namespace, as an HTML5 parser puts it), and no
// element that loads anything.
func checkDOM(t *testing.T, doc *html.Node, nfig int, head []string) {
	t.Helper()
	tables := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Table && attr(n, "id") == "coefficients" })
	if len(tables) != 1 {
		t.Fatalf("%d coefficient tables, want 1", len(tables))
	}
	var got []string
	for _, th := range find(tables[0], func(n *html.Node) bool { return n.DataAtom == atom.Th }) {
		got = append(got, text(th))
	}
	if strings.Join(got, "|") != strings.Join(head, "|") {
		t.Errorf("coefficient header %q, want %q", got, head)
	}
	figs := find(doc, func(n *html.Node) bool {
		return n.DataAtom == atom.Figure && strings.Contains(attr(n, "class"), "plot")
	})
	if len(figs) != nfig {
		t.Errorf("%d figures, want %d", len(figs), nfig)
	}
	for i, f := range figs {
		svgs := find(f, func(n *html.Node) bool { return n.Data == "svg" })
		if len(svgs) != 1 || svgs[0].Namespace != "svg" {
			t.Errorf("figure %d: %d svg elements (namespace %q), want 1 inline svg", i, len(svgs), ns(svgs))
		}
		if len(find(f, func(n *html.Node) bool { return n.Data == "path" })) < 10 {
			t.Errorf("figure %d: fewer than 10 SVG paths", i)
		}
	}
	if all := find(doc, func(n *html.Node) bool { return n.Data == "svg" }); len(all) != nfig {
		t.Errorf("%d svg elements in the document, want %d", len(all), nfig)
	}
	loaders := find(doc, func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.Script, atom.Img, atom.Iframe, atom.Object, atom.Embed, atom.Link, atom.Audio, atom.Video, atom.Source:
			return true
		}
		return attr(n, "src") != "" || strings.HasPrefix(attr(n, "href"), "http")
	})
	if len(loaders) != 0 {
		t.Errorf("%d elements that load or link to something, e.g. <%s>", len(loaders), loaders[0].Data)
	}
}

func ns(ns []*html.Node) string {
	if len(ns) == 0 {
		return ""
	}
	return ns[0].Namespace
}

func TestHTMLReport(t *testing.T) {
	out := writeHTML(t, demoReport(t))
	for _, bad := range []string{"http://", "https://", "src=", "<script", "url(", "@import", "<?xml"} {
		if i := bytes.Index(bytes.ToLower(out), []byte(bad)); i >= 0 {
			t.Errorf("report contains %q at byte %d: ...%s...", bad, i, out[max(0, i-40):min(len(out), i+40)])
		}
	}
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	checkDOM(t, doc, demoFigures, []string{"term", "estimate", "std error", "t", "p", "95% CI low", "95% CI high"})

	// Reproduction facts are all there, the command line as given.
	body := text(doc)
	for _, want := range []string{
		"lsq demo --report 'demo report.html' --seed 42",
		"v0.1.0",
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"learning rate", "objective gap", "‖w − w*‖", "rows",
		"Left: raw x. Right: standardised x.",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("report text lacks %q", want)
		}
	}
	// Deterministic: no timestamp or map order in the output.
	if again := writeHTML(t, demoReport(t)); !bytes.Equal(out, again) {
		t.Errorf("two reports of the same run differ")
	}
}

// TestHTMLEscaping puts markup in every user-supplied string: it must come
// back as text, not as elements.
func TestHTMLEscaping(t *testing.T) {
	evil := `<script>alert("x")</script>&amp;<b>`
	h := &HTML{
		Title:        evil,
		Command:      "lsq " + evil,
		Settings:     []KV{{evil, evil}},
		Coefficients: []Coef{{Name: evil, Estimate: 1, StdErr: math.NaN(), T: math.NaN(), P: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}},
		Notes:        []string{evil},
	}
	f, err := single(FitPlot(textbookX, textbookY, nil, evil, evil))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddFigure(evil, evil, f); err != nil {
		t.Fatal(err)
	}
	out := writeHTML(t, h)
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(find(doc, func(n *html.Node) bool { return n.Data == "script" || n.Data == "b" })); n != 0 {
		t.Errorf("%d injected elements in the document", n)
	}
	// Only estimate survives of the all-NaN inference columns.
	checkDOM(t, doc, 1, []string{"term", "estimate"})
	// Title, heading, setting key and value, coefficient, note, figure
	// title, caption, and the two axis labels inside the SVG.
	if n := strings.Count(text(doc), evil); n < 10 {
		t.Errorf("markup string appears %d times as text, want at least 10", n)
	}
}

func TestNewCoefTable(t *testing.T) {
	nan := math.NaN()
	tab := newCoefTable([]Coef{
		{Name: "a", Estimate: 1.5, StdErr: 0.5, T: 3, P: 1e-20, Lo: nan, Hi: nan},
		{Name: "b", Estimate: -2, StdErr: nan, T: nan, P: 0.0123456, Lo: nan, Hi: nan},
	}, 0.9)
	wantHead := "term|estimate|std error|t|p"
	if got := strings.Join(tab.Head, "|"); got != wantHead {
		t.Errorf("head %q, want %q", got, wantHead)
	}
	want := [][]string{{"a", "1.5", "0.5", "3.000", "< 2.2e-16"}, {"b", "-2", "", "", "0.0123"}}
	if fmt.Sprint(tab.Rows) != fmt.Sprint(want) {
		t.Errorf("rows %q, want %q", tab.Rows, want)
	}
	if tab := newCoefTable([]Coef{{Name: "a", Lo: 1, Hi: 2, Estimate: nan, StdErr: nan, T: nan, P: nan}}, 0.9); strings.Join(tab.Head, "|") != "term|90% CI low|90% CI high" {
		t.Errorf("CI head %q", tab.Head)
	}
}

func ExampleHTML() {
	fig, err := ContourPlot(LossSurface{
		X: []float64{1, 2, 3, 4, 5}, Y: []float64{2, 4, 5, 4, 5},
		Paths: []Iterates{{Slope: []float64{0, 0.3, 0.5}, Intercept: []float64{0, 1, 1.8}}},
	})
	if err != nil {
		panic(err)
	}
	h := &HTML{
		Title:        "example",
		Command:      "lsq fit data.csv --target y",
		Coefficients: []Coef{{Name: "x", Estimate: 0.6, StdErr: 0.2828, T: 2.121, P: 0.124, Lo: math.NaN(), Hi: math.NaN()}},
	}
	if err := h.AddFigure("Loss surface", "", Single(fig)); err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	if err := h.Write(&buf); err != nil {
		panic(err)
	}
	s := buf.String()
	fmt.Println("inline svg:", strings.Count(s, "<svg"))
	fmt.Println("urls:", strings.Count(s, "http:")+strings.Count(s, "https:"))
	// Output:
	// inline svg: 1
	// urls: 0
}

// TestHTMLGolden compares the demo report, with each inline SVG replaced
// by a placeholder, to testdata/report/demo_report_golden.html: the page
// itself must match exactly (the figures have their own image goldens, and
// their SVG coordinates may differ in the last digit across platforms).
// Run with -update to rewrite it.
func TestHTMLGolden(t *testing.T) {
	out := string(writeHTML(t, demoReport(t)))
	var b strings.Builder
	for n := 1; ; n++ {
		i := strings.Index(out, "<svg")
		if i < 0 {
			break
		}
		j := strings.Index(out[i:], "</svg>")
		if j < 0 {
			t.Fatal("unterminated <svg>")
		}
		fmt.Fprintf(&b, "%s<svg><!-- figure %d --></svg>", out[:i], n)
		out = out[i+j+len("</svg>"):]
	}
	b.WriteString(out)
	got := b.String()
	path := filepath.Join(goldenDir, "demo_report_golden.html")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestHTMLGolden -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("report differs from %s at line %d:\ngot:  %s\nwant: %s", path, i+1, g, w)
			}
		}
	}
}
