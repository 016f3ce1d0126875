package formula

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Data is a table of raw columns as read from a file, before a formula
// turns them into a design. Every column has its cell text; columns whose
// cells are all numbers (or missing) also have numeric values.
type Data struct {
	N       int                  // number of rows
	Names   []string             // every column, in file order ("." expands in this order)
	Text    map[string][]string  // the cells of each column, trimmed
	Num     map[string][]float64 // numeric columns only; NaN where missing
	Missing map[string][]bool    // missing cells (nil or absent: none)
}

// NAAction is what Build does with a row that has a missing value in a
// column the model uses: R's na.omit (NADrop) or na.fail (NAError).
type NAAction int

const (
	NADrop NAAction = iota
	NAError
)

// Encoding is what a design learned from its training data and needs to
// rebuild the same columns from new raw data: the formula with "."
// expanded, the levels of each categorical factor with its reference, and
// the coefficients of each orthogonal polynomial basis.
type Encoding struct {
	Formula string   `json:"formula"`
	Factors []Factor `json:"factors,omitempty"`
	Poly    []Poly   `json:"poly,omitempty"`
}

// Factor is a categorical factor with treatment coding: Levels sorted as
// R's factor() sorts them (numerically for a numeric column, by bytes for
// text), and the Reference level that gets no column.
type Factor struct {
	Term      string   `json:"term"`
	Column    string   `json:"column"`
	Levels    []string `json:"levels"`
	Reference string   `json:"reference"`
	Contrasts string   `json:"contrasts"` // "treatment"
}

// Options tune Build. The zero value fits: levels and polynomial bases are
// learned from the data, rows with missing values are dropped.
type Options struct {
	NA         NAAction
	Encoding   *Encoding // from an earlier Build: rebuild that design (prediction)
	NoResponse bool      // leave the response out (prediction)
	Also       []string  // more columns whose missing values count (weights)
}

// Design is a built design matrix.
type Design struct {
	Names       []string   // column names as R prints them: "Speciesversicolor", "poly(x,2)1"
	Terms       []string   // the model's terms as R labels them: "Species", "poly(x, 2)", "a:b" (no offset, no intercept)
	Assign      []int      // the term of each column: Terms[Assign[j]] (R's model.matrix assign less one, R's 0 being the intercept)
	Statsmodels []string   // the same in patsy's form: "Species[T.versicolor]"
	X           *mat.Dense // rows × len(Names), no intercept column
	Y           []float64  // the response, nil with Options.NoResponse
	Offset      []float64  // the sum of the offset() terms, nil when none: E[Y] = Offset + intercept + Xβ
	Rows        []int      // the rows of the data in X, in order (0-based)
	Dropped     int        // rows left out for missing values
	DroppedBy   map[string]int
	Intercept   bool
	Encoding    *Encoding
}

// CellError is a problem with the data at a row (0-based; −1 when it is
// about the whole column) of a column.
type CellError struct {
	Row    int
	Column string
	Msg    string
}

func (e *CellError) Error() string {
	if e.Row < 0 {
		return "formula: " + e.Msg
	}
	return fmt.Sprintf("formula: row %d, column %q: %s", e.Row+1, e.Column, e.Msg)
}

// Build evaluates the formula on raw data, as R's model.frame and
// model.matrix do. A bare column whose cells are text, and factor(x),
// C(x, …) and relevel(x, …), are categorical: treatment (dummy) coding with
// the first level in sorted order as the reference unless one is chosen. In
// each term a categorical factor is coded by contrasts (one column per
// level but the reference) when the term without it is in the model (the
// intercept counting as the empty term), and by indicators of every level
// otherwise — R's rule (Chambers & Hastie, Statistical Models in S, 1992,
// §5.3.2). Columns of an interaction vary fastest in the first factor, as
// in R. poly(x, k) is R's orthogonal basis: the polynomials of degree 1…k
// orthonormal over the fitted rows and orthogonal to the constant, learned
// by the recurrence of learnPoly and evaluated on new data from the stored
// Poly coefficients, as R's predict.poly does. Terms and Assign group the
// columns by term, as R's terms() and model.matrix's assign do (the rows of
// anova(lm)): a factor's columns, a polynomial basis and an interaction are
// one term each. Rows with a missing value in a used column are dropped (NADrop) or
// an error (NAError). With opts.Encoding the levels and polynomial bases
// are those of the training data, and a level not seen then is an error.
func (f *Formula) Build(d *Data, opts *Options) (*Design, error) {
	if opts == nil {
		opts = &Options{}
	}
	terms := f.terms
	if f.dot {
		terms = f.expandDotNames(d.Names)
	}
	var used []string
	if !opts.NoResponse {
		used = f.response.vars(nil)
	}
	for _, t := range terms {
		for _, fa := range t {
			used = fa.expr.vars(used)
		}
	}
	used = uniq(append(used, opts.Also...))
	for _, c := range used {
		if _, ok := d.Text[c]; !ok {
			return nil, &CellError{Row: -1, Column: c, Msg: fmt.Sprintf("no column named %q; the columns are %s", c, quoteAll(d.Names))}
		}
	}
	des := &Design{Intercept: f.intercept, DroppedBy: map[string]int{}}
	for r := 0; r < d.N; r++ {
		ok := true
		for _, c := range used {
			if m := d.Missing[c]; m != nil && m[r] {
				if opts.NA == NAError {
					return nil, &CellError{Row: r, Column: c, Msg: fmt.Sprintf("missing value %q; drop such rows with --na drop, or fill them in", d.Text[c][r])}
				}
				des.DroppedBy[c]++
				ok = false
			}
		}
		if ok {
			des.Rows = append(des.Rows, r)
		} else {
			des.Dropped++
		}
	}
	if len(des.Rows) == 0 {
		r, c := firstMissing(d, used)
		what := "fill them in, or leave such columns out"
		if opts.Encoding != nil { // a fitted model's design: it needs every one of its columns
			what = "fill them in: the model reads every one of these columns"
		}
		return nil, &CellError{Row: r, Column: c, Msg: fmt.Sprintf("no rows left: every row has a missing value in a column the model uses (this one: %q); %s", d.Text[c][r], what)}
	}
	b := &builder{d: d, rows: des.Rows, opts: opts, enc: &Encoding{}}
	have := map[string]bool{"": f.intercept}
	for _, t := range terms {
		have[t.key()] = true
	}
	var data [][]float64
	rank := f.labelOrder(terms)
	for _, t := range terms {
		if off, err := b.offset(t); off != nil || err != nil {
			if err != nil {
				return nil, err
			}
			if des.Offset == nil {
				des.Offset = make([]float64, len(des.Rows))
			}
			for i, v := range off {
				des.Offset[i] += v
			}
			continue
		}
		cols, names, sm, err := b.term(t, have)
		if err != nil {
			return nil, err
		}
		data = append(data, cols...)
		for range cols {
			des.Assign = append(des.Assign, len(des.Terms))
		}
		des.Terms = append(des.Terms, label(t, rank))
		des.Names = append(des.Names, names...)
		des.Statsmodels = append(des.Statsmodels, sm...)
	}
	if len(data) == 0 {
		return nil, &CellError{Row: -1, Msg: fmt.Sprintf("%q has no terms besides the intercept", f.src)}
	}
	n := len(des.Rows)
	des.X = mat.NewDense(n, len(data), nil)
	raw := des.X.RawMatrix()
	for j, c := range data {
		for r, v := range c {
			raw.Data[r*raw.Stride+j] = v
		}
	}
	if !opts.NoResponse && f.response != nil {
		y, err := b.numeric(f.response, f.respText)
		if err != nil {
			return nil, err
		}
		if r := firstNonFinite(y); r >= 0 {
			return nil, &CellError{Row: des.Rows[r], Column: f.respText, Msg: fmt.Sprintf("the response %s is %v; transform or filter the data", f.respText, y[r])}
		}
		des.Y = y
	}
	b.enc.Formula = f.withTerms(terms)
	des.Encoding = b.enc
	if opts.Encoding != nil {
		des.Encoding = opts.Encoding
	}
	return des, nil
}

type builder struct {
	d    *Data
	rows []int
	opts *Options
	enc  *Encoding // what this build learned
}

// offset returns the values of an offset() term, nil for other terms.
func (b *builder) offset(t term) ([]float64, error) {
	i := slices.IndexFunc(t, func(fa *factor) bool { return fa.offset })
	if i < 0 {
		return nil, nil
	}
	if len(t) > 1 {
		return nil, &CellError{Row: -1, Msg: fmt.Sprintf("%s cannot be part of an interaction", t[i].text)}
	}
	v, err := b.numeric(t[0].expr, t[0].text)
	if err != nil {
		return nil, err
	}
	if r := firstNonFinite(v); r >= 0 {
		return nil, &CellError{Row: b.rows[r], Column: t[0].text, Msg: fmt.Sprintf("%s is %v; transform or filter the data", t[0].text, v[r])}
	}
	return v, nil
}

// term returns the columns of one term, their R names and patsy names.
func (b *builder) term(t term, have map[string]bool) (cols [][]float64, names, sm []string, err error) {
	cols, names, sm = [][]float64{nil}, []string{""}, []string{""}
	for i, fa := range t {
		rest := slices.Clone(t)
		rest = slices.Delete(rest, i, i+1)
		fc, fn, fs, err := b.factor(fa, have[rest.key()])
		if err != nil {
			return nil, nil, nil, err
		}
		var nc [][]float64
		var nn, ns []string
		for j, c := range fc { // the first factor varies fastest
			for k, a := range cols {
				if a == nil {
					nc = append(nc, c)
				} else {
					m := make([]float64, len(c))
					for r := range m {
						m[r] = a[r] * c[r]
					}
					nc = append(nc, m)
				}
				nn = append(nn, join(names[k], fn[j]))
				ns = append(ns, join(sm[k], fs[j]))
			}
		}
		cols, names, sm = nc, nn, ns
	}
	for i, c := range cols {
		if r := firstNonFinite(c); r >= 0 {
			return nil, nil, nil, &CellError{Row: b.rows[r], Column: names[i], Msg: fmt.Sprintf("term %s is %v; transform or filter the data", names[i], c[r])}
		}
	}
	return cols, names, sm, nil
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + ":" + b
}

// factor returns the columns of one factor; contrasts says whether a
// categorical factor is coded by contrasts or by indicators.
func (b *builder) factor(fa *factor, contrasts bool) ([][]float64, []string, []string, error) {
	if fa.dot {
		return nil, nil, nil, &CellError{Row: -1, Msg: `"." can only be added as a term, not used in an interaction`}
	}
	if b.categorical(fa) {
		return b.dummies(fa, contrasts)
	}
	x, err := b.numeric(fa.expr, fa.text)
	if err != nil {
		return nil, nil, nil, err
	}
	if fa.degree == 0 {
		return [][]float64{x}, []string{fa.text}, []string{fa.text}, nil
	}
	var out [][]float64
	if fa.raw {
		out = [][]float64{x}
		for k := 1; k < fa.degree; k++ {
			c := make([]float64, len(x))
			for r := range c {
				c[r] = out[k-1][r] * x[r]
			}
			out = append(out, c)
		}
	} else {
		pl, err := b.poly(fa, x)
		if err != nil {
			return nil, nil, nil, err
		}
		out = pl.columns(x)
	}
	names := make([]string, fa.degree)
	for k := range names {
		names[k] = fa.text + strconv.Itoa(k+1)
	}
	return out, names, names, nil
}

func (b *builder) poly(fa *factor, x []float64) (*Poly, error) {
	if b.opts.Encoding != nil {
		for i := range b.opts.Encoding.Poly {
			if pl := &b.opts.Encoding.Poly[i]; pl.Term == fa.text && len(pl.Alpha) == fa.degree && len(pl.Norm2) == fa.degree+2 {
				return pl, nil
			}
		}
		return nil, &CellError{Row: -1, Msg: fmt.Sprintf("the model has no basis for %s; fit it again", fa.text)}
	}
	for _, pl := range b.enc.Poly {
		if pl.Term == fa.text {
			return &pl, nil
		}
	}
	pl, err := learnPoly(fa.text, x, fa.degree)
	if err != nil {
		return nil, err
	}
	b.enc.Poly = append(b.enc.Poly, *pl)
	return pl, nil
}

// categorical reports whether a factor is coded by levels.
func (b *builder) categorical(fa *factor) bool {
	switch fa.cat {
	case catAlways:
		return true
	case catNever:
		return false
	}
	if b.opts.Encoding != nil {
		return b.opts.Encoding.factor(fa.text) != nil
	}
	return b.d.Num[fa.expr.name] == nil
}

func (e *Encoding) factor(term string) *Factor {
	for i := range e.Factors {
		if e.Factors[i].Term == term {
			return &e.Factors[i]
		}
	}
	return nil
}

// numeric evaluates an expression on the used rows.
func (b *builder) numeric(e *node, what string) ([]float64, error) {
	cols := map[string][]float64{}
	for _, c := range e.vars(nil) {
		num := b.d.Num[c]
		if num == nil {
			r := firstText(b.d, c, b.rows)
			return nil, &CellError{Row: r, Column: c, Msg: fmt.Sprintf("%q is text, not a number; %s needs numbers (use the column alone, or factor(%s), for categories)", b.d.Text[c][r], what, c)}
		}
		v := make([]float64, len(b.rows))
		for i, r := range b.rows {
			v[i] = num[r]
		}
		cols[c] = v
	}
	return e.eval(cols, len(b.rows)), nil
}

func firstText(d *Data, c string, rows []int) int {
	for _, r := range rows {
		if _, err := strconv.ParseFloat(d.Text[c][r], 64); err != nil {
			return r
		}
	}
	return rows[0]
}

// levelOf returns the level of a cell: its text, or for a numeric column
// the number as R prints it.
func (b *builder) levelOf(c string, r int) string {
	if num := b.d.Num[c]; num != nil {
		return strconv.FormatFloat(num[r], 'g', 15, 64)
	}
	return b.d.Text[c][r]
}

// dummies codes a categorical factor.
func (b *builder) dummies(fa *factor, contrasts bool) ([][]float64, []string, []string, error) {
	c := fa.expr.name
	fc, err := b.levels(fa)
	if err != nil {
		return nil, nil, nil, err
	}
	index := map[string]int{}
	for i, l := range fc.Levels {
		index[l] = i
	}
	var keep []int
	for i, l := range fc.Levels {
		if !contrasts || l != fc.Reference {
			keep = append(keep, i)
		}
	}
	cols := make([][]float64, len(keep))
	for j := range cols {
		cols[j] = make([]float64, len(b.rows))
	}
	for i, r := range b.rows {
		l := b.levelOf(c, r)
		li, ok := index[l]
		if !ok {
			return nil, nil, nil, &CellError{Row: r, Column: c, Msg: fmt.Sprintf("level %q of %s was not seen in training (the levels are %s); refit with it, or leave the row out", l, fa.text, quoteAll(fc.Levels))}
		}
		for j, k := range keep {
			if k == li {
				cols[j][i] = 1
			}
		}
	}
	names := make([]string, len(keep))
	sm := make([]string, len(keep))
	for j, k := range keep {
		names[j] = fa.text + fc.Levels[k]
		if contrasts {
			sm[j] = fa.text + "[T." + fc.Levels[k] + "]"
		} else {
			sm[j] = fa.text + "[" + fc.Levels[k] + "]"
		}
	}
	return cols, names, sm, nil
}

// levels returns the factor's levels: from the encoding when predicting,
// else learned from the used rows.
func (b *builder) levels(fa *factor) (*Factor, error) {
	if b.opts.Encoding != nil {
		if fc := b.opts.Encoding.factor(fa.text); fc != nil {
			return fc, nil
		}
		return nil, &CellError{Row: -1, Column: fa.expr.name, Msg: fmt.Sprintf("the model has no levels for %s; fit it again", fa.text)}
	}
	if fc := b.enc.factor(fa.text); fc != nil {
		return fc, nil
	}
	c := fa.expr.name
	seen := map[string]bool{}
	var levels []string
	for _, r := range b.rows {
		l := b.levelOf(c, r)
		if !seen[l] {
			seen[l] = true
			levels = append(levels, l)
		}
	}
	if num := b.d.Num[c]; num != nil {
		sort.Slice(levels, func(i, j int) bool {
			u, _ := strconv.ParseFloat(levels[i], 64)
			v, _ := strconv.ParseFloat(levels[j], 64)
			return u < v
		})
	} else {
		sort.Strings(levels)
	}
	ref := levels[0]
	if fa.ref != "" {
		if !seen[fa.ref] {
			return nil, &CellError{Row: -1, Column: c, Msg: fmt.Sprintf("reference level %q of %s is not in the data (the levels are %s)", fa.ref, fa.text, quoteAll(levels))}
		}
		ref = fa.ref
		// R's relevel puts the reference first; the coding is the same.
		levels = append([]string{ref}, slices.DeleteFunc(levels, func(s string) bool { return s == ref })...)
	}
	// A text column with a different value in each of ten or more rows is
	// almost surely a name or an id: as a factor it would saturate the fit.
	if fa.cat == catAuto && len(levels) == len(b.rows) && len(levels) >= 10 {
		return nil, &CellError{Row: -1, Column: c, Msg: fmt.Sprintf("column %q has a different text in every row (%q, %q, …): an identifier, not a category; leave it out of the model, or write factor(%s) to use it as one", c, levels[0], levels[1], c)}
	}
	if len(levels) < 2 {
		return nil, &CellError{Row: -1, Column: c, Msg: fmt.Sprintf("%s has a single level %q; a factor needs two or more", fa.text, levels[0])}
	}
	fc := Factor{Term: fa.text, Column: c, Levels: levels, Reference: ref, Contrasts: "treatment"}
	b.enc.Factors = append(b.enc.Factors, fc)
	return &b.enc.Factors[len(b.enc.Factors)-1], nil
}

// expandDotNames replaces "." by the data columns not in the response and
// not already a term on their own, in file order (as R's ".").
func (f *Formula) expandDotNames(names []string) []term {
	skip := map[string]bool{}
	for _, v := range f.response.vars(nil) {
		skip[v] = true
	}
	have := map[string]bool{}
	for _, t := range f.terms {
		if len(t) != 1 || !t[0].dot {
			have[t.key()] = true
		}
	}
	var out []term
	for _, t := range f.terms {
		if len(t) == 1 && t[0].dot {
			for _, k := range names {
				if k != "" && !skip[k] && !have[k] {
					have[k] = true
					out = append(out, term{{text: k, expr: &node{op: 'v', name: k}, cat: catAuto}})
				}
			}
			continue
		}
		out = append(out, t)
	}
	return out
}

// Inputs returns the data columns the terms use (not the response), each
// once, in order of appearance. With "." every column is used as well.
func (f *Formula) Inputs() []string {
	var cols []string
	for _, t := range f.terms {
		for _, fa := range t {
			cols = fa.expr.vars(cols)
		}
	}
	return uniq(cols)
}

// withTerms returns the formula's text with these terms.
func (f *Formula) withTerms(terms []term) string {
	g := *f
	g.terms = terms
	g.dot = false
	return g.String()
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func firstMissing(d *Data, used []string) (int, string) {
	for r := 0; r < d.N; r++ {
		for _, c := range used {
			if m := d.Missing[c]; m != nil && m[r] {
				return r, c
			}
		}
	}
	return 0, used[0]
}
