package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/formula"
	"github.com/lsqgo/lsq/internal/numtext"
	"github.com/lsqgo/lsq/modelio"
)

// naFlags choose how missing values are treated.
type naFlags struct {
	Action string
	Values string
}

// defaultNA are the cell texts read as missing: an empty cell, R's NA,
// pandas' NaN and JSON's null.
var defaultNA = []string{"", "NA", "NaN", "nan", "null", "NULL"}

func (n *naFlags) register(fs *pflag.FlagSet, what string) {
	fs.StringVar(&n.Action, "na", "drop", "rows with a missing value (empty, NA, NaN, null) in a column the model uses: drop ("+what+"), or error")
	fs.StringVar(&n.Values, "na-values", "", "more comma-separated cell texts to read as missing, e.g. -999,?")
}

func (n *naFlags) action() (formula.NAAction, error) {
	switch n.Action {
	case "drop", "omit":
		return formula.NADrop, nil
	case "error", "fail":
		return formula.NAError, nil
	}
	return 0, usagef("--na %q: want drop or error", n.Action)
}

func (n *naFlags) missing() map[string]bool {
	m := map[string]bool{}
	for _, v := range defaultNA {
		m[v] = true
	}
	for _, v := range strings.Split(n.Values, ",") {
		if v = strings.TrimSpace(v); v != "" {
			m[v] = true
		}
	}
	return m
}

func (n *naFlags) extra() []string {
	var out []string
	for _, v := range strings.Split(n.Values, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// readText reads an input as text cells.
func (in namedInput) readText(delim rune) (*data.TextTable, error) {
	if in.path != "" {
		return data.ReadTextFile(in.path, delim)
	}
	return data.ReadText(bytes.NewReader(in.buf), in.name, delim)
}

// rawColumns classifies the columns of a text table as R's read.csv does:
// a column whose cells are all numbers or missing is numeric, one whose
// cells are all text (or missing) is text; a column of numbers with a few
// words in it is an error at the first word, never silently a factor.
func rawColumns(t *data.TextTable, na map[string]bool) (*formula.Data, error) {
	d := &formula.Data{N: t.Rows(), Names: t.Names, Text: map[string][]string{}, Num: map[string][]float64{}, Missing: map[string][]bool{}}
	for j, name := range t.Names {
		cells := t.Cells[j]
		d.Text[name] = cells
		miss := make([]bool, len(cells))
		num := make([]float64, len(cells))
		nums, words, firstWord := 0, 0, -1
		for i, c := range cells {
			if na[c] {
				miss[i] = true
				num[i] = math.NaN()
				continue
			}
			v, text, bad := data.ParseNumber(c)
			if bad != "" {
				return nil, &data.Error{File: t.File, Line: t.Lines[i], Col: j + 1, Column: name,
					Msg:  fmt.Sprintf("%q %s (column %q)", c, bad, name),
					Hint: "replace it, or name it as missing with --na-values"}
			}
			if text {
				words++
				if firstWord < 0 {
					firstWord = i
				}
				continue
			}
			nums++
			num[i] = v
		}
		if slices.Contains(miss, true) {
			d.Missing[name] = miss
		}
		switch {
		case words == 0:
			d.Num[name] = num
		case nums > 0:
			return nil, notANumber(t.File, t.Lines[firstWord], j+1, name, cells[firstWord])
		}
	}
	return d, nil
}

// cellError turns a formula's data error into one naming file, line and column.
func cellError(err error, t *data.TextTable) error {
	var ce *formula.CellError
	if !errors.As(err, &ce) {
		return fmt.Errorf("%s: %w", t.File, err)
	}
	if ce.Row < 0 {
		e := &data.Error{File: t.File, Column: ce.Column, Msg: ce.Msg}
		if strings.HasPrefix(ce.Msg, "no column") {
			e.Line, e.Hint = 1, data.SplitHint(t.Names) // the message lists the columns
		}
		return e
	}
	e := &data.Error{File: t.File, Line: t.Lines[ce.Row], Column: ce.Column, Msg: ce.Msg}
	if j := t.Col(ce.Column); j >= 0 {
		e.Col = j + 1
		e.Msg = fmt.Sprintf("%s (column %q)", ce.Msg, ce.Column)
	}
	return e
}

// missingOut reports the rows left out for missing values.
type missingOut struct {
	Action   string         `json:"action"`
	Dropped  int            `json:"dropped"`
	ByColumn map[string]int `json:"by_column,omitempty"`
}

func missingReport(des *formula.Design, action string) *missingOut {
	if des.Dropped == 0 {
		return nil
	}
	return &missingOut{Action: action, Dropped: des.Dropped, ByColumn: des.DroppedBy}
}

// What becomes of the rows with a missing value, in missingOut.warn's line:
// fit, cv, path and eval drop them; predict keeps them with an empty
// prediction, so that its output stays aligned with the input.
const (
	missingDropped = "dropped"
	missingEmpty   = "their predictions are empty"
)

// warn writes the one stderr line every command gives for rows with a
// missing value, e.g. "lsq: air.csv: 42 of 153 rows have a missing value
// (Ozone 37, Solar.R 7): dropped; --na error to stop instead". total is the
// number of rows read and fate missingDropped or missingEmpty.
func (m *missingOut) warn(w io.Writer, file string, total int, fate string) {
	keys := make([]string, 0, len(m.ByColumn))
	for k := range m.ByColumn {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m.ByColumn[k])
	}
	by := ""
	if len(parts) > 0 {
		by = " (" + strings.Join(parts, ", ") + ")"
	}
	fmt.Fprintf(w, "lsq: %s: %d of %d rows have a missing value%s: %s; --na error to stop instead\n", file, m.Dropped, total, by, fate)
}

// loadDesign reads a file as text and builds a formula's design: the fit
// side of a model that carries its design. A nil formula is the plain
// model: the target on the features (by default every other column).
func loadDesign(path string, f *formula.Formula, df dataFlags, na naFlags, stdio IO) (*data.Frame, *formula.Design, *modelio.Design, error) {
	action, err := na.action()
	if err != nil {
		return nil, nil, nil, err
	}
	opts, err := df.options()
	if err != nil {
		return nil, nil, nil, err
	}
	in, err := bufferInput(path, stdio)
	if err != nil {
		return nil, nil, nil, err
	}
	t, err := in.readText(opts.Delimiter)
	if err != nil {
		return nil, nil, nil, err
	}
	d, err := rawColumns(t, na.missing())
	if err != nil {
		return nil, nil, nil, err
	}
	if f == nil {
		if f, err = plainModel(t, opts, df.exclude); err != nil {
			return nil, nil, nil, err
		}
	}
	bo := &formula.Options{NA: action}
	if df.Weights != "" {
		bo.Also = []string{df.Weights}
		// The weights are no term of "y ~ .".
		d.Names = slices.DeleteFunc(slices.Clone(d.Names), func(s string) bool { return s == df.Weights })
	}
	des, err := f.Build(d, bo)
	if err != nil {
		return nil, nil, nil, cellError(err, t)
	}
	fr := &data.Frame{Features: des.Names, Target: f.Response(), X: des.X, Y: lessOffset(des.Y, des.Offset)}
	if df.Weights != "" {
		w := d.Num[df.Weights]
		if w == nil {
			return nil, nil, nil, &data.Error{File: t.File, Column: df.Weights, Msg: fmt.Sprintf("the weights column %q is not numeric", df.Weights)}
		}
		fr.Weights = make([]float64, len(des.Rows))
		for i, r := range des.Rows {
			fr.Weights[i] = w[r]
		}
	}
	if m := missingReport(des, na.Action); m != nil {
		m.warn(stdio.Err, t.File, t.Rows(), missingDropped)
	}
	md := &modelio.Design{Formula: des.Encoding.Formula, Factors: des.Encoding.Factors, Poly: des.Encoding.Poly,
		NA: na.Action, NAValues: na.extra(), Statsmodels: des.Statsmodels}
	g, err := formula.Parse(des.Encoding.Formula)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("internal error: the expanded formula %q does not parse: %v", des.Encoding.Formula, err)
	}
	md.Columns = g.Inputs()
	return fr, des, md, nil
}

// plainModel is the formula of a fit on plain columns: the target on the
// named features, or on every other named column but the weights and
// those excluded.
func plainModel(t *data.TextTable, opts *data.Options, exclude []string) (*formula.Formula, error) {
	feats := opts.Features
	if feats == nil {
		for _, n := range t.Names {
			if n != "" && n != opts.Target && n != opts.Weights && !slices.Contains(exclude, n) {
				feats = append(feats, n)
			}
		}
	}
	for k, c := range append([]string{opts.Target}, feats...) {
		if t.Col(c) < 0 {
			role := "feature"
			if k == 0 {
				role = "target"
			}
			return nil, data.MissingColumn(t.File, t.Names, c, role)
		}
	}
	return formula.Parse(plainFormula(opts.Target, feats, true))
}

// notNumeric reports a reader error that the text path can handle: a word,
// an empty cell or NaN where the numeric reader wanted a number.
func notNumeric(err error) bool {
	var de *data.Error
	return errors.As(err, &de) && de.Line > 1 &&
		(strings.Contains(de.Msg, "is not a number") || strings.HasPrefix(de.Msg, "empty value") || strings.Contains(de.Msg, "is not a finite number"))
}

// plainFormula writes a model on plain columns as a formula: target on
// the features, each in backquotes.
func plainFormula(target string, features []string, intercept bool) string {
	q := make([]string, len(features))
	for i, f := range features {
		q[i] = "`" + f + "`"
	}
	s := ""
	if target != "" {
		s = "`" + target + "` "
	}
	s += "~ " + strings.Join(q, " + ")
	if !intercept {
		s += " - 1"
	}
	return s
}

// notANumber is the error for a word in a numeric column; the forms only
// Go's strconv reads are named as the numeric reader names them
// (internal/numtext: data files hold decimals only).
func notANumber(file string, line, col int, name, w string) *data.Error {
	e := &data.Error{File: file, Line: line, Col: col, Column: name,
		Msg:  fmt.Sprintf("%q is not a number (column %q)", w, name),
		Hint: "fix the value, or name it as missing with --na-values (the column's other values are numbers)"}
	switch {
	case numtext.Hex(w):
		e.Msg += ": hexadecimal is not read in data files"
		e.Hint = "write the value in decimal"
	case strings.Contains(w, "_") && numtext.Decimal(strings.ReplaceAll(w, "_", "")):
		e.Msg += ": digit separators are not read in data files"
		e.Hint = "remove the underscores"
	}
	return e
}

// lessOffset is the response a formula with offset() is fitted to, y less
// the offset (y itself without one), as R's lm fits it; summary.lm
// measures R² and F on the same difference.
func lessOffset(y, offset []float64) []float64 {
	if offset == nil {
		return y
	}
	d := make([]float64, len(y))
	for i, v := range y {
		d[i] = v - offset[i]
	}
	return d
}

// dropsIntercept reports whether a formula's design has no intercept
// (- 1 or + 0): the fit, path, cross-validation or range test on it then
// has none either. des is nil for plain columns.
func dropsIntercept(des *formula.Design) bool { return des != nil && !des.Intercept }
