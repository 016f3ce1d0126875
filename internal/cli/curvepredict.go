package cli

import (
	"bytes"
	"fmt"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/expr"
	"github.com/lsqgo/lsq/modelio"
)

// table reads the named columns of the input; a file is read by the data
// package's dispatcher, so Parquet works as it does for fit.
func (in namedInput) table(columns []string, opts *data.Options) (*data.Table, error) {
	if in.path != "" {
		return data.ReadTableFile(in.path, columns, opts)
	}
	return data.ReadTable(bytes.NewReader(in.buf), in.name, columns, opts)
}

// curveProgram compiles a curve model's expression: its parameters are the
// model's, every other name is a data column.
func curveProgram(src string, params []string) (*expr.Program, []string, error) {
	e, err := expr.Parse(src)
	if err != nil {
		return nil, nil, err
	}
	isParam := map[string]bool{}
	for _, p := range params {
		isParam[p] = true
	}
	var cols []string
	for _, n := range e.Names() {
		if !isParam[n] {
			cols = append(cols, n)
		}
	}
	prog, err := e.Compile(params, cols)
	if err != nil {
		return nil, nil, err
	}
	return prog, cols, nil
}

// curveInputs are what a curve model is evaluated (or differentiated)
// with on the kept rows of its design: its compiled expression, its
// estimates in ParamOrder, and its data columns, one slice per column of
// md.x in the expression's column order.
func curveInputs(m *modelio.Model, md *modelDesign) (*expr.Program, []float64, [][]float64, error) {
	prog, cols, err := curveProgram(m.Expression, m.ParamOrder)
	if err != nil {
		return nil, nil, nil, err
	}
	theta := make([]float64, len(m.ParamOrder))
	for i, name := range m.ParamOrder {
		theta[i] = m.Params[name]
	}
	colv := make([][]float64, len(cols))
	for j := range cols {
		colv[j] = mat.Col(nil, j, md.x)
	}
	return prog, theta, colv, nil
}

// curvePredictions evaluates a curve model on the kept rows of its data
// columns.
func curvePredictions(m *modelio.Model, md *modelDesign, file string) ([]float64, error) {
	prog, p, colv, err := curveInputs(m, md)
	if err != nil {
		return nil, fmt.Errorf("%s: the model's expression: %w", file, err)
	}
	pred := make([]float64, len(md.rows))
	prog.Eval(pred, p, colv)
	if i := expr.FirstNonFinite(pred); i >= 0 {
		return nil, fmt.Errorf("%s: data row %d: the model %s is not finite there (%v); check the inputs of that row", file, md.rows[i]+1, m.Expression, pred[i])
	}
	return pred, nil
}

// checkStart names the first data row where the model is not finite at the
// starting values, with that row's inputs, so that the user can choose other
// starting values (a division by zero, the log of a negative number).
func checkStart(name, model string, params []string, start map[string]float64, colMap map[string][]float64, n int) error {
	prog, cols, err := curveProgram(model, params)
	if err != nil {
		return nil // the solver reports it
	}
	x := make([]float64, len(params))
	for i, p := range params {
		x[i] = start[p]
	}
	colv := make([][]float64, len(cols))
	for j, c := range cols {
		colv[j] = colMap[c]
	}
	f := make([]float64, n)
	prog.Eval(f, x, colv)
	i := expr.FirstNonFinite(f)
	if i < 0 {
		return nil
	}
	var at, sv []string
	for j, c := range cols {
		at = append(at, fmt.Sprintf("%s = %g", c, colv[j][i]))
	}
	for _, p := range params {
		sv = append(sv, fmt.Sprintf("%s=%g", p, start[p]))
	}
	where := ""
	if len(at) > 0 {
		where = " (" + strings.Join(at, ", ") + ")"
	}
	return fmt.Errorf("%s: data row %d%s: the model %s is %v at the starting values %s; choose --start values where it is finite on every row",
		name, i+1, where, model, f[i], strings.Join(sv, ","))
}
