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
	dot    bool   // the "." placeholder
}

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

func (t term) name() string {
	k := make([]string, len(t))
	for i, f := range t {
		k[i] = f.text
	}
	return strings.Join(k, ":")
}

// Formula is a parsed model formula. Its methods do not modify it, so one
// Formula may be used from several goroutines.
type Formula struct {
	src       string
	response  *node
	respText  string
	intercept bool
	terms     []term // without the intercept, in order of first appearance
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
// log(expr) and exp(expr) may also stand alone as terms. poly(x, k) is the
// raw polynomial basis x, x², …, xᵏ (R's poly(x, k, raw = TRUE); R's default
// orthogonal basis is not offered, and poly(x, k, raw = FALSE) is an error).
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
		if !p.isOp("~") {
			return nil, p.unexpected(p.peek(), `expected "~" between the response and the terms`)
		}
	}
	p.next() // ~
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
			return &termSet{terms: []term{{{text: t.text, expr: &node{op: 'v', name: t.text}}}}}, nil
		}
		f, err := p.call(t)
		if err != nil {
			return nil, err
		}
		return &termSet{terms: []term{{f}}}, nil
	}
	return nil, p.unexpected(t, "expected a term: a column name, I(...), log(...), exp(...), poly(...), 0, 1 or \"(\"")
}

// call parses NAME( ... ) at term level; the name token is consumed.
func (p *parser) call(name token) (*factor, error) {
	p.next() // (
	switch name.text {
	case "I", "log", "exp", "sqrt", "abs":
		e, err := p.arith()
		if err != nil {
			return nil, err
		}
		end, err := p.expect(")")
		if err != nil {
			return nil, err
		}
		if name.text != "I" {
			e = &node{op: 'f', name: name.text, a: e}
		}
		return &factor{text: squeeze(p.src[name.pos:end.end]), expr: e}, nil
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
			case "FALSE", "F":
				return nil, errAt(p.src, vt.pos, "orthogonal polynomials (raw = FALSE) are not supported; poly gives raw powers")
			default:
				return nil, p.unexpected(vt, "expected TRUE")
			}
		}
		end, err := p.expect(")")
		if err != nil {
			return nil, err
		}
		return &factor{text: squeeze(p.src[name.pos:end.end]), expr: e, degree: int(kt.num)}, nil
	}
	return nil, errAt(p.src, name.pos, fmt.Sprintf("unknown function %q; terms may use I, log, exp, sqrt, abs and poly", name.text))
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
		b.WriteString(f.respText)
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
			if fa.expr != nil && fa.expr.op == 'v' && fa.degree == 0 && !isIdent(fa.text) {
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

// Design evaluates the formula on data columns of length n and returns the
// names of the design columns, the n×p design matrix (without an intercept
// column; see Intercept) and the response (nil when the formula has none).
// Term names are readable: "x1", "I(x1^2)", "x1:x2", "log(x)", and
// "poly(x,2)1", "poly(x,2)2" for the powers of a polynomial basis. "." is
// expanded to the data columns not used in the response, in sorted order.
// An error names a missing column, or the term and 1-based row where a value
// is not finite (log of a negative number, overflow).
func (f *Formula) Design(cols map[string][]float64, n int) (names []string, x *mat.Dense, y []float64, err error) {
	if n < 1 {
		return nil, nil, nil, fmt.Errorf("formula: no data rows")
	}
	for _, c := range f.columns {
		v, ok := cols[c]
		if !ok {
			have := make([]string, 0, len(cols))
			for k := range cols {
				have = append(have, strconv.Quote(k))
			}
			sort.Strings(have)
			return nil, nil, nil, fmt.Errorf("formula: no column %q in the data; the columns are %s", c, strings.Join(have, ", "))
		}
		if len(v) != n {
			return nil, nil, nil, fmt.Errorf("formula: column %q has %d values, want %d", c, len(v), n)
		}
	}
	terms := f.terms
	if f.dot {
		terms = f.expandDot(cols)
	}
	var data [][]float64
	for _, t := range terms {
		// Each factor gives one or more columns; the term is every product
		// of one column from each factor.
		prods := [][]float64{nil}
		pnames := []string{""}
		for _, fa := range t {
			fcols, fnames, err := fa.eval(cols, n)
			if err != nil {
				return nil, nil, nil, err
			}
			var np [][]float64
			var nn []string
			for i, a := range prods {
				for j, c := range fcols {
					if a == nil {
						np = append(np, c)
					} else {
						m := make([]float64, n)
						for r := range m {
							m[r] = a[r] * c[r]
						}
						np = append(np, m)
					}
					if pnames[i] == "" {
						nn = append(nn, fnames[j])
					} else {
						nn = append(nn, pnames[i]+":"+fnames[j])
					}
				}
			}
			prods, pnames = np, nn
		}
		for i, c := range prods {
			if r := firstNonFinite(c); r >= 0 {
				return nil, nil, nil, fmt.Errorf("formula: term %s is %v at row %d; transform or filter the data", pnames[i], c[r], r+1)
			}
		}
		data = append(data, prods...)
		names = append(names, pnames...)
	}
	if len(data) == 0 {
		return nil, nil, nil, fmt.Errorf("formula: %q has no terms besides the intercept", f.src)
	}
	p := len(data)
	x = mat.NewDense(n, p, nil)
	raw := x.RawMatrix()
	for j, c := range data {
		for r, v := range c {
			raw.Data[r*raw.Stride+j] = v
		}
	}
	if f.response != nil {
		y = f.response.eval(cols, n)
		if r := firstNonFinite(y); r >= 0 {
			return nil, nil, nil, fmt.Errorf("formula: response %s is %v at row %d; transform or filter the data", f.respText, y[r], r+1)
		}
	}
	return names, x, y, nil
}

// expandDot replaces "." by the data columns not in the response and not
// already a term on their own.
func (f *Formula) expandDot(cols map[string][]float64) []term {
	skip := map[string]bool{}
	for _, v := range f.response.vars(nil) {
		skip[v] = true
	}
	var out []term
	have := map[string]bool{}
	for _, t := range f.terms {
		if len(t) != 1 || !t[0].dot {
			have[t.key()] = true
		}
	}
	keys := make([]string, 0, len(cols))
	for k := range cols {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, t := range f.terms {
		if len(t) == 1 && t[0].dot {
			for _, k := range keys {
				if !skip[k] && !have[k] {
					have[k] = true
					out = append(out, term{{text: k, expr: &node{op: 'v', name: k}}})
				}
			}
			continue
		}
		out = append(out, t)
	}
	return out
}

// eval returns the columns of one factor and their names.
func (fa *factor) eval(cols map[string][]float64, n int) ([][]float64, []string, error) {
	if fa.dot {
		return nil, nil, fmt.Errorf("formula: \".\" can only be added as a term, not used in an interaction")
	}
	base := fa.expr.eval(cols, n)
	if fa.degree == 0 {
		return [][]float64{base}, []string{fa.text}, nil
	}
	out := make([][]float64, fa.degree)
	names := make([]string, fa.degree)
	out[0] = base
	for k := 1; k < fa.degree; k++ {
		c := make([]float64, n)
		for r := range c {
			c[r] = out[k-1][r] * base[r]
		}
		out[k] = c
	}
	for k := range names {
		names[k] = fa.text + strconv.Itoa(k+1)
	}
	return out, names, nil
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
