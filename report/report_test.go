package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/lsqgo/lsq"
)

// R's qnorm(ppoints(n)), here from Python's statistics.NormalDist.inv_cdf
// (Wichura's AS 241, accurate to about 1e-16) at (i − a)/(n + 1 − 2a).
var normalScoreCases = []struct {
	n    int
	want []float64
}{
	{1, []float64{0}},
	{5, []float64{-1.1797611176118603, -0.497200570681554, 0, 0.497200570681554, 1.1797611176118603}},
	{12, []float64{-1.731664396122245, -1.1503493803760079, -0.8122178014999129, -0.548522282698098,
		-0.31863936396437514, -0.10463345561407539, 0.10463345561407526, 0.31863936396437514,
		0.5485222826980982, 0.8122178014999129, 1.1503493803760079, 1.7316643961222455}},
}

func TestNormalScores(t *testing.T) {
	// 1e-12: gonum's and Python's quantile functions are both AS 241
	// ports, agreeing to a few ulps; 1e-12 leaves room for either.
	const tol = 1e-12
	for _, c := range normalScoreCases {
		got := normalScores(c.n)
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > tol {
				t.Errorf("n=%d: score %d = %.17g, want %.17g", c.n, i, got[i], c.want[i])
			}
		}
	}
}

func TestQQLine(t *testing.T) {
	// Textbook residuals sorted: −0.8, −0.6, −0.2, 0.6, 1. Type-7 quartiles
	// fall on order statistics 2 and 4 (h = 4·0.25 = 1 and 4·0.75 = 3):
	// −0.6 and 0.6; the normal quartiles are ±0.6744897501960817, so the
	// line has intercept 0 and slope 1.2/1.3489795003921634.
	s := []float64{-0.8, -0.6, -0.2, 0.6, 1}
	b, m := qqLine(s)
	const tol = 1e-12 // a few roundings of numbers of order 1
	if math.Abs(b) > tol || math.Abs(m-1.2/1.3489795003921634) > tol {
		t.Errorf("qqLine = %v + %v·q, want 0 + %v·q", b, m, 1.2/1.3489795003921634)
	}
	// Type 7 interpolates: the median of 1, 2, 3, 4 is 2.5; its 0.1
	// quantile is 1 + 0.3·(2 − 1) = 1.3.
	for _, c := range []struct{ p, want float64 }{{0.5, 2.5}, {0.1, 1.3}, {0, 1}, {1, 4}} {
		if got := quantile7([]float64{1, 2, 3, 4}, c.p); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("quantile7(1..4, %v) = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestQuadratic(t *testing.T) {
	q, err := newQuadratic(textbookX, textbookY)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-14 // exact rational answers, a few roundings away
	if math.Abs(q.m-textbookM) > tol || math.Abs(q.b-textbookB) > tol || math.Abs(q.fmin-textbookLoss) > tol {
		t.Errorf("minimum (%v, %v) = %v, want (0.6, 2.2) = 0.24", q.m, q.b, q.fmin)
	}
	if got := q.at(q.m, q.b); math.Abs(got-textbookLoss) > tol {
		t.Errorf("L at the minimum = %v, want 0.24", got)
	}
	// L(0, 0) = mean(y²)/2 = (4 + 16 + 25 + 16 + 25)/10 = 8.6.
	if got := q.at(0, 0); math.Abs(got-8.6) > tol {
		t.Errorf("L(0, 0) = %v, want 8.6", got)
	}
	// Every vertex of a level-set ellipse has the loss of its level, on
	// raw data (H = [[11, 3], [3, 1]], condition number 68) and on
	// standardised data (H = I).
	for _, x := range [][]float64{textbookX, standardise(textbookX)} {
		q, err := newQuadratic(x, textbookY)
		if err != nil {
			t.Fatal(err)
		}
		for _, delta := range []float64{1e-4, 0.5, 30} {
			for k, p := range q.ellipse(delta, 64) {
				// Relative 1e-10: the level is L* + Δ evaluated through
				// moments of size ~10, so cancellation costs a few digits
				// for the smallest Δ.
				if got := q.at(p.X, p.Y) - q.fmin; math.Abs(got-delta) > 1e-10*max(1, q.fmin/delta)*delta {
					t.Errorf("Δ=%v vertex %d: L − L* = %v", delta, k, got)
				}
			}
		}
	}
	if _, err := newQuadratic([]float64{3, 3, 3}, []float64{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "equal 3") {
		t.Errorf("constant x: error %v, want one naming the value", err)
	}
	if _, err := newQuadratic([]float64{1}, []float64{1}); err == nil {
		t.Errorf("one point: no error")
	}
}

func TestNiceTicks(t *testing.T) {
	labels := func(ts []plot.Tick) string {
		var s []string
		for _, t := range ts {
			if t.Label != "" {
				s = append(s, t.Label)
			}
		}
		return strings.Join(s, " ")
	}
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{1, 300, "50 100 150 200 250 300"},
		{-0.85, 1.05, "-0.5 0.0 0.5 1.0"},
		{0, 1, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{-2.2, 2.2, "-2 -1 0 1 2"},
		{1e6, 5e6, "1e+06 2e+06 3e+06 4e+06 5e+06"},
		{0.0012, 0.0019, "0.0012 0.0013 0.0014 0.0015 0.0016 0.0017 0.0018 0.0019"},
		{7, 7, "7"},
		// One ulp apart: a single value, not a loop counting near 1e18 (it
		// once never ended and exhausted memory).
		{3, 3.0000000000000004, "3"},
	} {
		if got := labels(niceTicks{}.Ticks(c.lo, c.hi)); got != c.want {
			t.Errorf("niceTicks(%v, %v) labels %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{1e-17, 3, "1e-15 1e-12 1e-09 1e-06 0.001 1"}, // 17.5 decades: every third
		{0.0001, 1, "0.0001 0.001 0.01 0.1 1"},
		{0.11, 2.4, "0.2 0.5 1 2"},
		{0.24, 0.4, "0.3 0.4"},
	} {
		if got := labels(logTicks{}.Ticks(c.lo, c.hi)); got != c.want {
			t.Errorf("logTicks(%v, %v) labels %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
}

func TestThin(t *testing.T) {
	xys := make(plotter.XYs, 10001)
	for i := range xys {
		xys[i] = plotter.XY{X: float64(i), Y: float64(i)}
	}
	got := thin(xys)
	if len(got) != maxLinePoints || got[0] != xys[0] || got[len(got)-1] != xys[len(xys)-1] {
		t.Errorf("thin kept %d points from %v to %v", len(got), got[0], got[len(got)-1])
	}
	if short := xys[:5]; len(thin(short)) != 5 {
		t.Errorf("thin dropped points from a short line")
	}
}

func TestGrid(t *testing.T) {
	a, b, c := plot.New(), plot.New(), plot.New()
	for _, tc := range []struct {
		cols  int
		plots []*plot.Plot
		want  string
	}{
		{2, []*plot.Plot{a, nil, b, c}, "[[a b] [c -]]"},
		{2, []*plot.Plot{a}, "[[a]]"},
		{3, []*plot.Plot{a, b, c}, "[[a b c]]"},
		{1, []*plot.Plot{a, b}, "[[a] [b]]"},
	} {
		f := Grid(tc.cols, tc.plots...)
		name := map[*plot.Plot]string{a: "a", b: "b", c: "c", nil: "-"}
		var rows []string
		for _, r := range f.Panels {
			var s []string
			for _, p := range r {
				s = append(s, name[p])
			}
			rows = append(rows, "["+strings.Join(s, " ")+"]")
		}
		if got := "[" + strings.Join(rows, " ") + "]"; got != tc.want {
			t.Errorf("Grid(%d, ...) = %s, want %s", tc.cols, got, tc.want)
		}
	}
	w, h := Grid(2, a, b, c).Size()
	if w != 2*DefaultPanelWidth || h != 2*DefaultPanelHeight {
		t.Errorf("2×2 grid size %v × %v", w, h)
	}
}

// TestDataErrors: data-dependent problems are errors naming the problem,
// never panics.
func TestDataErrors(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"fit NaN", second(FitPlot([]float64{1, nan}, []float64{1, 2}, nil, "x", "y")), "point 1"},
		{"fit empty", second(FitPlot(nil, nil, nil, "x", "y")), "no data"},
		{"lines NaN", second(LinesPlot([]float64{1, 2}, []float64{nan, 2}, nil, "x", "y")), "point 0"},
		{"lines nil F", second(LinesPlot([]float64{1, 2}, []float64{1, 2}, []Curve{{Label: "m"}}, "x", "y")), `curve 0 ("m")`},
		{"qq empty", second(QQPlot(nil)), "no residuals"},
		{"qq Inf", second(QQPlot([]float64{1, math.Inf(1)})), "residual 1"},
		{"loss all NaN", second(LossPlot([]lsq.Iteration{{Epoch: 1, Loss: nan, Objective: nan}}, 1)), "no epoch"},
		{"gap NaN optimum", second(GapPlot([]lsq.Iteration{{Epoch: 1, Objective: 1}}, nan)), "not finite"},
		{"path alpha 0", second(PathPlot(Path{Alphas: []float64{1, 0}, Coef: [][]float64{{1}, {2}}})), "alpha 1 is 0"},
		{"path empty", second(PathPlot(Path{})), "empty"},
		{"cv negative SE", second(CVPlot(CV{Alphas: []float64{1}, Mean: []float64{1}, SE: []float64{-1}})), "standard error 0"},
		{"lr nothing", second(LRPlot(LRFind{Rates: []float64{1}, Losses: []float64{nan}})), "no finite"},
		{"surface constant x", second(ContourPlot(LossSurface{X: []float64{2, 2}, Y: []float64{1, 3}})), "not unique"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, c.err, c.want)
		}
	}
}

func second(_ *plot.Plot, err error) error { return err }

// TestLossPlotTolerates a diverging trace: NaN and +Inf epochs are skipped,
// the rest drawn.
func TestLossPlotTolerates(t *testing.T) {
	trace := []lsq.Iteration{
		{Epoch: 1, Loss: 1, Objective: 1, ValLoss: math.NaN()},
		{Epoch: 2, Loss: 10, Objective: 10, ValLoss: math.NaN()},
		{Epoch: 3, Loss: math.Inf(1), Objective: math.Inf(1), ValLoss: math.NaN()},
		{Epoch: 4, Loss: math.NaN(), Objective: math.NaN(), ValLoss: math.NaN()},
	}
	p, err := LossPlot(trace, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Max != 2 || p.Y.Min != 0.5 || p.Y.Max != 10 {
		t.Errorf("axes x ≤ %v, y in [%v, %v]; want x ≤ 2, y in [0.5, 10]", p.X.Max, p.Y.Min, p.Y.Max)
	}
	g, err := GapPlot(trace, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if g.Y.Min != 0.5 || g.Y.Max != 9.5 {
		t.Errorf("gap axis [%v, %v], want [0.5, 9.5]", g.Y.Min, g.Y.Max)
	}
}

func ExampleFitFigure() {
	x := []float64{1, 2, 3, 4, 5}
	y := []float64{2, 4, 5, 4, 5}
	fitted := make([]float64, len(x))
	for i := range x {
		fitted[i] = 2.2 + 0.6*x[i] // the exact least-squares line
	}
	fig, err := FitFigure(FitData{
		X: x, Y: y, Fitted: fitted, XName: "x", YName: "y",
		Curve:   func(v float64) float64 { return 2.2 + 0.6*v },
		Optimum: 0.24,
	})
	if err != nil {
		panic(err)
	}
	w, h := fig.Size()
	fmt.Printf("%d rows × %d columns, %v × %v points\n", len(fig.Panels), len(fig.Panels[0]), w.Points(), h.Points())
	// Output:
	// 2 rows × 2 columns, 864 × 576 points
}

func ExampleFigure_Write() {
	p, err := LRPlot(LRFind{
		Rates:     []float64{1e-3, 1e-2, 1e-1},
		Losses:    []float64{8, 2, 0.5},
		Suggested: 0.01, TwoOverL: 0.169,
	})
	if err != nil {
		panic(err)
	}
	var svg strings.Builder
	if err := Single(p).Write(&svg, SVG); err != nil {
		panic(err)
	}
	fmt.Println(strings.Contains(svg.String(), "suggested rate = 0.01"))
	// Output:
	// true
}

func TestTrace(t *testing.T) {
	var tr Trace
	var r lsq.Recorder = &tr
	for k := 1; k <= 3; k++ {
		if err := r.Record(lsq.Iteration{Epoch: k, Loss: 1 / float64(k), Objective: 1 / float64(k)}); err != nil {
			t.Fatal(err)
		}
	}
	if len(tr) != 3 || tr[2].Epoch != 3 {
		t.Fatalf("trace %v", tr)
	}
	if _, err := LossPlot(tr, 0.1); err != nil {
		t.Error(err)
	}
}

// TestLargeScatter: a million points are thinned to maxScatterPoints with
// the extremes kept, and the legend says how many are shown.
func TestLargeScatter(t *testing.T) {
	const n = 1_000_000
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = float64(i % 1000)
		y[i] = math.Sin(float64(i))
	}
	y[123457] = 50 // an outlier the stride would miss
	pts, err := xys("test", x, y)
	if err != nil {
		t.Fatal(err)
	}
	s := sample(pts)
	if len(s) != maxScatterPoints {
		t.Errorf("sample kept %d points, want %d", len(s), maxScatterPoints)
	}
	var top float64
	for _, p := range s {
		top = max(top, p.Y)
	}
	if top != 50 {
		t.Errorf("sample lost the outlier: max y %v", top)
	}
	p, err := FitPlot(x, y, nil, "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	var svg strings.Builder
	if err := Single(p).Write(&svg, SVG); err != nil {
		t.Fatal(err)
	}
	// 4000 markers at about 150 bytes each: well under 2 MB, where a
	// million would be over 100 MB.
	if svg.Len() > 2<<20 {
		t.Errorf("SVG of a thinned million-point plot is %d bytes", svg.Len())
	}
	if !strings.Contains(svg.String(), "data (n = 1000000, 4000 shown)") {
		t.Errorf("legend does not say the data were thinned")
	}
}

func TestPathLegendCap(t *testing.T) {
	// 25 features; at the smallest α (the last row) feature j has
	// coefficient (j − 12)·0.1, so the ten largest magnitudes are
	// features 0–4 (−1.2 … −0.8) and 20–24 (0.8 … 1.2).
	path := Path{Alphas: []float64{1, 0.1}}
	path.Coef = [][]float64{make([]float64, 25), make([]float64, 25)}
	for j := range 25 {
		path.Coef[1][j] = float64(j-12) * 0.1
		path.Features = append(path.Features, fmt.Sprintf("f%02d", j))
	}
	named := legendFeatures(path)
	var got []int
	for j := range 25 {
		if named[j] {
			got = append(got, j)
		}
	}
	if fmt.Sprint(got) != "[0 1 2 3 4 20 21 22 23 24]" {
		t.Errorf("legend names features %v", got)
	}
	p, err := PathPlot(path)
	if err != nil {
		t.Fatal(err)
	}
	var svg strings.Builder
	if err := Single(p).Write(&svg, SVG); err != nil {
		t.Fatal(err)
	}
	if s := svg.String(); !strings.Contains(s, "and 15 more features") || strings.Contains(s, ">f12<") || !strings.Contains(s, ">f24<") {
		t.Errorf("legend should name f24, not f12, and count 15 more")
	}
	// Fewer names than coefficients: the rest are x<j>.
	if p, err = PathPlot(Path{Alphas: []float64{1, 0.1}, Coef: [][]float64{{0, 0}, {1, 2}}, Features: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	svg.Reset()
	if err := Single(p).Write(&svg, SVG); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), ">x2<") {
		t.Errorf("unnamed second feature is not shown as x2")
	}
}

// TestObjectiveFallback: a solver that fills only Loss still gets plots.
func TestObjectiveFallback(t *testing.T) {
	trace := []lsq.Iteration{{Epoch: 1, Loss: 2, ValLoss: math.NaN()}, {Epoch: 2, Loss: 1, ValLoss: math.NaN()}}
	p, err := LossPlot(trace, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if p.Y.Max != 2 {
		t.Errorf("loss axis up to %v, want 2", p.Y.Max)
	}
	g, err := GapPlot(trace, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if g.Y.Min != 0.5 || g.Y.Max != 1.5 {
		t.Errorf("gap axis [%v, %v], want [0.5, 1.5]", g.Y.Min, g.Y.Max)
	}
}

// TestContourDiverging: a path above 2/L runs off to 1e10 and beyond; the
// view stays on the region no worse than the start, and it still renders.
func TestContourDiverging(t *testing.T) {
	ms, bs, _ := gd(textbookX, textbookY, 0.2, 60, [2][]float64{}) // 0.2 > 2/L ≈ 0.169
	if math.Abs(ms[60]) < 1e6 {
		t.Fatalf("fixture did not diverge: m = %v", ms[60])
	}
	p, err := ContourPlot(LossSurface{X: textbookX, Y: textbookY, Paths: []Iterates{{Slope: ms, Intercept: bs}}})
	if err != nil {
		t.Fatal(err)
	}
	// The start (0, 0) and the minimum (0.6, 2.2) span 2.2; the view is
	// 1.6 spans wide around them: well inside ±10.
	if p.X.Min < -10 || p.X.Max > 10 || p.Y.Min < -10 || p.Y.Max > 10 {
		t.Errorf("view [%v, %v] × [%v, %v] follows the divergence", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	for _, format := range []Format{PNG, SVG} {
		if err := Single(p).Write(io.Discard, format); err != nil {
			t.Error(err)
		}
	}
	// No path at all: the minimum and its level sets.
	if _, err := ContourPlot(LossSurface{X: textbookX, Y: textbookY}); err != nil {
		t.Error(err)
	}
}
