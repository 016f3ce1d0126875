package cli

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/formula"
	"github.com/lsqgo/lsq/modelio"
)

// modelDesign is a model's inputs rebuilt on new raw data: the rows kept
// after missing values, the same for every kind of model.
type modelDesign struct {
	x       *mat.Dense  // kept rows × the model's inputs
	y       [][]float64 // each target asked for, then each extra column, on the kept rows
	offset  []float64   // the formula's offset() on the kept rows, nil when none
	rows    []int       // the file's rows in x (0-based)
	n       int         // rows in the file
	missing *missingOut // rows left out for missing values, nil when none
}

// modelInputs is the design a model is rebuilt from on new data and the
// names of the columns it gives: a linear model's saved design (or that of
// an old model file), and for the other kinds the plain numeric columns
// they read — a curve's data columns, a network's or a model of several
// targets' features.
func modelInputs(m *modelio.Model) (*modelio.Design, []string, error) {
	switch m.Kind {
	case modelio.KindLinear:
		if m.Design == nil {
			return legacyDesign(m.Features), m.Features, nil
		}
		return m.Design, m.Features, nil
	case modelio.KindCurve:
		_, cols, err := curveProgram(m.Expression, m.ParamOrder)
		if err != nil {
			return nil, nil, &modelio.Error{File: "model", Msg: fmt.Sprintf("the model's expression: %v", err)}
		}
		return &modelio.Design{Columns: cols}, cols, nil
	case modelio.KindNet, modelio.KindTargets:
		if m.Kind == modelio.KindNet && m.Design != nil {
			return m.Design, m.Features, nil // a network of one target, read as lsq fit reads
		}
		return &modelio.Design{Columns: m.Features}, m.Features, nil
	}
	return nil, nil, fmt.Errorf("cannot predict with a %q model", m.Kind)
}

// buildForModel turns the raw columns of a file into the model's inputs,
// as modelInputs says (formula, factor levels, polynomial bases,
// --degree), and the values of the targets and extra columns named (the
// weights of predict's intervals). Plain numeric files are read by the
// fast reader; missing values and text go through the formula path, which
// drops (or, with --na error, stops at) rows with a missing input, target
// or extra value: R's na.omit, for every kind of model.
func buildForModel(m *modelio.Model, in namedInput, dopts *data.Options, na naFlags, targets []string, extra ...string) (*modelDesign, error) {
	action, err := na.action()
	if err != nil {
		return nil, err
	}
	d, names, err := modelInputs(m)
	if err != nil {
		return nil, err
	}
	legacy := m.Kind == modelio.KindLinear && m.Design == nil
	src := d.Formula
	if src == "" && len(d.Columns) == 0 {
		return noColumns(m, d, names, in, dopts, na, slices.Concat(targets, extra))
	}
	var fastErr error
	if src == "" {
		if !na.changedValues() {
			md, err := fastDesign(m, d, names, in, dopts, slices.Concat(targets, extra))
			if err == nil || !notNumeric(err) && (!legacy || !missingColumn(err)) {
				return md, err
			}
			fastErr = err
		}
		src = plainFormula("", d.Columns, true)
		if legacy && d.Degree == 0 {
			// A model file from before designs were saved, fitted with a
			// formula: its features are the formula's terms, and its
			// target may be one too (log(Volume)).
			target := ""
			if len(targets) == 1 {
				target = targets[0]
			}
			src = legacyFormula(target, m.Features)
		}
	}
	f, err := formula.Parse(src)
	if err != nil {
		return nil, &modelio.Error{File: "model", Msg: fmt.Sprintf("the model's formula %q does not parse: %v", src, err)}
	}
	bo, err := buildOptions(f, src, d, action, targets, extra)
	if err != nil {
		return nil, err
	}
	t, err := in.readText(dopts.Delimiter)
	if err != nil {
		return nil, err
	}
	raw, err := rawColumns(t, na.missing())
	if err != nil {
		return nil, err
	}
	des, err := f.Build(raw, bo)
	if err != nil {
		if err = forModel(cellError(err, t), m); missingColumn(err) && missingColumn(fastErr) {
			return nil, fastErr // neither columns nor terms: the reader's message
		}
		return nil, err
	}
	md := &modelDesign{x: des.X, offset: des.Offset, rows: des.Rows, n: t.Rows(), missing: missingReport(des, na.Action)}
	if !bo.NoResponse {
		md.y = [][]float64{des.Y}
	}
	for _, c := range bo.Also {
		if md.y, err = appendTarget(md.y, raw, t, c, des.Rows); err != nil {
			return nil, err
		}
	}
	return md, md.finish(d, des.Names, names)
}

// buildOptions are the options that rebuild a model's design. A formula's response is built by
// the formula (log(Volume)); the targets of plain columns, and the extra
// columns, are columns whose missing values count like the inputs'.
func buildOptions(f *formula.Formula, src string, d *modelio.Design, action formula.NAAction, targets, extra []string) (*formula.Options, error) {
	bo := &formula.Options{NA: action, Encoding: &formula.Encoding{Formula: src, Factors: d.Factors, Poly: d.Poly}, NoResponse: true}
	if f.Response() != "" && len(targets) > 0 {
		if len(targets) > 1 || f.Response() != targets[0] {
			return nil, usagef("the model's formula has the response %s; drop --target", f.Response())
		}
		bo.NoResponse = false
	} else {
		bo.Also = targets
	}
	bo.Also = slices.Concat(bo.Also, extra)
	return bo, nil
}

// noColumns reads a file for a model that reads no column (a curve of its
// parameters alone). The numeric reader then reads every column, so a
// missing value anywhere stops it: there is no design to drop rows by.
func noColumns(m *modelio.Model, d *modelio.Design, names []string, in namedInput, dopts *data.Options, na naFlags, targets []string) (*modelDesign, error) {
	if na.changedValues() {
		return nil, usagef("--na-values: the model %s reads no data column", m.Expression)
	}
	md, err := fastDesign(m, d, names, in, dopts, targets)
	var de *data.Error
	if notNumeric(err) && errors.As(err, &de) {
		de.Hint = "the model reads no data column, so every column is read as numbers; fill in the value or remove its column"
	}
	return md, err
}

// appendTarget appends the values of a plain column asked for (a target,
// the weights) on the kept rows.
func appendTarget(ys [][]float64, raw *formula.Data, t *data.TextTable, name string, rows []int) ([][]float64, error) {
	v := raw.Num[name]
	if v == nil { // a column of words: rawColumns let it through as text
		j, i := t.Col(name), 0
		if miss := raw.Missing[name]; miss != nil {
			i = slices.Index(miss, false) // some cell is present: Build kept a row
		}
		return nil, &data.Error{File: t.File, Line: t.Lines[i], Col: j + 1, Column: name,
			Msg: fmt.Sprintf("%q is not a number (column %q)", t.Cells[j][i], name), Hint: "it must hold numbers; name a numeric column"}
	}
	y := make([]float64, len(rows))
	for i, r := range rows {
		y[i] = v[r]
	}
	return append(ys, y), nil
}

// fastDesign reads the model's raw columns with the numeric reader, and
// the columns asked for beside them.
func fastDesign(m *modelio.Model, d *modelio.Design, names []string, in namedInput, dopts *data.Options, targets []string) (*modelDesign, error) {
	o := *dopts
	o.Features, o.Target = d.Columns, ""
	fr, err := in.read(&o, IO{})
	if err != nil {
		return nil, forModel(err, m)
	}
	md := &modelDesign{x: fr.X, n: fr.Rows()}
	if len(targets) > 0 {
		tab, err := in.table(targets, dopts)
		if err != nil {
			return nil, err
		}
		for _, c := range targets {
			md.y = append(md.y, tab.Column(c))
		}
	}
	md.rows = make([]int, md.n)
	for i := range md.rows {
		md.rows[i] = i
	}
	return md, md.finish(d, d.Columns, names)
}

// finish raises the powers of --degree and checks that the columns built
// are the model's inputs.
func (md *modelDesign) finish(d *modelio.Design, built, want []string) error {
	if d.Degree > 1 {
		fr := &data.Frame{Features: built, X: md.x}
		if _, err := expandDegree(fr, d.Degree); err != nil {
			return err
		}
		md.x, built = fr.X, fr.Features
	}
	if !slices.Equal(built, want) {
		return &modelio.Error{File: "model", Msg: fmt.Sprintf("the model's design gives the columns %s but the model has the features %s; fit it again",
			strings.Join(built, ", "), strings.Join(want, ", "))}
	}
	return nil
}

// spread lays out values of the kept rows over every row of the file,
// NaN where a row was left out for a missing value.
func (md *modelDesign) spread(kept []float64) []float64 {
	all := make([]float64, md.n)
	for i := range all {
		all[i] = math.NaN()
	}
	for i, r := range md.rows {
		all[r] = kept[i]
	}
	return all
}

func (n *naFlags) changedValues() bool { return strings.TrimSpace(n.Values) != "" }

// legacyDesign reads the design of a model file written before designs
// were saved: x, x^2, …, x^k is --degree k of x; anything else names raw
// columns (or, failing that, formula terms).
func legacyDesign(features []string) *modelio.Design {
	if k := len(features); k > 1 {
		deg := true
		for i, f := range features[1:] {
			deg = deg && f == features[0]+"^"+strconv.Itoa(i+2)
		}
		if deg {
			return &modelio.Design{Columns: features[:1], Degree: k}
		}
	}
	return &modelio.Design{Columns: features}
}

// legacyFormula writes features as formula terms: "log(Girth)" is log of
// the column Girth; a name that does not parse as a term is a column.
func legacyFormula(target string, features []string) string {
	terms := make([]string, len(features))
	for i, f := range features {
		if _, err := formula.Parse("~ " + f); err == nil {
			terms[i] = f
		} else {
			terms[i] = "`" + f + "`"
		}
	}
	s := "~ " + strings.Join(terms, " + ")
	if target != "" {
		s = target + " " + s
	}
	return s
}

func missingColumn(err error) bool {
	var de *data.Error
	return errors.As(err, &de) && strings.Contains(de.Msg, "no column named")
}
