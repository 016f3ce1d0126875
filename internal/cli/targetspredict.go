package cli

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/expr"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/modelio"
)

// severalTargets are the targets of a model of several outputs — a linear
// fit of several targets (kind "targets") or a network of more than one
// output — in the order of its prediction columns; nil for a model of one
// target. predict writes a column named after each and eval scores each.
func severalTargets(m *modelio.Model) []string {
	switch {
	case m.Kind == modelio.KindTargets:
		return m.Targets
	case m.Kind == modelio.KindNet && len(m.Net.Targets) > 1:
		return m.Net.Targets
	}
	return nil
}

// targetsPredictions computes a model of several targets (kind "targets")
// on the kept rows of its feature columns: one column of predictions per
// target, in the model's target order, by fit.Targets.Predict.
func targetsPredictions(m *modelio.Model, md *modelDesign, file string) ([][]float64, error) {
	tm := targetsModel(m)
	n := len(md.rows)
	cols := make([][]float64, len(m.Targets))
	for t := range cols {
		cols[t] = make([]float64, n)
	}
	row := make([]float64, len(m.Targets))
	for i := range n {
		tm.Predict(row, md.x.RawRowView(i))
		for t, p := range row {
			cols[t][i] = p
		}
	}
	return cols, finiteOutputs(cols, m.Targets, md, file)
}

// targetsModel is the fit.Targets of a model file of several targets.
func targetsModel(m *modelio.Model) *fit.Targets {
	coef := mat.NewDense(len(m.Features), len(m.Targets), nil)
	for j, row := range m.CoefMatrix {
		coef.SetRow(j, row)
	}
	return &fit.Targets{Features: m.Features, Names: m.Targets, Coef: coef, Intercept: m.Intercepts}
}

// finiteOutputs is the error naming the first row and target whose
// prediction overflowed float64 (a NaN would be written as an empty cell,
// the mark of a missing input); nil when every prediction is finite.
func finiteOutputs(cols [][]float64, targets []string, md *modelDesign, file string) error {
	for t, c := range cols {
		if i := expr.FirstNonFinite(c); i >= 0 {
			return fmt.Errorf("%s: data row %d: the prediction of %s overflows float64 (%v)", file, md.rows[i]+1, targets[t], c[i])
		}
	}
	return nil
}

// targetScores are eval's numbers for each target of a model of several
// targets.
type targetScores struct {
	Targets []string `json:"targets"`
	Scores  []scores `json:"scores"`
	// Missing reports the rows left out for a missing input or target.
	Missing *missingOut `json:"missing,omitempty"`
}

// printTargetScores prints eval's table for a model of several targets.
func printTargetScores(stdio IO, model, file string, out targetScores) error {
	fmt.Fprintf(stdio.Out, "%s on %s (%s)\n", model, file, english.Count(out.Scores[0].N, "row"))
	tw := newTable(stdio.Out)
	fmt.Fprintf(tw, "target\tR²\tRMSE\tMAE\t\n")
	for t, name := range out.Targets {
		s := out.Scores[t]
		fmt.Fprintf(tw, "%s\t%.6g\t%.6g\t%.6g\t\n", name, float64(s.R2), s.RMSE, s.MAE)
	}
	return tw.Flush()
}
