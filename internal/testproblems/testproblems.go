// Package testproblems parses the NIST Statistical Reference Datasets (StRD)
// for linear and nonlinear least-squares regression, embedded by its
// subpackage strd, into problems with their certified answers.
//
// The linear suite (11 problems) was certified by NIST with 500-digit
// arithmetic and is given to 15 significant digits; the nonlinear suite
// (27 problems) to 11 significant digits. Accuracy against a certified value
// c is measured by the log relative error
//
//	LRE(x, c) = −log10(|x − c| / |c|)   (−log10|x − c| when c = 0)
//
// (McCullough 1998, "Assessing the reliability of statistical software",
// The American Statistician 52(4)), see LRE.
//
// Reference: NIST/ITL StRD, https://www.itl.nist.gov/div898/strd/.
package testproblems

import (
	"bufio"
	"fmt"
	"io/fs"
	"math"
	"math/big"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/lsqgo/lsq/internal/testproblems/strd"
)

// Linear is one NIST StRD linear least-squares problem.
type Linear struct {
	Name       string // file name without .dat, e.g. "Filip"
	Difficulty string // "Lower", "Average" or "Higher"

	Y []float64   // response
	X [][]float64 // predictor columns as in the file: one for polynomial problems, six for Longley

	// YText and XText hold the decimal text of each value exactly as in the
	// file, for reading into extended precision. XText[j][i] is X[j][i].
	YText []string
	XText [][]string

	// Degree is the polynomial degree in the single predictor x for
	// one-predictor problems (Norris 1, Pontius 2, NoInt1/NoInt2 1,
	// Filip 10, Wampler1–5 5). It is 1 for Longley, whose six predictors
	// each enter linearly.
	Degree int

	// Intercept reports whether the model has the constant term B0
	// (false for NoInt1 and NoInt2).
	Intercept bool

	// Coef and StdErr are the certified estimates and their standard
	// deviations, B0..Bk, B0 present only when Intercept; the order of
	// B1..Bk is the order of the columns of Design.
	Coef, StdErr []float64

	// ResidualSD is the certified residual standard deviation
	// sqrt(RSS/(n−p)); R2 the certified R². For the no-intercept problems
	// NIST certifies the uncentred R² = 1 − RSS/Σy².
	ResidualSD, R2 float64
}

// Design returns the design columns without an intercept column: x, x², …,
// x^Degree for one-predictor problems (powers formed by repeated
// multiplication in float64), or a copy of Longley's six predictors.
func (p Linear) Design() [][]float64 {
	if len(p.X) != 1 {
		out := make([][]float64, len(p.X))
		for j, c := range p.X {
			out[j] = append([]float64(nil), c...)
		}
		return out
	}
	x := p.X[0]
	out := make([][]float64, p.Degree)
	for k := range out {
		col := make([]float64, len(x))
		for i, v := range x {
			if k == 0 {
				col[i] = v
			} else {
				col[i] = out[k-1][i] * v
			}
		}
		out[k] = col
	}
	return out
}

// DesignText returns the rows of Design as decimal text: row i holds the
// values of the d design columns for observation i. The powers x^k are
// computed exactly from the decimal text of x (in rational arithmetic) and
// written with 40 significant digits, so that a reader working in extended
// precision sees the design NIST certified, not its float64 rounding.
// Longley's values are its file text.
func (p Linear) DesignText() [][]string {
	n := len(p.Y)
	out := make([][]string, n)
	if len(p.X) != 1 {
		for i := range out {
			row := make([]string, len(p.X))
			for j := range row {
				row[j] = p.XText[j][i]
			}
			out[i] = row
		}
		return out
	}
	for i := range out {
		x, ok := new(big.Rat).SetString(p.XText[0][i])
		if !ok {
			panic("testproblems: bad number " + p.XText[0][i])
		}
		row := make([]string, p.Degree)
		pow := new(big.Rat).SetInt64(1)
		for k := range row {
			pow.Mul(pow, x)
			f := new(big.Float).SetPrec(256).SetRat(pow)
			row[k] = f.Text('e', 39)
		}
		out[i] = row
	}
	return out
}

// Nonlinear is one NIST StRD nonlinear least-squares problem.
type Nonlinear struct {
	Name       string // file name without .dat, e.g. "Misra1a"
	Difficulty string // "Lower", "Average" or "Higher"

	// Model is the model function in lsq's expression syntax, e.g.
	// "b1*(1-exp(-b2*x))". The predictor is named x (Nelson: x1 and x2),
	// the parameters b1..bk; pi is π.
	Model string

	Params []string // "b1".."bk"

	// Start1 and Start2 are NIST's two starting vectors (Start 1 is the
	// harder, farther one); Certified and StdErr the certified estimates
	// and their standard deviations.
	Start1, Start2, Certified, StdErr []float64

	RSS, ResidualSD float64 // certified residual sum of squares and residual SD

	// DF and N are the degrees of freedom and the number of observations as
	// printed by NIST. DF is n−k for every problem except Rat43, whose file
	// says 9 although n−k = 15−4 = 11; its certified ResidualSD is
	// sqrt(RSS/11). Use N−len(Params) when computing.
	DF, N int

	// Y is the response. For Nelson, whose model is log[y] = …, Y holds
	// the natural logarithm of the file's y, so that Y ≈ Model for every
	// problem and the certified RSS is Σ(Y − Model)².
	Y []float64

	// X maps predictor names ("x", or "x1" and "x2" for Nelson) to columns.
	X map[string][]float64
}

// Text returns the embedded files: README.md, SOURCES.txt, linear/*.dat
// and nonlinear/*.dat.
func Text() fs.FS { return strd.FS }

// linearOrder is the order of the README table.
var linearOrder = []string{
	"Norris", "Pontius", "NoInt1", "NoInt2", "Filip", "Longley",
	"Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5",
}

// nonlinearModels lists the nonlinear problems in the README's order with
// their models, transcribed by hand from the NIST headers into the
// expression syntax (arctan → atan, [ ] → ( ), ** → ^).
var nonlinearModels = []struct{ name, model string }{
	{"Misra1a", "b1*(1-exp(-b2*x))"},
	{"Chwirut2", "exp(-b1*x)/(b2+b3*x)"},
	{"Chwirut1", "exp(-b1*x)/(b2+b3*x)"},
	{"Lanczos3", "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)"},
	{"Gauss1", "b1*exp(-b2*x) + b3*exp(-((x-b4)^2)/(b5^2)) + b6*exp(-((x-b7)^2)/(b8^2))"},
	{"Gauss2", "b1*exp(-b2*x) + b3*exp(-((x-b4)^2)/(b5^2)) + b6*exp(-((x-b7)^2)/(b8^2))"},
	{"DanWood", "b1*x^b2"},
	{"Misra1b", "b1*(1-(1+b2*x/2)^(-2))"},
	{"Kirby2", "(b1 + b2*x + b3*x^2) / (1 + b4*x + b5*x^2)"},
	{"Hahn1", "(b1 + b2*x + b3*x^2 + b4*x^3) / (1 + b5*x + b6*x^2 + b7*x^3)"},
	{"Nelson", "b1 - b2*x1*exp(-b3*x2)"},
	{"MGH17", "b1 + b2*exp(-x*b4) + b3*exp(-x*b5)"},
	{"Lanczos1", "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)"},
	{"Lanczos2", "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)"},
	{"Gauss3", "b1*exp(-b2*x) + b3*exp(-((x-b4)^2)/(b5^2)) + b6*exp(-((x-b7)^2)/(b8^2))"},
	{"Misra1c", "b1*(1-(1+2*b2*x)^(-0.5))"},
	{"Misra1d", "b1*b2*x*((1+b2*x)^(-1))"},
	{"Roszman1", "b1 - b2*x - atan(b3/(x-b4))/pi"},
	{"ENSO", "b1 + b2*cos(2*pi*x/12) + b3*sin(2*pi*x/12) + b5*cos(2*pi*x/b4) + b6*sin(2*pi*x/b4) + b8*cos(2*pi*x/b7) + b9*sin(2*pi*x/b7)"},
	{"MGH09", "b1*(x^2 + x*b2) / (x^2 + x*b3 + b4)"},
	{"Thurber", "(b1 + b2*x + b3*x^2 + b4*x^3) / (1 + b5*x + b6*x^2 + b7*x^3)"},
	{"BoxBOD", "b1*(1-exp(-b2*x))"},
	{"Rat42", "b1 / (1+exp(b2-b3*x))"},
	{"MGH10", "b1*exp(b2/(x+b3))"},
	{"Eckerle4", "(b1/b2) * exp(-0.5*((x-b3)/b2)^2)"},
	{"Rat43", "b1 / ((1+exp(b2-b3*x))^(1/b4))"},
	{"Bennett5", "b1*(b2+x)^(-1/b3)"},
}

// LinearProblems returns the 11 linear problems in the README's order
// (Norris, Pontius, NoInt1, NoInt2, Filip, Longley, Wampler1–5).
// It panics if an embedded file does not parse, which a test rules out.
func LinearProblems() []Linear {
	out := make([]Linear, len(linearOrder))
	for i, name := range linearOrder {
		p, err := parseLinear(name)
		if err != nil {
			panic(err)
		}
		out[i] = p
	}
	return out
}

// NonlinearProblems returns the 27 nonlinear problems in the README's order.
// It panics if an embedded file does not parse, which a test rules out.
func NonlinearProblems() []Nonlinear {
	out := make([]Nonlinear, len(nonlinearModels))
	for i, m := range nonlinearModels {
		p, err := parseNonlinear(m.name, m.model)
		if err != nil {
			panic(err)
		}
		out[i] = p
	}
	return out
}

// LRE is the log relative error −log10(|est − cert|/|cert|), or
// −log10|est − cert| when cert = 0, capped at digits (15 for the linear
// suite, 11 for the nonlinear one) and floored at 0. An exact match gives
// digits; NaN gives 0.
func LRE(est, cert, digits float64) float64 {
	d := math.Abs(est - cert)
	if math.IsNaN(d) {
		return 0
	}
	if d == 0 {
		return digits
	}
	if cert != 0 {
		d /= math.Abs(cert)
	}
	l := -math.Log10(d)
	return math.Max(0, math.Min(digits, l))
}

// file is a .dat file split into lines with the line ranges from its
// "File Format" header.
type file struct {
	name  string
	lines []string // lines[0] is line 1
	cert  [2]int   // first and last line of the certified values (1-based)
	data  [2]int   // first and last data line (1-based)
	diff  string
}

var (
	rangeRE = regexp.MustCompile(`^\s*(?:File Format:)?\s*(Certified Values|Data)\s*\(lines\s+(\d+)\s+to\s+(\d+)\)`)
	diffRE  = regexp.MustCompile(`^\s*(Lower|Average|Higher) Level of Difficulty`)
)

func readFile(p string) (*file, error) {
	b, err := fs.ReadFile(strd.FS, p)
	if err != nil {
		return nil, err
	}
	f := &file{name: p}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		f.lines = append(f.lines, sc.Text())
	}
	for i, l := range f.lines {
		if i > 12 && f.diff != "" {
			break
		}
		if m := rangeRE.FindStringSubmatch(l); m != nil {
			a, _ := strconv.Atoi(m[2])
			z, _ := strconv.Atoi(m[3])
			if m[1] == "Data" {
				f.data = [2]int{a, z}
			} else {
				f.cert = [2]int{a, z}
			}
		}
		if m := diffRE.FindStringSubmatch(l); m != nil {
			f.diff = m[1]
		}
	}
	if f.cert[0] == 0 || f.data[0] == 0 || f.diff == "" {
		return nil, fmt.Errorf("testproblems: %s: header lacks line ranges or difficulty", p)
	}
	if f.data[1] > len(f.lines) || f.cert[1] > len(f.lines) {
		return nil, fmt.Errorf("testproblems: %s: has %d lines, header says data end at line %d", p, len(f.lines), f.data[1])
	}
	return f, nil
}

// rows returns the whitespace-separated fields of the data lines.
func (f *file) rows(ncol int) ([][]string, error) {
	var out [][]string
	for ln := f.data[0]; ln <= f.data[1]; ln++ {
		fl := strings.Fields(f.lines[ln-1])
		if len(fl) != ncol {
			return nil, fmt.Errorf("testproblems: %s:%d: %d fields, want %d", f.name, ln, len(fl), ncol)
		}
		out = append(out, fl)
	}
	return out, nil
}

func parseNum(f *file, ln int, s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("testproblems: %s:%d: %v", f.name, ln, err)
	}
	return v, nil
}

var (
	linCoefRE = regexp.MustCompile(`^\s*B(\d+)\s+(\S+)\s+(\S+)\s*$`)
	linSDRE   = regexp.MustCompile(`^\s*Standard Deviation\s+(\S+)\s*$`)
	linR2RE   = regexp.MustCompile(`^\s*R-Squared\s+(\S+)\s*$`)
)

func parseLinear(name string) (Linear, error) {
	f, err := readFile(path.Join("linear", name+".dat"))
	if err != nil {
		return Linear{}, err
	}
	p := Linear{Name: name, Difficulty: f.diff}
	var idx []int
	haveSD, haveR2 := false, false
	for ln := f.cert[0]; ln <= f.cert[1]; ln++ {
		l := f.lines[ln-1]
		if m := linCoefRE.FindStringSubmatch(l); m != nil {
			k, _ := strconv.Atoi(m[1])
			c, err := parseNum(f, ln, m[2])
			if err != nil {
				return p, err
			}
			s, err := parseNum(f, ln, m[3])
			if err != nil {
				return p, err
			}
			idx = append(idx, k)
			p.Coef = append(p.Coef, c)
			p.StdErr = append(p.StdErr, s)
		} else if m := linSDRE.FindStringSubmatch(l); m != nil {
			if p.ResidualSD, err = parseNum(f, ln, m[1]); err != nil {
				return p, err
			}
			haveSD = true
		} else if m := linR2RE.FindStringSubmatch(l); m != nil {
			if p.R2, err = parseNum(f, ln, m[1]); err != nil {
				return p, err
			}
			haveR2 = true
		}
	}
	if len(idx) == 0 || !haveSD || !haveR2 {
		return p, fmt.Errorf("testproblems: %s: certified values incomplete", f.name)
	}
	p.Intercept = idx[0] == 0
	for i, k := range idx {
		want := i
		if !p.Intercept {
			want = i + 1
		}
		if k != want {
			return p, fmt.Errorf("testproblems: %s: parameter B%d out of order", f.name, k)
		}
	}
	// The data header line, just above the data, names the columns.
	hdr := strings.Fields(strings.TrimPrefix(strings.TrimSpace(f.lines[f.data[0]-2]), "Data:"))
	if len(hdr) < 2 || hdr[0] != "y" {
		return p, fmt.Errorf("testproblems: %s:%d: unexpected data header %q", f.name, f.data[0]-1, f.lines[f.data[0]-2])
	}
	nx := len(hdr) - 1
	rows, err := f.rows(len(hdr))
	if err != nil {
		return p, err
	}
	p.X = make([][]float64, nx)
	p.XText = make([][]string, nx)
	for i, r := range rows {
		ln := f.data[0] + i
		v, err := parseNum(f, ln, r[0])
		if err != nil {
			return p, err
		}
		p.Y = append(p.Y, v)
		p.YText = append(p.YText, r[0])
		for j := 0; j < nx; j++ {
			v, err := parseNum(f, ln, r[j+1])
			if err != nil {
				return p, err
			}
			p.X[j] = append(p.X[j], v)
			p.XText[j] = append(p.XText[j], r[j+1])
		}
	}
	nslope := len(p.Coef)
	if p.Intercept {
		nslope--
	}
	if nx == 1 {
		p.Degree = nslope
	} else {
		if nx != nslope {
			return p, fmt.Errorf("testproblems: %s: %d predictors but %d slopes", f.name, nx, nslope)
		}
		p.Degree = 1
	}
	return p, nil
}

var (
	nlParRE = regexp.MustCompile(`^\s*b(\d+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$`)
	nlRSSRE = regexp.MustCompile(`^\s*Residual Sum of Squares:\s+(\S+)\s*$`)
	nlSDRE  = regexp.MustCompile(`^\s*Residual Standard Deviation:\s+(\S+)\s*$`)
	nlDFRE  = regexp.MustCompile(`^\s*Degrees of Freedom:\s+(\d+)\s*$`)
	nlNRE   = regexp.MustCompile(`^\s*Number of Observations:\s+(\d+)\s*$`)
)

func parseNonlinear(name, model string) (Nonlinear, error) {
	f, err := readFile(path.Join("nonlinear", name+".dat"))
	if err != nil {
		return Nonlinear{}, err
	}
	p := Nonlinear{Name: name, Difficulty: f.diff, Model: model}
	var got [4]bool
	for ln := f.cert[0]; ln <= f.cert[1]; ln++ {
		l := f.lines[ln-1]
		if m := nlParRE.FindStringSubmatch(l); m != nil {
			k, _ := strconv.Atoi(m[1])
			if k != len(p.Params)+1 {
				return p, fmt.Errorf("testproblems: %s:%d: parameter b%d out of order", f.name, ln, k)
			}
			var v [4]float64
			for i := range v {
				if v[i], err = parseNum(f, ln, m[i+2]); err != nil {
					return p, err
				}
			}
			p.Params = append(p.Params, "b"+m[1])
			p.Start1 = append(p.Start1, v[0])
			p.Start2 = append(p.Start2, v[1])
			p.Certified = append(p.Certified, v[2])
			p.StdErr = append(p.StdErr, v[3])
		} else if m := nlRSSRE.FindStringSubmatch(l); m != nil {
			p.RSS, err = parseNum(f, ln, m[1])
			got[0] = true
		} else if m := nlSDRE.FindStringSubmatch(l); m != nil {
			p.ResidualSD, err = parseNum(f, ln, m[1])
			got[1] = true
		} else if m := nlDFRE.FindStringSubmatch(l); m != nil {
			p.DF, err = strconv.Atoi(m[1])
			got[2] = true
		} else if m := nlNRE.FindStringSubmatch(l); m != nil {
			p.N, err = strconv.Atoi(m[1])
			got[3] = true
		}
		if err != nil {
			return p, err
		}
	}
	if len(p.Params) == 0 || got != [4]bool{true, true, true, true} {
		return p, fmt.Errorf("testproblems: %s: certified values incomplete", f.name)
	}
	hdr := strings.Fields(strings.TrimPrefix(strings.TrimSpace(f.lines[f.data[0]-2]), "Data:"))
	if len(hdr) < 2 || hdr[0] != "y" {
		return p, fmt.Errorf("testproblems: %s:%d: unexpected data header %q", f.name, f.data[0]-1, f.lines[f.data[0]-2])
	}
	rows, err := f.rows(len(hdr))
	if err != nil {
		return p, err
	}
	p.X = make(map[string][]float64, len(hdr)-1)
	for i, r := range rows {
		ln := f.data[0] + i
		for j, h := range hdr {
			v, err := parseNum(f, ln, r[j])
			if err != nil {
				return p, err
			}
			if j == 0 {
				if name == "Nelson" {
					v = math.Log(v)
				}
				p.Y = append(p.Y, v)
			} else {
				p.X[h] = append(p.X[h], v)
			}
		}
	}
	if len(p.Y) != p.N {
		return p, fmt.Errorf("testproblems: %s: %d data rows, header says %d observations", f.name, len(p.Y), p.N)
	}
	return p, nil
}

// LinearAccuracy holds the LRE (see LRE, capped at 15 digits) of each
// certified quantity of a linear problem, and their minimum.
type LinearAccuracy struct {
	Coef, StdErr   []float64 // B0..Bk, as Linear.Coef
	ResidualSD, R2 float64
	Min            float64
}

// Accuracy scores estimates against the certified values. coef and stdErr
// are in the order of p.Coef: the intercept first when p.Intercept, then one
// per Design column. It panics if their lengths differ from len(p.Coef).
func (p Linear) Accuracy(coef, stdErr []float64, residualSD, r2 float64) LinearAccuracy {
	if len(coef) != len(p.Coef) || len(stdErr) != len(p.Coef) {
		panic(fmt.Sprintf("testproblems: %s has %d parameters, got %d estimates and %d standard errors", p.Name, len(p.Coef), len(coef), len(stdErr)))
	}
	const digits = 15
	a := LinearAccuracy{Min: digits}
	lre := func(e, c float64) float64 {
		l := LRE(e, c, digits)
		a.Min = math.Min(a.Min, l)
		return l
	}
	for k := range coef {
		a.Coef = append(a.Coef, lre(coef[k], p.Coef[k]))
		a.StdErr = append(a.StdErr, lre(stdErr[k], p.StdErr[k]))
	}
	a.ResidualSD = lre(residualSD, p.ResidualSD)
	a.R2 = lre(r2, p.R2)
	return a
}

// NonlinearAccuracy holds the LRE (capped at 11 digits, NIST's precision
// for this suite) of each certified quantity of a nonlinear problem, and
// their minimum.
type NonlinearAccuracy struct {
	Params, StdErr  []float64
	RSS, ResidualSD float64
	Min             float64
}

// Accuracy scores estimates against the certified values. It panics if the
// lengths of params or stdErr differ from len(p.Params); pass nil stdErr to
// score the parameters and RSS only.
func (p Nonlinear) Accuracy(params, stdErr []float64, rss, residualSD float64) NonlinearAccuracy {
	if len(params) != len(p.Params) || (stdErr != nil && len(stdErr) != len(p.Params)) {
		panic(fmt.Sprintf("testproblems: %s has %d parameters, got %d estimates and %d standard errors", p.Name, len(p.Params), len(params), len(stdErr)))
	}
	const digits = 11
	a := NonlinearAccuracy{Min: digits}
	lre := func(e, c float64) float64 {
		l := LRE(e, c, digits)
		a.Min = math.Min(a.Min, l)
		return l
	}
	for k := range params {
		a.Params = append(a.Params, lre(params[k], p.Certified[k]))
		if stdErr != nil {
			a.StdErr = append(a.StdErr, lre(stdErr[k], p.StdErr[k]))
		}
	}
	a.RSS = lre(rss, p.RSS)
	if stdErr != nil {
		a.ResidualSD = lre(residualSD, p.ResidualSD)
	}
	return a
}
