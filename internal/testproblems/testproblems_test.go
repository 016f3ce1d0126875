package testproblems

import (
	"bufio"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// readmeRow is one row of a README.md table: file, difficulty, n, p.
type readmeRow struct {
	name, diff string
	n, p       int
}

// readmeTables parses the two tables of the embedded README.md, an account
// of the files written independently of this parser.
func readmeTables(t *testing.T) (lin, nonlin []readmeRow) {
	t.Helper()
	b, err := fs.ReadFile(Text(), "README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cur *[]readmeRow
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "## Linear"):
			cur = &lin
		case strings.HasPrefix(l, "## Nonlinear"):
			cur = &nonlin
		case cur != nil && strings.HasPrefix(l, "| ") && strings.Contains(l, ".dat"):
			c := strings.Split(l, "|")
			n, err1 := strconv.Atoi(strings.TrimSpace(c[3]))
			p, err2 := strconv.Atoi(strings.TrimSpace(c[4]))
			if err1 != nil || err2 != nil {
				t.Fatalf("README row %q", l)
			}
			*cur = append(*cur, readmeRow{strings.TrimSuffix(strings.TrimSpace(c[1]), ".dat"), strings.TrimSpace(c[2]), n, p})
		}
	}
	return lin, nonlin
}

func TestLinearMatchesReadme(t *testing.T) {
	want, _ := readmeTables(t)
	got := LinearProblems()
	if len(want) != 11 || len(got) != 11 { // the README says 11 linear files
		t.Fatalf("got %d problems, README lists %d, want 11", len(got), len(want))
	}
	for i, p := range got {
		w := want[i]
		if p.Name != w.name || p.Difficulty != w.diff || len(p.Y) != w.n || len(p.Coef) != w.p {
			t.Errorf("problem %d: got %s %s n=%d p=%d, README %+v", i, p.Name, p.Difficulty, len(p.Y), len(p.Coef), w)
		}
		if len(p.StdErr) != len(p.Coef) || len(p.YText) != len(p.Y) {
			t.Errorf("%s: lengths coef %d stderr %d y %d ytext %d", p.Name, len(p.Coef), len(p.StdErr), len(p.Y), len(p.YText))
		}
		d := p.Design()
		slopes := len(p.Coef)
		if p.Intercept {
			slopes--
		}
		if len(d) != slopes {
			t.Errorf("%s: Design has %d columns, want %d", p.Name, len(d), slopes)
		}
		for j := range p.X {
			for k, s := range p.XText[j] {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil || v != p.X[j][k] {
					t.Errorf("%s: XText[%d][%d]=%q vs X %v", p.Name, j, k, s, p.X[j][k])
				}
			}
		}
		if !(p.R2 > 0 && p.R2 <= 1) || p.ResidualSD < 0 {
			t.Errorf("%s: R2=%v residual SD=%v", p.Name, p.R2, p.ResidualSD)
		}
	}
	// Facts from the NIST headers.
	byName := map[string]Linear{}
	for _, p := range got {
		byName[p.Name] = p
	}
	for name, deg := range map[string]int{"Norris": 1, "Pontius": 2, "NoInt1": 1, "NoInt2": 1, "Filip": 10, "Wampler1": 5, "Wampler5": 5, "Longley": 1} {
		if byName[name].Degree != deg {
			t.Errorf("%s: degree %d, want %d", name, byName[name].Degree, deg)
		}
	}
	if byName["NoInt1"].Intercept || byName["NoInt2"].Intercept || !byName["Filip"].Intercept {
		t.Error("intercept flags wrong")
	}
	if l := byName["Longley"]; len(l.X) != 6 || l.Coef[0] != -3482258.63459582 || l.StdErr[6] != 455.478499142212 {
		t.Errorf("Longley: %d predictors, B0=%v, sd(B6)=%v", len(l.X), l.Coef[0], l.StdErr[6])
	}
	if f := byName["Filip"]; f.Coef[10] != -0.402962525080404e-04 || f.ResidualSD != 0.334801051324544e-02 || f.R2 != 0.996727416185620 {
		t.Errorf("Filip: B10=%v sd=%v R2=%v", f.Coef[10], f.ResidualSD, f.R2)
	}
	// Wampler1: y = 1 + x + x² + x³ + x⁴ + x⁵ exactly.
	w := byName["Wampler1"]
	for i, v := range w.Coef {
		if v != 1 || w.StdErr[i] != 0 {
			t.Errorf("Wampler1 B%d = %v ± %v, want 1 ± 0", i, v, w.StdErr[i])
		}
	}
	d := w.Design()
	for i := range w.Y {
		s := 1.0
		for _, c := range d {
			s += c[i]
		}
		if s != w.Y[i] {
			t.Errorf("Wampler1 row %d: 1+x+…+x⁵ = %v, y = %v", i, s, w.Y[i])
		}
	}
}

func TestNonlinearMatchesReadme(t *testing.T) {
	_, want := readmeTables(t)
	got := NonlinearProblems()
	if len(want) != 27 || len(got) != 27 { // the README says 27 nonlinear files
		t.Fatalf("got %d problems, README lists %d, want 27", len(got), len(want))
	}
	for i, p := range got {
		w := want[i]
		if p.Name != w.name || p.Difficulty != w.diff || p.N != w.n || len(p.Params) != w.p {
			t.Errorf("problem %d: got %s %s n=%d p=%d, README %+v", i, p.Name, p.Difficulty, p.N, len(p.Params), w)
		}
		k := len(p.Params)
		if len(p.Start1) != k || len(p.Start2) != k || len(p.Certified) != k || len(p.StdErr) != k {
			t.Errorf("%s: vector lengths differ", p.Name)
		}
		// NIST's Rat43.dat prints 9 degrees of freedom where n−k = 11.
		if wantDF := p.N - k; p.DF != wantDF && !(p.Name == "Rat43" && p.DF == 9) {
			t.Errorf("%s: DF %d, want n−k = %d", p.Name, p.DF, wantDF)
		}
		// ResidualSD² = RSS/(n−k): both are certified to 11 digits, so they
		// agree to about 1e-10 relative.
		if r := p.ResidualSD * p.ResidualSD * float64(p.N-k) / p.RSS; math.Abs(r-1) > 1e-9 {
			t.Errorf("%s: residual SD²·DF/RSS = %v", p.Name, r)
		}
		for name, col := range p.X {
			if len(col) != p.N {
				t.Errorf("%s: %s has %d values", p.Name, name, len(col))
			}
		}
	}
	if r := got[17]; r.Name != "Roszman1" || r.Certified[0] != 2.0196866396e-01 {
		t.Errorf("Roszman1 b1 = %v, want NIST's 2.0196866396E-01", r.Certified[0])
	}
}

// TestNonlinearModelsReproduceRSS evaluates each hand-written model string at
// the certified parameters and checks that the residual sum of squares is the
// certified one. The certified parameters carry 11 significant digits, so the
// RSS they give agrees with the certified RSS to about 1e-9 relative at a
// minimum (first-order terms vanish); 1e-6 leaves room for problems whose RSS
// is a small difference of large numbers. Lanczos1 is fitted almost exactly
// (certified RSS 1.4e-25): there rounding the parameters to 11 digits alone
// leaves residuals of order 1e-10·max|y|, so an absolute allowance of
// n·(1e-10·max|y|)² is added.
func TestNonlinearModelsReproduceRSS(t *testing.T) {
	for _, p := range NonlinearProblems() {
		vars := map[string]float64{"pi": math.Pi}
		for j, name := range p.Params {
			vars[name] = p.Certified[j]
		}
		e, err := parseExpr(p.Model)
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		rss, ymax := 0.0, 0.0
		for i := range p.Y {
			ymax = math.Max(ymax, math.Abs(p.Y[i]))
			for name, col := range p.X {
				vars[name] = col[i]
			}
			r := p.Y[i] - e(vars)
			rss += r * r
		}
		floor := float64(p.N) * (1e-10 * ymax) * (1e-10 * ymax)
		if d := math.Abs(rss - p.RSS); !(d <= 1e-6*p.RSS+floor) {
			t.Errorf("%s: RSS at certified values %.10e, certified %.10e (rel %.1e)", p.Name, rss, p.RSS, d/p.RSS)
		}
	}
}

func TestLRE(t *testing.T) {
	for _, c := range []struct{ est, cert, digits, want float64 }{
		{1.0000001, 1, 15, 7},
		{1, 1, 15, 15},
		{1e-13, 0, 15, 13},
		{2, 1, 15, 0},
		{math.NaN(), 1, 15, 0},
	} {
		if got := LRE(c.est, c.cert, c.digits); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("LRE(%v, %v) = %v, want %v", c.est, c.cert, got, c.want)
		}
	}
}

func TestTextListsFiles(t *testing.T) {
	lin, _ := fs.Glob(Text(), "linear/*.dat")
	nl, _ := fs.Glob(Text(), "nonlinear/*.dat")
	if len(lin) != 11 || len(nl) != 27 {
		t.Errorf("embedded %d linear, %d nonlinear files; want 11, 27", len(lin), len(nl))
	}
}

// parseExpr is a minimal recursive-descent evaluator for the model strings,
// used only to check them: + - * / ^ ** unary minus, parentheses, numbers,
// names, and the functions exp, log, sqrt, sin, cos, tan, atan, abs.
func parseExpr(s string) (func(map[string]float64) float64, error) {
	p := &exprParser{s: s}
	f := p.sum()
	p.space()
	if p.err == nil && p.i != len(p.s) {
		p.err = fmt.Errorf("trailing %q", p.s[p.i:])
	}
	return f, p.err
}

type exprParser struct {
	s   string
	i   int
	err error
}

type evalFn = func(map[string]float64) float64

func (p *exprParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *exprParser) peek(tok string) bool {
	p.space()
	return strings.HasPrefix(p.s[p.i:], tok)
}

func (p *exprParser) sum() evalFn {
	l := p.product()
	for {
		switch {
		case p.peek("+"):
			p.i++
			a, b := l, p.product()
			l = func(v map[string]float64) float64 { return a(v) + b(v) }
		case p.peek("-"):
			p.i++
			a, b := l, p.product()
			l = func(v map[string]float64) float64 { return a(v) - b(v) }
		default:
			return l
		}
	}
}

func (p *exprParser) product() evalFn {
	l := p.unary()
	for {
		switch {
		case p.peek("**"):
			return l // handled by power
		case p.peek("*"):
			p.i++
			a, b := l, p.unary()
			l = func(v map[string]float64) float64 { return a(v) * b(v) }
		case p.peek("/"):
			p.i++
			a, b := l, p.unary()
			l = func(v map[string]float64) float64 { return a(v) / b(v) }
		default:
			return l
		}
	}
}

// unary: -unary | power; so -a^2 = -(a^2).
func (p *exprParser) unary() evalFn {
	if p.peek("-") {
		p.i++
		a := p.unary()
		return func(v map[string]float64) float64 { return -a(v) }
	}
	return p.power()
}

func (p *exprParser) power() evalFn {
	base := p.atom()
	if p.peek("^") || p.peek("**") {
		if p.s[p.i] == '*' {
			p.i++
		}
		p.i++
		a, b := base, p.unary() // right-associative
		return func(v map[string]float64) float64 { return math.Pow(a(v), b(v)) }
	}
	return base
}

var exprFuncs = map[string]func(float64) float64{
	"exp": math.Exp, "log": math.Log, "sqrt": math.Sqrt, "sin": math.Sin, "cos": math.Cos,
	"tan": math.Tan, "atan": math.Atan, "abs": math.Abs,
}

func (p *exprParser) atom() evalFn {
	p.space()
	if p.err != nil || p.i >= len(p.s) {
		if p.err == nil {
			p.err = fmt.Errorf("unexpected end")
		}
		return func(map[string]float64) float64 { return math.NaN() }
	}
	c := rune(p.s[p.i])
	switch {
	case c == '(':
		p.i++
		e := p.sum()
		if !p.peek(")") {
			p.err = fmt.Errorf("missing ) at %d", p.i)
		} else {
			p.i++
		}
		return e
	case unicode.IsDigit(c) || c == '.':
		j := p.i
		for j < len(p.s) && (unicode.IsDigit(rune(p.s[j])) || p.s[j] == '.') {
			j++
		}
		x, err := strconv.ParseFloat(p.s[p.i:j], 64)
		if err != nil {
			p.err = err
		}
		p.i = j
		return func(map[string]float64) float64 { return x }
	case unicode.IsLetter(c):
		j := p.i
		for j < len(p.s) && (unicode.IsLetter(rune(p.s[j])) || unicode.IsDigit(rune(p.s[j]))) {
			j++
		}
		name := p.s[p.i:j]
		p.i = j
		if f, ok := exprFuncs[name]; ok {
			if !p.peek("(") {
				p.err = fmt.Errorf("%s without (", name)
			}
			a := p.atom()
			return func(v map[string]float64) float64 { return f(a(v)) }
		}
		return func(v map[string]float64) float64 {
			x, ok := v[name]
			if !ok {
				return math.NaN()
			}
			return x
		}
	}
	p.err = fmt.Errorf("unexpected %q at %d", c, p.i)
	return func(map[string]float64) float64 { return math.NaN() }
}

func TestAccuracy(t *testing.T) {
	p := LinearProblems()[0] // Norris
	a := p.Accuracy(p.Coef, p.StdErr, p.ResidualSD, p.R2)
	if a.Min != 15 { // exact values score the cap
		t.Errorf("certified values score %v", a.Min)
	}
	coef := append([]float64(nil), p.Coef...)
	coef[1] *= 1 + 1e-9
	if a := p.Accuracy(coef, p.StdErr, p.ResidualSD, p.R2); math.Abs(a.Min-9) > 0.01 || math.Abs(a.Coef[1]-9) > 0.01 {
		t.Errorf("relative error 1e-9 scores %v (coef %v)", a.Min, a.Coef[1])
	}
	q := NonlinearProblems()[0] // Misra1a
	b := q.Accuracy(q.Certified, nil, q.RSS*(1+1e-6), 0)
	if math.Abs(b.Min-6) > 0.01 || b.Params[0] != 11 {
		t.Errorf("nonlinear: %+v", b)
	}
}
