package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/expr"
	"github.com/lsqgo/lsq/modelio"
)

// table reads the named columns of the input.
func (in namedInput) table(columns []string, opts *data.Options) (*data.Table, error) {
	var r io.Reader
	if in.path != "" {
		f, err := os.Open(in.path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	} else {
		r = bytes.NewReader(in.buf)
	}
	return data.ReadTable(r, in.name, columns, opts)
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

func predictCurve(m *modelio.Model, in namedInput, dopts *data.Options) ([]float64, int, error) {
	prog, cols, err := curveProgram(m.Expression, m.ParamOrder)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: the model's expression: %w", in.name, err)
	}
	tab, err := in.table(cols, dopts)
	if err != nil {
		return nil, 0, forModel(err, m)
	}
	p := make([]float64, len(m.ParamOrder))
	for i, name := range m.ParamOrder {
		p[i] = m.Params[name]
	}
	colv := make([][]float64, len(cols))
	for j, c := range cols {
		colv[j] = tab.Column(c)
	}
	pred := make([]float64, tab.N)
	prog.Eval(pred, p, colv)
	if i := expr.FirstNonFinite(pred); i >= 0 {
		return nil, 0, fmt.Errorf("%s: data row %d: the model %s is not finite there (%v); check the inputs of that row", in.name, i+1, m.Expression, pred[i])
	}
	return pred, tab.N, nil
}
