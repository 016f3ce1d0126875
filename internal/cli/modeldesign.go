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

// modelDesign is a linear model's design rebuilt on new raw data.
type modelDesign struct {
	x       *mat.Dense  // used rows × the model's features
	y       []float64   // the response on the used rows; nil unless asked for
	offset  []float64   // the formula's offset() on the used rows, nil when none
	rows    []int       // the file's rows in x (0-based)
	n       int         // rows in the file
	missing *missingOut // rows left out for missing values, nil when none
}

// buildForModel turns the raw columns of a file into the model's features,
// as the model file's design says (formula, factor levels, polynomial
// bases, --degree), and the response when target is not empty. Plain
// numeric files are read by the fast reader; missing values and text go
// through the formula path, which drops (or, with --na error, stops at)
// rows with a missing input.
func buildForModel(m *modelio.Model, in namedInput, dopts *data.Options, na naFlags, target string) (*modelDesign, error) {
	action, err := na.action()
	if err != nil {
		return nil, err
	}
	d := m.Design
	if d == nil {
		d = legacyDesign(m.Features)
	}
	src := d.Formula
	var fastErr error
	if src == "" {
		if !na.changedValues() {
			md, err := fastDesign(m, d, in, dopts, target)
			if err == nil || !notNumeric(err) && (m.Design != nil || !missingColumn(err)) {
				return md, err
			}
			fastErr = err
		}
		src = plainFormula(target, d.Columns, true)
		if m.Design == nil && d.Degree == 0 {
			// A model file from before designs were saved, fitted with a
			// formula: its features are the formula's terms.
			src = legacyFormula(target, m.Features)
		}
	}
	f, err := formula.Parse(src)
	if err != nil {
		return nil, &modelio.Error{File: "model", Msg: fmt.Sprintf("the model's formula %q does not parse: %v", src, err)}
	}
	if target != "" && f.Response() != target {
		return nil, usagef("the model's formula has the response %s; drop --target", f.Response())
	}
	t, err := in.readText(dopts.Delimiter)
	if err != nil {
		return nil, err
	}
	raw, err := rawColumns(t, na.missing())
	if err != nil {
		return nil, err
	}
	enc := &formula.Encoding{Formula: src, Factors: d.Factors, Poly: d.Poly}
	des, err := f.Build(raw, &formula.Options{NA: action, Encoding: enc, NoResponse: target == ""})
	if err != nil {
		if err = forModel(cellError(err, t), m); missingColumn(err) && missingColumn(fastErr) {
			return nil, fastErr // neither columns nor terms: the reader's message
		}
		return nil, err
	}
	md := &modelDesign{x: des.X, y: des.Y, offset: des.Offset, rows: des.Rows, n: t.Rows(), missing: missingReport(des, na.Action)}
	return md, md.finish(m, d, des.Names)
}

// fastDesign reads the model's raw columns with the numeric reader.
func fastDesign(m *modelio.Model, d *modelio.Design, in namedInput, dopts *data.Options, target string) (*modelDesign, error) {
	o := *dopts
	o.Features, o.Target = d.Columns, ""
	fr, err := in.read(&o, IO{})
	if err != nil {
		return nil, forModel(err, m)
	}
	md := &modelDesign{x: fr.X, n: fr.Rows()}
	if target != "" {
		tab, err := in.table([]string{target}, dopts)
		if err != nil {
			return nil, err
		}
		md.y = tab.Column(target)
	}
	md.rows = make([]int, md.n)
	for i := range md.rows {
		md.rows[i] = i
	}
	return md, md.finish(m, d, d.Columns)
}

// finish raises the powers of --degree and checks that the columns built
// are the model's features.
func (md *modelDesign) finish(m *modelio.Model, d *modelio.Design, names []string) error {
	if d.Degree > 1 {
		fr := &data.Frame{Features: names, X: md.x}
		if _, err := expandDegree(fr, d.Degree); err != nil {
			return err
		}
		md.x, names = fr.X, fr.Features
	}
	if !slices.Equal(names, m.Features) {
		return &modelio.Error{File: "model", Msg: fmt.Sprintf("the model's design gives the columns %s but the model has the features %s; fit it again",
			strings.Join(names, ", "), strings.Join(m.Features, ", "))}
	}
	return nil
}

// predictions returns one prediction per row of the file, NaN where an
// input was missing.
func (md *modelDesign) predictions(m *modelio.Model, file string) ([]float64, error) {
	lin := m.Linear()
	pred := make([]float64, md.n)
	for i := range pred {
		pred[i] = math.NaN()
	}
	for i, r := range md.rows {
		p := lin.Predict(md.x.RawRowView(i))
		if md.offset != nil {
			p += md.offset[i]
		}
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return nil, fmt.Errorf("%s: data row %d: the prediction overflows float64 (%v); rescale the features of that row, or refit on data of its scale", file, r+1, p)
		}
		pred[r] = p
	}
	return pred, nil
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
