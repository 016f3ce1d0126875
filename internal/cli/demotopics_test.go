package cli

import (
	"bytes"
	"context"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/testproblems"
)

// demoOut runs lsq with args and returns its standard output.
func demoOut(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := Main(context.Background(), args, IO{Out: &out, Err: &errb}); code != ExitOK {
		t.Fatalf("lsq %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// numberToken is a number as a demo prints it, with any letters glued to
// its front (b0, x1, L2) so that names with digits are compared as names.
var numberToken = regexp.MustCompile(`[A-Za-z_]*[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?`)

// TestDemoLanguagesSameNumbers runs every demo in Chinese and in English:
// the stories differ, the numbers (as a multiset) must not; the Chinese
// story must be Chinese and the English one must not be.
func TestDemoLanguagesSameNumbers(t *testing.T) {
	topics := [][]string{{"demo"}}
	for _, add := range demoTopics {
		topics = append(topics, []string{"demo", add(IO{}).Name()})
	}
	han := regexp.MustCompile(`\p{Han}`)
	for _, topic := range topics {
		t.Run(strings.Join(topic, "_"), func(t *testing.T) {
			en := demoOut(t, append(topic, "--lang", "en")...)
			zh := demoOut(t, append(topic, "--lang", "zh")...)
			a, b := numberToken.FindAllString(en, -1), numberToken.FindAllString(zh, -1)
			if len(a) < 10 {
				t.Fatalf("only %d numbers in the English story:\n%s", len(a), en)
			}
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) {
				t.Errorf("numbers differ:\nen %v\nzh %v", a, b)
			}
			if !han.MatchString(zh) || han.MatchString(en) {
				t.Errorf("language: Chinese in zh %v, in en %v", han.MatchString(zh), han.MatchString(en))
			}
		})
	}
}

// TestDemoLangFromEnvironment checks the default: LC_ALL, then LANG.
func TestDemoLangFromEnvironment(t *testing.T) {
	for _, c := range []struct {
		lcAll, lang string
		want        demoLang
	}{
		{"", "zh_CN.UTF-8", langZH},
		{"", "en_US.UTF-8", langEN},
		{"C", "zh_CN.UTF-8", langEN},
		{"zh_TW.UTF-8", "C", langZH},
		{"", "", langEN},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LANG", c.lang)
		if got := envLang(); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q: %v, want %v", c.lcAll, c.lang, got, c.want)
		}
	}
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"demo", "lr", "--lang", "fr"}, IO{Out: &out, Err: &errb}); code != ExitUsage ||
		!strings.Contains(errb.String(), `--lang "fr": want zh or en`) || out.Len() != 0 {
		t.Errorf("--lang fr: exit %d, want %d; stderr %q; stdout %q", code, ExitUsage, errb.String(), out.String())
	}
}

// TestDemoLR checks the rates against the closed form: on the textbook data
// the Hessian XᵀX/n of the loss (intercept column included) is
// [[11, 3], [3, 1]], whose eigenvalues are 6 ± √34, so 2/L = 2/(6 + √34).
func TestDemoLR(t *testing.T) {
	w, runs, err := lrRuns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bound := 2 / (6 + math.Sqrt(34))
	if math.Abs(w.Bound-bound) > 1e-12*bound { // eigenvalues of a 2×2 to rounding
		t.Fatalf("2/L = %v, want %v", w.Bound, bound)
	}
	want := []struct {
		converged, diverged bool
	}{{false, false}, {true, false}, {true, false}, {false, false}, {false, true}}
	for i, r := range runs {
		if got := r.t.res.Status.Converged(); got != want[i].converged || (r.t.diverged != nil) != want[i].diverged {
			t.Errorf("rate %.4g (%.2f × 2/L): status %v, diverged %v; want converged %v, diverged %v",
				r.lr, r.factor, r.t.res.Status, r.t.diverged != nil, want[i].converged, want[i].diverged)
		}
	}
	// At 2/L the error along the top eigenvector is multiplied by −1 each
	// step: the slope alternates and the loss stays above the minimum.
	at := runs[3]
	if !(at.slopes[0] > at.slopes[1] && at.slopes[2] > at.slopes[3]) {
		t.Errorf("slopes at 2/L %v do not zig-zag", at.slopes)
	}
	if at.t.lossAt(len(at.t.its)) < 2*textbookLoss {
		t.Errorf("loss at 2/L fell to %v", at.t.lossAt(len(at.t.its)))
	}
	// The textbook run: 0.696355, 1.852128 after 1000 epochs (the demo's
	// published numbers; also pinned in testdata/script/demo.txtar).
	if r := runs[0].t.res; math.Abs(r.Coef[0]-0.696355) > 5e-7 || math.Abs(r.Intercept-1.852128) > 5e-7 {
		t.Errorf("textbook run: %v, %v", r.Coef[0], r.Intercept)
	}
}

// TestDemoLRTableHeader: in both languages the headings of the loss and
// status columns of part 1 start at the terminal column where the first
// run's loss after epoch 10 (1.2) and its status start, a Chinese
// character counting two columns.
func TestDemoLRTableHeader(t *testing.T) {
	for _, c := range []struct{ lang, loss, status string }{{"en", "loss at", "status"}, {"zh", "第 10、100", "状态"}} {
		lines := strings.Split(demoOut(t, "demo", "lr", "--lang", c.lang), "\n")
		i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "η/(2/L)") })
		if i < 0 || i+1 >= len(lines) {
			t.Fatalf("%s: no table header", c.lang)
		}
		head, row := lines[i], lines[i+1]
		col := func(s, sub string) int {
			k := strings.Index(s, sub)
			if k < 0 {
				t.Fatalf("%s: %q not in %q", c.lang, sub, s)
			}
			return textWidth(s[:k])
		}
		if h, r := col(head, c.loss), col(row, "    1.2 ")+4; h != r {
			t.Errorf("%s: loss heading at column %d, values at %d:\n%s\n%s", c.lang, h, r, head, row)
		}
		if h, r := col(head, c.status), col(row, "iteration-limit"); h != r {
			t.Errorf("%s: status heading at column %d, values at %d:\n%s\n%s", c.lang, h, r, head, row)
		}
	}
}

// textbookLoss is the minimum of (1/2n)Σr² on the textbook data: residuals
// −0.8, 0.6, 1, −0.6, −0.2 of the line 0.6x + 2.2 give 2.4/10.
const textbookLoss = 0.24

// TestDemoRegularization checks exact zeros and the shift experiment against
// the ridge closed form (XᵀX/n + αI)θ = Xᵀy/n on the textbook data, α = 1:
// with the intercept free, slope 1.2/3 = 0.4 and intercept 4 − 3·0.4 = 2.8
// whatever the shift c; with it penalised, [[12, 3], [3, 2]]θ = [13.2 + 3c,
// 4 + c], θ = (0.96 + 0.2c, 0.56 + 0.2c).
func TestDemoRegularization(t *testing.T) {
	x, y, names := regData()
	rf, err := regCompute(context.Background(), x, y, names)
	if err != nil {
		t.Fatal(err)
	}
	if l1 := rf.coefs[2]; l1[3] != 0 || l1[4] != 0 || l1[0] == 0 {
		t.Errorf("lasso coefficients %v: want x4 = x5 = 0 exactly, x1 ≠ 0", l1)
	}
	for j, c := range rf.coefs[1] {
		if c == 0 {
			t.Errorf("ridge coefficient %d is exactly zero", j)
		}
	}
	if g := rf.gdL1.res.Coef; g[3] == 0 || g[4] == 0 {
		t.Errorf("subgradient GD gave exact zeros %v", g)
	}
	const tol = 1e-12 // a 2×2 solve of numbers of order 1..300
	c := float64(regShift)
	for _, k := range []struct {
		got              [2]float64
		slope, intercept float64
	}{
		{[2]float64{rf.shift[0][0].Coef[0], rf.shift[0][0].Intercept}, 0.4, 2.8},
		{[2]float64{rf.shift[0][1].Coef[0], rf.shift[0][1].Intercept}, 0.4, 2.8 + c},
		{[2]float64{rf.shift[1][0].Coef[0], rf.shift[1][0].Intercept}, 0.96, 0.56},
		{[2]float64{rf.shift[1][1].Coef[0], rf.shift[1][1].Intercept}, 0.96 + 0.2*c, 0.56 + 0.2*c},
	} {
		if math.Abs(k.got[0]-k.slope) > tol*max(1, k.slope) || math.Abs(k.got[1]-k.intercept) > tol*max(1, k.intercept) {
			t.Errorf("ridge (slope, intercept) = %v, want (%v, %v)", k.got, k.slope, k.intercept)
		}
	}
}

// TestDemoNonlinear checks the methods against NIST's certified Misra1a.
func TestDemoNonlinear(t *testing.T) {
	pr := misra1a()
	runs, err := nlCompute(context.Background(), pr)
	if err != nil {
		t.Fatal(err)
	}
	lre := func(r *nlRun) float64 {
		return min(testproblems.LRE(r.res.X[0], pr.Certified[0], 11), testproblems.LRE(r.res.X[1], pr.Certified[1], 11))
	}
	gd, gdAll, lm := runs[0], runs[1], runs[3]
	if d := lre(lm); d < 10 { // the nls package's NIST guarantee
		t.Errorf("Levenberg–Marquardt: %.1f digits", d)
	}
	if gd.res.Status.Converged() || lre(gd) > 3 {
		t.Errorf("GD after 1000 epochs: %v, %.1f digits; the demo says it stops far off", gd.res.Status, lre(gd))
	}
	if gdAll.res.Iterations < 100*lm.res.Iterations {
		t.Errorf("GD took %d epochs, LM %d iterations", gdAll.res.Iterations, lm.res.Iterations)
	}
}

// TestDemoQ5 checks the fits by their optimality conditions: the residuals
// of a least-squares fit are orthogonal to the derivatives of the model
// with respect to its parameters (1, x, x² for the quadratic; exp(bx) and
// a·x·exp(bx) for the exponential); and no line has a higher Gaussian
// likelihood than the least-squares one.
func TestDemoQ5(t *testing.T) {
	f, err := q5Compute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var g [5]float64
	var scale float64
	for i, x := range f.cx {
		rp := f.cy[i] - f.poly.Intercept - f.poly.Coef[0]*x - f.poly.Coef[1]*x*x
		e := math.Exp(f.expo.X[1] * x)
		re := f.cy[i] - f.expo.X[0]*e
		g[0] += rp
		g[1] += rp * x
		g[2] += rp * x * x
		g[3] += re * e
		g[4] += re * f.expo.X[0] * x * e
		scale += f.cy[i] * f.cy[i] * e * x
	}
	for k, v := range g {
		if math.Abs(v) > 1e-9*scale { // far above rounding (1e-16·n·scale), far below any real gradient
			t.Errorf("normal equation %d: %v", k, v)
		}
	}
	if f.llLS < f.llHu {
		t.Errorf("Gaussian log-likelihood: least squares %v < Huber %v", f.llLS, f.llHu)
	}
	if math.Abs(f.robust[0].X[1]-0.5) >= math.Abs(f.line.Coef[0]-0.5) {
		t.Errorf("Huber slope %v is no closer to 0.5 than least squares %v", f.robust[0].X[1], f.line.Coef[0])
	}
	if f.robust[0].Status == lsq.Failure {
		t.Errorf("Huber fit failed: %s", f.robust[0].Message)
	}
}
