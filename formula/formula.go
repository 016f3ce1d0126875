package formula

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// maxPoly bounds the degree of poly(x, k): raw powers beyond it are so
// ill-conditioned that a fit is meaningless.
const maxPoly = 20

// factor is one column-producing item of a term: a column, an expression
// (I(...), log(...), exp(...)), or a polynomial basis poly(x, k) that
// produces k columns.
type factor struct {
	text   string // display name: "x1", "I(x1^2)", "log(x)", "poly(x,2)"
	expr   *node  // value of the factor, or the base of poly
	degree int    // > 0 for poly
	raw    bool   // poly(x, k, raw = TRUE): raw powers, not R's orthogonal basis
	dot    bool   // the "." placeholder
	cat    catKind
	ref    string // the reference level chosen by C(x, Treatment(ref)) or relevel
	offset bool   // offset(expr): a known part of the response, coefficient 1
}

// catKind says whether a factor is categorical.
type catKind int

const (
	catAuto   catKind = iota // a bare column: categorical when its values are text
	catNever                 // an arithmetic expression or poly: numeric
	catAlways                // factor(x), C(x, ...), relevel(x, ...)
)

// term is an interaction of factors; the empty term is the intercept.
type term []*factor

func (t term) key() string {
	k := make([]string, len(t))
	for i, f := range t {
		k[i] = f.text
	}
	sort.Strings(k)
	return strings.Join(k, ":")
}

// Formula is a parsed model formula. Its methods do not modify it, so one
// Formula may be used from several goroutines.
type Formula struct {
	src       string
	response  *node
	respText  string
	intercept bool
	terms     []term   // without the intercept, in order of first appearance
	vars      []string // the response's and every factor's text, "." included, in written order (R's variables)
	dot       bool
	columns   []string // explicit data columns, response first
}

// Parse parses an R-style model formula:
//
//	y ~ x1 + x2 + I(x1^2) + x1:x2 - 1
//
// The right-hand side is a sum of terms. a:b is the interaction (the
// elementwise product of the columns), a*b stands for a + b + a:b, and
// parentheses group: (a + b):c = a:c + b:c. "- term" removes a term. The
// intercept is included unless the formula says "- 1" or "+ 0" ("+ 1" or
// "- 0" put it back). I(expr) is an arithmetic expression of columns and
// numbers with + - * / ^ and parentheses, and log, exp, sqrt and abs;
// log(expr), exp(expr) and sqrt(expr) may also stand alone as terms.
// poly(x, k) is R's orthogonal polynomial basis of degree k (see Build);
// poly(x, k, raw = TRUE) the raw powers x, x², …, xᵏ. factor(x) makes a
// column categorical; C(x, Treatment('b')) (patsy) and relevel(x, ref = 'b')
// (R) also choose its reference level. offset(expr) is a known part of the
// response with coefficient 1 (Design.Offset), as in R. The terms are ordered as R's terms()
// orders them: main effects first, then two-way interactions and so on,
// in the written order within each.
// "." stands for every data column not used in the response. Column names
// that are not identifiers can be written in backquotes: `my col`.
// The response (left of ~) may be an expression too, log(y); it may be
// omitted ("~ x") for prediction. Syntax errors are *Error values with the
// column of the problem.
func Parse(src string) (*Formula, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	f := &Formula{src: src}
	if !p.isOp("~") {
		start := p.peek()
		if start.kind == tEOF {
			return nil, errAt(src, 0, "empty formula; write it as: y ~ x1 + x2")
		}
		resp, err := p.arith()
		if err != nil {
			return nil, err
		}
		f.response = resp
		f.respText = squeeze(src[start.pos:p.toks[p.p-1].end])
		if resp.op == 'v' {
			f.respText = resp.name // `my y` is the column my y
		}
		if !p.isOp("~") {
			return nil, p.unexpected(p.peek(), `expected "~" between the response and the terms`)
		}
	}
	p.next() // ~
	if f.response != nil {
		p.see(f.respText)
	}
	if p.peek().kind == tEOF {
		return nil, p.unexpected(p.peek(), "expected terms after \"~\"")
	}
	set, err := p.sum(true)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tOp && (t.text == "^" || t.text == "/") {
			return nil, errAt(src, t.pos, fmt.Sprintf("%q outside I(...): write I(x%s2) for arithmetic, or poly(x, 2) for powers", t.text, t.text))
		}
		return nil, p.unexpected(t, `expected "+", "-", "*" or ":"`)
	}
	// R's terms() orders the terms by their order (main effects, then
	// two-way interactions, ...), keeping the written order within each.
	slices.SortStableFunc(set.terms, func(a, b term) int { return len(a) - len(b) })
	for _, t := range set.terms {
		if len(t) == 0 {
			f.intercept = true
			continue
		}
		f.terms = append(f.terms, t)
		for _, fa := range t {
			if fa.dot {
				f.dot = true
			}
		}
	}
	f.vars = p.vars
	cols := f.response.vars(nil)
	for _, t := range f.terms {
		for _, fa := range t {
			cols = fa.expr.vars(cols)
		}
	}
	seen := map[string]bool{}
	for _, c := range cols {
		if !seen[c] {
			seen[c] = true
			f.columns = append(f.columns, c)
		}
	}
	return f, nil
}

// termSet is an ordered set of terms, plus markers for the literal 0 and 1
// of the intercept syntax.
type termSet struct {
	terms []term
	zero  bool // the literal 0
}

func (s *termSet) has(t term) int {
	k := t.key()
	for i, u := range s.terms {
		if u.key() == k {
			return i
		}
	}
	return -1
}

func (s *termSet) add(t term) {
	if s.has(t) < 0 {
		s.terms = append(s.terms, t)
	}
}

func (s *termSet) remove(t term) {
	if i := s.has(t); i >= 0 {
		s.terms = slices.Delete(s.terms, i, i+1)
	}
}

// sum parses a ± b ± …. At the top level the set starts with the implicit
// intercept.
func (p *parser) sum(top bool) (*termSet, error) {
	out := &termSet{}
	if top {
		out.add(term{})
	}
	first := true
	for {
		sign := byte('+')
		if p.isOp("+") || p.isOp("-") {
			sign = p.next().text[0]
		} else if !first {
			return out, nil
		}
		first = false
		opTok := p.peek()
		s, err := p.product()
		if err != nil {
			return nil, err
		}
		switch {
		case s.zero && sign == '+':
			out.remove(term{})
		case s.zero && sign == '-':
			out.add(term{})
		case sign == '+':
			for _, t := range s.terms {
				out.add(t)
			}
		default:
			for _, t := range s.terms {
				if len(t) > 0 && t[0].dot {
					return nil, errAt(p.src, opTok.pos, `"." cannot be subtracted`)
				}
				out.remove(t)
			}
		}
	}
}

// product parses a * b * …
func (p *parser) product() (*termSet, error) {
	start := p.peek()
	s, err := p.interaction()
	if err != nil {
		return nil, err
	}
	for p.isOp("*") {
		p.next()
		t := p.peek()
		r, err := p.interaction()
		if err != nil {
			return nil, err
		}
		if s.zero || r.zero {
			return nil, errAt(p.src, start.pos, "0 cannot be multiplied; use \"- 1\" or \"+ 0\" to drop the intercept")
		}
		_ = t
		both := &termSet{}
		for _, u := range s.terms {
			both.add(u)
		}
		for _, u := range r.terms {
			both.add(u)
		}
		for _, u := range cross(s, r).terms {
			both.add(u)
		}
		s = both
	}
	return s, nil
}

// interaction parses a : b : …
func (p *parser) interaction() (*termSet, error) {
	start := p.peek()
	s, err := p.atom()
	if err != nil {
		return nil, err
	}
	for p.isOp(":") {
		p.next()
		r, err := p.atom()
		if err != nil {
			return nil, err
		}
		if s.zero || r.zero {
			return nil, errAt(p.src, start.pos, "0 cannot be part of an interaction")
		}
		s = cross(s, r)
	}
	return s, nil
}

// cross returns {a ∪ b : a ∈ s, b ∈ r}.
func cross(s, r *termSet) *termSet {
	out := &termSet{}
	for _, a := range s.terms {
		for _, b := range r.terms {
			t := slices.Clone(a)
			for _, f := range b {
				if !slices.ContainsFunc(t, func(g *factor) bool { return g.text == f.text }) {
					t = append(t, f)
				}
			}
			out.add(t)
		}
	}
	return out
}

// atom parses one factor, a number 0 or 1, ".", or a parenthesised sum.
func (p *parser) atom() (*termSet, error) {
	t := p.peek()
	switch {
	case t.kind == tNum:
		p.next()
		switch t.num {
		case 0:
			return &termSet{zero: true}, nil
		case 1:
			return &termSet{terms: []term{{}}}, nil
		}
		return nil, errAt(p.src, t.pos, fmt.Sprintf("a bare number (%s) is not a term; only 0 and 1 (the intercept) are, use I(%s) for a constant", t.text, t.text))
	case p.isOp("."):
		p.next()
		p.see(".")
		return &termSet{terms: []term{{{text: ".", dot: true}}}}, nil
	case p.isOp("("):
		p.next()
		s, err := p.sum(false)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(")"); err != nil {
			return nil, err
		}
		return s, nil
	case t.kind == tName:
		p.next()
		if !p.isOp("(") {
			p.see(t.text)
			return &termSet{terms: []term{{{text: t.text, expr: &node{op: 'v', name: t.text}, cat: catAuto}}}}, nil
		}
		f, err := p.call(t)
		if err != nil {
			return nil, err
		}
		p.see(f.text)
		return &termSet{terms: []term{{f}}}, nil
	}
	return nil, p.unexpected(t, "expected a term: a column name, I(...), log(...), exp(...), poly(...), 0, 1 or \"(\"")
}

// see records a factor's text in R's order of the formula's variables.
func (p *parser) see(text string) {
	if !slices.Contains(p.vars, text) {
		p.vars = append(p.vars, text)
	}
}

// call parses NAME( ... ) at term level; the name token is consumed.
func (p *parser) call(name token) (*factor, error) {
	p.next() // (
	switch name.text {
	case "I", "log", "exp", "sqrt", "abs", "offset":
		e, err := p.arith()
		if err != nil {
			return nil, err
		}
		end, err := p.expect(")")
		if err != nil {
			return nil, err
		}
		if name.text != "I" && name.text != "offset" {
			e = &node{op: 'f', name: name.text, a: e}
		}
		return &factor{text: squeeze(p.src[name.pos:end.end]), expr: e, cat: catNever, offset: name.text == "offset"}, nil
	case "factor", "as.factor", "C", "relevel":
		return p.catCall(name)
	case "poly":
		e, err := p.arith()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(","); err != nil {
			return nil, err
		}
		kt := p.peek()
		if kt.kind != tNum || kt.num != math.Trunc(kt.num) || kt.num < 1 || kt.num > maxPoly {
			return nil, errAt(p.src, kt.pos, fmt.Sprintf("poly degree must be a whole number from 1 to %d", maxPoly))
		}
		p.next()
		raw := false
		if p.isOp(",") {
			p.next()
			rt := p.peek()
			if rt.kind != tName || rt.text != "raw" {
				return nil, p.unexpected(rt, "expected raw = TRUE")
			}
			p.next()
			if _, err := p.expect("="); err != nil {
				return nil, err
			}
			vt := p.next()
			switch vt.text {
			case "TRUE", "T":
				raw = true
			case "FALSE", "F":
			default:
				return nil, p.unexpected(vt, "expected TRUE or FALSE")
			}
		}
		end, err := p.expect(")")
		if err != nil {
			return nil, err
		}
		return &factor{text: squeeze(p.src[name.pos:end.end]), expr: e, degree: int(kt.num), raw: raw, cat: catNever}, nil
	}
	return nil, errAt(p.src, name.pos, fmt.Sprintf("unknown function %q; terms may use I, log, exp, sqrt, abs, poly, factor, C, relevel and offset", name.text))
}

// Response returns the text of the left-hand side, "" when there is none.
func (f *Formula) Response() string { return f.respText }

// Intercept reports whether the model has an intercept. Design never adds a
// constant column: the solver fits the intercept separately.
func (f *Formula) Intercept() bool { return f.intercept }

// Dot reports whether the formula uses ".", whose meaning depends on the
// data's columns.
func (f *Formula) Dot() bool { return f.dot }

// Columns returns the data columns the formula names, response first, each
// once. With "." every column of the data is needed as well.
func (f *Formula) Columns() []string { return slices.Clone(f.columns) }

// String returns the formula in canonical form, with the terms as Parse
// expanded them, for example "y ~ x1 + x2 + x1:x2 - 1".
func (f *Formula) String() string {
	var b strings.Builder
	if f.respText != "" {
		if f.response != nil && f.response.op == 'v' && !isIdent(f.respText) {
			b.WriteString("`" + f.respText + "`") // a column name that needs quoting, as in the terms
		} else {
			b.WriteString(f.respText)
		}
		b.WriteByte(' ')
	}
	b.WriteString("~ ")
	for i, t := range f.terms {
		if i > 0 {
			b.WriteString(" + ")
		}
		for j, fa := range t {
			if j > 0 {
				b.WriteByte(':')
			}
			if fa.expr != nil && fa.expr.op == 'v' && fa.cat == catAuto && !isIdent(fa.text) {
				b.WriteString("`" + fa.text + "`")
			} else {
				b.WriteString(fa.text)
			}
		}
	}
	switch {
	case len(f.terms) == 0 && f.intercept:
		b.WriteString("1")
	case len(f.terms) == 0:
		b.WriteString("0")
	case !f.intercept:
		b.WriteString(" - 1")
	}
	return b.String()
}

func isIdent(s string) bool {
	toks, err := lex(s)
	return err == nil && len(toks) == 2 && toks[0].kind == tName && toks[0].text == s && toks[0].pos == 0 && toks[0].end == len(s)
}

// Design evaluates the formula on numeric data columns of length n and
// returns the names of the design columns, the n×p design matrix (without
// an intercept column; see Intercept) and the response (nil when the
// formula has none). It is Build on columns that are all numbers and have
// no missing values; "." expands to the columns in sorted order (a map has
// no file order: use Build with Data.Names for that). An error names a
// missing column, or the term and 1-based row where a value is not finite.
func (f *Formula) Design(cols map[string][]float64, n int) (names []string, x *mat.Dense, y []float64, err error) {
	if n < 1 {
		return nil, nil, nil, fmt.Errorf("formula: no data rows")
	}
	d := &Data{N: n, Text: map[string][]string{}, Num: map[string][]float64{}}
	for k, v := range cols {
		if len(v) != n {
			return nil, nil, nil, fmt.Errorf("formula: column %q has %d values, want %d", k, len(v), n)
		}
		d.Names = append(d.Names, k)
		d.Num[k] = v
		t := make([]string, n)
		for i, x := range v {
			t[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		d.Text[k] = t
	}
	sort.Strings(d.Names)
	des, err := f.Build(d, &Options{NoResponse: f.response == nil})
	if err != nil {
		return nil, nil, nil, err
	}
	if des.Offset != nil {
		return nil, nil, nil, fmt.Errorf("formula: %q has an offset(), which Design cannot return; use Build", f.src)
	}
	return des.Names, des.X, des.Y, nil
}

// eval computes an expression on every row. Column slices are returned
// as is for a bare variable (the caller must not modify them).
func (n *node) eval(cols map[string][]float64, rows int) []float64 {
	switch n.op {
	case 'v':
		return cols[n.name]
	case 'n':
		c := make([]float64, rows)
		for i := range c {
			c[i] = n.num
		}
		return c
	case '~':
		a := n.a.eval(cols, rows)
		c := make([]float64, rows)
		for i := range c {
			c[i] = -a[i]
		}
		return c
	case 'f':
		a := n.a.eval(cols, rows)
		var fn func(float64) float64
		switch n.name {
		case "log":
			fn = math.Log
		case "exp":
			fn = math.Exp
		case "sqrt":
			fn = math.Sqrt
		case "abs":
			fn = math.Abs
		}
		c := make([]float64, rows)
		for i := range c {
			c[i] = fn(a[i])
		}
		return c
	}
	a, b := n.a.eval(cols, rows), n.b.eval(cols, rows)
	c := make([]float64, rows)
	switch n.op {
	case '+':
		for i := range c {
			c[i] = a[i] + b[i]
		}
	case '-':
		for i := range c {
			c[i] = a[i] - b[i]
		}
	case '*':
		for i := range c {
			c[i] = a[i] * b[i]
		}
	case '/':
		for i := range c {
			c[i] = a[i] / b[i]
		}
	case '^':
		for i := range c {
			c[i] = pow(a[i], b[i])
		}
	}
	return c
}

// pow is math.Pow with exact repeated multiplication for small integer
// exponents, so that I(x^2) equals x*x bit for bit.
func pow(a, b float64) float64 {
	if b == math.Trunc(b) && b >= 1 && b <= 8 {
		r := a
		for k := 1; k < int(b); k++ {
			r *= a
		}
		return r
	}
	return math.Pow(a, b)
}

func firstNonFinite(c []float64) int {
	for i, v := range c {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

// Powers expands one feature into the raw polynomial basis x, x², …, xᴺ:
// an n×degree matrix whose column k holds x^(k+1) (by repeated
// multiplication), named name, name^2, …, name^degree. Raw powers of
// large or far-from-zero x are badly conditioned; standardise x first
// when the degree is high. Powers panics if degree < 1 or x is empty.
func Powers(name string, x []float64, degree int) (names []string, m *mat.Dense) {
	if degree < 1 || len(x) == 0 {
		panic(fmt.Sprintf("formula: Powers of %d values to degree %d", len(x), degree))
	}
	m = mat.NewDense(len(x), degree, nil)
	raw := m.RawMatrix()
	for i, v := range x {
		p := v
		for k := 0; k < degree; k++ {
			raw.Data[i*raw.Stride+k] = p
			p *= v
		}
	}
	names = make([]string, degree)
	names[0] = name
	for k := 1; k < degree; k++ {
		names[k] = name + "^" + strconv.Itoa(k+1)
	}
	return names, m
}
