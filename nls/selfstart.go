package nls

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/lsqgo/lsq/expr"
)

// SelfStart is one of R's self-starting models (package stats, Pinheiro &
// Bates 2000, appendix C), which compute their starting values from the
// data:
//
//	SSlogis(input, Asym, xmid, scal)     Asym/(1 + exp((xmid − input)/scal))
//	SSasymp(input, Asym, R0, lrc)        Asym + (R0 − Asym)·exp(−exp(lrc)·input)
//	SSmicmen(input, Vm, K)               Vm·input/(K + input)
//	SSgompertz(input, Asym, b2, b3)      Asym·exp(−b2·b3^input)
//	SSfpl(input, A, B, xmid, scal)       A + (B − A)/(1 + exp((xmid − input)/scal))
//
// input is an expression in the data columns (log(conc), say).
type SelfStart struct {
	Kind   string   // "SSlogis", "SSasymp", "SSmicmen", "SSgompertz" or "SSfpl"
	Input  string   // the input expression
	Params []string // the parameter names, in the order above
}

// selfStarts holds, per model, its default parameter names, its formula
// in the input "x", and the least number of distinct input values its
// initial function needs (R's checks).
var selfStarts = map[string]struct {
	params   []string
	formula  string
	distinct int
}{
	"SSlogis":    {[]string{"Asym", "xmid", "scal"}, "Asym/(1+exp((xmid-x)/scal))", 4},
	"SSasymp":    {[]string{"Asym", "R0", "lrc"}, "Asym+(R0-Asym)*exp(-exp(lrc)*x)", 3},
	"SSmicmen":   {[]string{"Vm", "K"}, "Vm*x/(K+x)", 3},
	"SSgompertz": {[]string{"Asym", "b2", "b3"}, "Asym*exp(-b2*b3^x)", 4},
	"SSfpl":      {[]string{"A", "B", "xmid", "scal"}, "A+(B-A)/(1+exp((xmid-x)/scal))", 5},
}

// ParseSelfStart recognises a self-starting model written as R writes it,
// "SSlogis(log(conc), Asym, xmid, scal)", or with the input only,
// "SSlogis(log(conc))" (the default parameter names above). ok is false
// when model is not a call of one of the five; err reports a malformed one.
func ParseSelfStart(model string) (m *SelfStart, ok bool, err error) {
	s := strings.TrimSpace(model)
	open := strings.IndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return nil, false, nil
	}
	kind := strings.TrimSpace(s[:open])
	def, known := selfStarts[kind]
	if !known {
		return nil, false, nil
	}
	args, depth, start := []string(nil), 0, open+1
	for i := open + 1; i < len(s)-1; i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return nil, false, nil // "SSlogis(x) + (…)": not one call
			}
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, true, fmt.Errorf("%s: unbalanced parentheses", model)
	}
	args = append(args, strings.TrimSpace(s[start:len(s)-1]))
	if args[0] == "" {
		return nil, true, fmt.Errorf("%s: the first argument is the input, an expression in the data columns", model)
	}
	if _, err := expr.Parse(args[0]); err != nil {
		return nil, true, fmt.Errorf("%s: input: %w", kind, err)
	}
	m = &SelfStart{Kind: kind, Input: args[0], Params: def.params}
	if len(args) > 1 {
		if len(args)-1 != len(def.params) {
			return nil, true, fmt.Errorf("%s takes the input and %d parameter names (%s), got %d names",
				kind, len(def.params), strings.Join(def.params, ", "), len(args)-1)
		}
		m.Params = args[1:]
		for _, p := range m.Params {
			if e, err := expr.Parse(p); err != nil || len(e.Names()) != 1 || e.Names()[0] != p {
				return nil, true, fmt.Errorf("%s: parameter %q is not a name", kind, p)
			}
		}
	}
	return m, true, nil
}

// Expr returns the model as an expression for Curve, with the input in
// parentheses.
func (m *SelfStart) Expr() string {
	def := selfStarts[m.Kind]
	// Substitute names token by token: parameters, then the input x.
	var b strings.Builder
	src := def.formula
	for i := 0; i < len(src); {
		j := i
		for j < len(src) && (src[j] == '_' || 'a' <= src[j] && src[j] <= 'z' || 'A' <= src[j] && src[j] <= 'Z' || j > i && '0' <= src[j] && src[j] <= '9') {
			j++
		}
		if j == i {
			b.WriteByte(src[i])
			i++
			continue
		}
		word := src[i:j]
		switch {
		case word == "x":
			b.WriteString("(" + m.Input + ")")
		case indexOf(def.params, word) >= 0:
			b.WriteString(m.Params[indexOf(def.params, word)])
		default:
			b.WriteString(word)
		}
		i = j
	}
	return b.String()
}

func indexOf(s []string, v string) int {
	for i, w := range s {
		if w == v {
			return i
		}
	}
	return -1
}

// Initial computes the starting values from the input values x and the
// responses y as R's initial function of the model does: on the averages
// of y at each distinct x, sorted by x (sortedXyData; x values equal to 15
// significant digits, as R's grouping by their printed form, are one), a
// linearising regression gives the nonlinear parameters, least squares the
// conditionally linear ones, and a fit of the model to the averages from
// there gives the starting values (R fits by its partially linear
// algorithm, "plinear"; here Levenberg–Marquardt on all the parameters,
// which converges to the same least-squares point). For SSgompertz the
// first stage is itself such a fit of an asymptotic model to log|y|
// (NLSstAsymptotic).
//
// The errors say why no start could be found: too few distinct x, a
// response range that the linearisation cannot use, or a fit that failed.
func (m *SelfStart) Initial(ctx context.Context, x, y []float64) (map[string]float64, error) {
	def := selfStarts[m.Kind]
	if len(x) != len(y) {
		panic("nls: SelfStart.Initial with x and y of different lengths")
	}
	xs, ys := sortedXY(x, y)
	if len(xs) < def.distinct {
		return nil, fmt.Errorf("%s: %d distinct input values; its starting values need at least %d", m.Kind, len(xs), def.distinct)
	}
	var start []float64 // in def.params order
	var err error
	switch m.Kind {
	case "SSlogis":
		start, err = logisStart(xs, ys)
	case "SSmicmen":
		start, err = micmenStart(xs, ys)
	case "SSasymp":
		start, err = asympStart(ctx, xs, ys)
	case "SSgompertz":
		start, err = gompertzStart(ctx, xs, ys)
	case "SSfpl":
		start, err = fplStart(xs, ys)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Kind, err)
	}
	fitted, err := fitAverages(ctx, def.formula, def.params, xs, ys, start)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Kind, err)
	}
	out := map[string]float64{}
	for i, p := range m.Params {
		out[p] = fitted[i]
	}
	return out, nil
}

// sortedXY is R's sortedXyData: the mean of y at each distinct x, sorted
// by x, x grouped by its 15-significant-digit decimal form.
func sortedXY(x, y []float64) ([]float64, []float64) {
	type acc struct {
		x, sum float64
		n      int
	}
	groups := map[string]*acc{}
	for i, v := range x {
		if math.IsNaN(v) || math.IsNaN(y[i]) {
			continue // na.rm
		}
		k := strconv.FormatFloat(v, 'g', 15, 64)
		g := groups[k]
		if g == nil {
			xv, _ := strconv.ParseFloat(k, 64)
			g = &acc{x: xv}
			groups[k] = g
		}
		g.sum += y[i]
		g.n++
	}
	list := make([]*acc, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].x < list[j].x })
	xs, ys := make([]float64, len(list)), make([]float64, len(list))
	for i, g := range list {
		xs[i], ys[i] = g.x, g.sum/float64(g.n)
	}
	return xs, ys
}

// line is the least-squares line v ≈ a + b·u (R's lm(v ~ u)).
func line(u, v []float64) (a, b float64) {
	var mu, mv float64
	for i := range u {
		mu += u[i]
		mv += v[i]
	}
	mu /= float64(len(u))
	mv /= float64(len(v))
	var suu, suv float64
	for i := range u {
		suu += (u[i] - mu) * (u[i] - mu)
		suv += (u[i] - mu) * (v[i] - mv)
	}
	b = suv / suu
	return mv - b*mu, b
}

// linear2 solves min ‖y − c₁f₁ − c₂f₂‖ (f₂ nil: one column) by the normal
// equations, which is enough for starting values.
func linear2(f1, f2, y []float64) (c1, c2 float64) {
	var a11, a12, a22, b1, b2 float64
	for i := range y {
		a11 += f1[i] * f1[i]
		b1 += f1[i] * y[i]
		if f2 != nil {
			a12 += f1[i] * f2[i]
			a22 += f2[i] * f2[i]
			b2 += f2[i] * y[i]
		}
	}
	if f2 == nil {
		return b1 / a11, 0
	}
	det := a11*a22 - a12*a12
	return (b1*a22 - b2*a12) / det, (a11*b2 - a12*b1) / det
}

func finite(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// logitScale is R's rescaling of y into (0, 1) before the logit:
// (y − min + 0.05·range)/(1.1·range), and its logit.
func logitScale(y []float64) ([]float64, error) {
	lo, hi := y[0], y[0]
	for _, v := range y {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	d := hi - lo
	if !(d > 0) {
		return nil, fmt.Errorf("the averaged responses are all equal (%g): no curve to start from", lo)
	}
	z := make([]float64, len(y))
	for i, v := range y {
		p := (v - lo + 0.05*d) / (1.1 * d)
		z[i] = math.Log(p / (1 - p))
	}
	return z, nil
}

func logisStart(x, y []float64) ([]float64, error) {
	z, err := logitScale(y)
	if err != nil {
		return nil, err
	}
	xmid, scal := line(z, x) // lm(x ~ z)
	f := make([]float64, len(x))
	for i, v := range x {
		f[i] = 1 / (1 + math.Exp((xmid-v)/scal))
	}
	asym, _ := linear2(f, nil, y)
	return []float64{asym, xmid, scal}, nil
}

func fplStart(x, y []float64) ([]float64, error) {
	z, err := logitScale(y)
	if err != nil {
		return nil, err
	}
	xmid, scal := line(z, x) // lm(x ~ log(prop/(1 − prop)))
	scal = math.Abs(scal)    // R starts from lscal = log|slope|
	one, f := make([]float64, len(x)), make([]float64, len(x))
	for i, v := range x {
		one[i] = 1
		f[i] = 1 / (1 + math.Exp((xmid-v)/scal))
	}
	a, ba := linear2(one, f, y)
	return []float64{a, a + ba, xmid, scal}, nil
}

func micmenStart(x, y []float64) ([]float64, error) {
	u, v := make([]float64, len(x)), make([]float64, len(x))
	for i := range x {
		u[i], v[i] = 1/x[i], 1/y[i]
	}
	a, b := line(u, v) // lm(1/y ~ I(1/x)): Lineweaver–Burk
	k := math.Abs(b / a)
	if !finite(k) {
		return nil, fmt.Errorf("the Lineweaver–Burk line through (1/x, 1/y) gives K = %v; check for zero inputs or responses", k)
	}
	f := make([]float64, len(x))
	for i, xv := range x {
		f[i] = xv / (k + xv)
	}
	vm, _ := linear2(f, nil, y)
	return []float64{vm, k}, nil
}

// rtAsymptote is R's NLSstRtAsymptote: a guess at the right-hand asymptote,
// one eighth of the range beyond the end of the range that the last
// response is nearer to.
func rtAsymptote(y []float64) float64 {
	lo, hi := y[0], y[0]
	for _, v := range y {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	last := y[len(y)-1]
	if math.Abs(hi-last) < math.Abs(lo-last) {
		return hi + (hi-lo)/8
	}
	return lo - (hi-lo)/8
}

// rateStart is log(−slope) of lm(log|y − rt| ~ x): the log rate constant of
// an exponential approach to rt.
func rateStart(x, y []float64) (float64, error) {
	rt := rtAsymptote(y)
	l := make([]float64, len(y))
	for i, v := range y {
		l[i] = math.Log(math.Abs(v - rt))
	}
	_, b := line(x, l)
	lrc := math.Log(-b)
	if !finite(lrc) {
		return 0, fmt.Errorf("the responses do not approach an asymptote (the log distance to it grows with the input)")
	}
	return lrc, nil
}

func asympStart(_ context.Context, x, y []float64) ([]float64, error) {
	if len(x) == 3 {
		return asymp3(x, y)
	}
	lrc, err := rateStart(x, y)
	if err != nil {
		return nil, err
	}
	f1, f2 := make([]float64, len(x)), make([]float64, len(x))
	for i, v := range x {
		e := math.Exp(-math.Exp(lrc) * v)
		f1[i], f2[i] = 1-e, e
	}
	asym, r0 := linear2(f1, f2, y)
	return []float64{asym, r0, lrc}, nil
}

// asymp3 is R's closed form for three equally spaced inputs: the curve
// through the three averages.
func asymp3(x, y []float64) ([]float64, error) {
	d1, d2 := y[1]-y[0], y[2]-y[1]
	if d1*d2 <= 0 {
		return nil, fmt.Errorf("the three averaged responses are not monotone: no asymptotic regression through them")
	}
	if x[1]-x[0] != x[2]-x[1] {
		return nil, fmt.Errorf("three distinct inputs that are not equally spaced: too few observations to fit an asymptotic regression model (R's condition)")
	}
	expmRd := (y[2]-y[0])/d1 - 1
	rc := -math.Log(expmRd) / (x[1] - x[0])
	e1 := math.Exp(-rc * x[0])
	bma := d1 / (e1 * (expmRd - 1))
	asym := y[0] - bma*e1
	return []float64{asym, bma + asym, math.Log(rc)}, nil
}

func gompertzStart(ctx context.Context, x, y []float64) ([]float64, error) {
	// NLSstAsymptotic on (x, log|y|): b0 + b1·(1 − exp(−exp(lrc)·x)).
	ly := make([]float64, len(y))
	for i, v := range y {
		ly[i] = math.Log(math.Abs(v))
	}
	lrc, err := rateStart(x, ly)
	if err != nil {
		return nil, err
	}
	one, f := make([]float64, len(x)), make([]float64, len(x))
	for i, v := range x {
		one[i] = 1
		f[i] = 1 - math.Exp(-math.Exp(lrc)*v)
	}
	b0, b1 := linear2(one, f, ly)
	asy, err := fitAverages(ctx, "b0+b1*(1-exp(-exp(lrc)*x))", []string{"b0", "b1", "lrc"}, x, ly, []float64{b0, b1, lrc})
	if err != nil {
		return nil, fmt.Errorf("the asymptotic fit to log|y|: %w", err)
	}
	b2, b3 := asy[1], math.Exp(-math.Exp(asy[2]))
	for i, v := range x {
		f[i] = math.Exp(-b2 * math.Pow(b3, v))
	}
	asym, _ := linear2(f, nil, y)
	return []float64{asym, b2, b3}, nil
}

// fitAverages fits formula (in the input x) to (x, y) from start, all in
// the order of params, and returns the estimates in that order.
func fitAverages(ctx context.Context, formula string, params []string, x, y, start []float64) ([]float64, error) {
	if !finite(start...) {
		return nil, fmt.Errorf("the linearisation gave non-finite starting values %v", start)
	}
	st := map[string]float64{}
	for i, p := range params {
		st[p] = start[i]
	}
	res, err := Curve(ctx, formula, y, map[string][]float64{"x": x}, st, nil)
	if err != nil {
		return nil, err
	}
	if !res.Status.Converged() {
		return nil, fmt.Errorf("the fit to the averaged data from %v did not converge: %s", start, res.Message)
	}
	out := make([]float64, len(params))
	for i, p := range params {
		out[i] = res.X[indexOf(res.Names, p)]
	}
	return out, nil
}

// InputValues evaluates the input expression on the data columns. The
// error names a column the input uses that cols lacks, or the first row
// where the input is not finite (log of 0, say).
func (m *SelfStart) InputValues(cols map[string][]float64) ([]float64, error) {
	e, err := expr.Parse(m.Input)
	if err != nil {
		return nil, err
	}
	names := e.Names()
	data := make([][]float64, len(names))
	n := -1
	for i, c := range names {
		v, ok := cols[c]
		if !ok {
			return nil, fmt.Errorf("%s: the input %s uses %q, which is not a data column", m.Kind, m.Input, c)
		}
		data[i] = v
		n = len(v)
	}
	if n < 0 {
		return nil, fmt.Errorf("%s: the input %s uses no data column", m.Kind, m.Input)
	}
	prog, err := e.Compile(nil, names)
	if err != nil {
		return nil, err
	}
	out := make([]float64, n)
	prog.Eval(out, nil, data)
	if i := firstBad(out); i >= 0 {
		return nil, fmt.Errorf("%s: the input %s is %v at data row %d", m.Kind, m.Input, out[i], i+1)
	}
	return out, nil
}
