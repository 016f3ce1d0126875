package nls

import (
	"fmt"
	"math"

	"github.com/lsqgo/lsq/expr"
)

// Predict evaluates the model of a Curve fit at the data in cols (the same
// column names as the fit; any number of rows) and returns the fitted values
// and their standard errors by the delta method,
//
//	SE(f̂ᵢ) = √(gᵢᵀ·Cov·gᵢ),   gᵢ = ∂f/∂θ at row i and the estimates,
//
// the standard error of the fitted mean (add ResidualSD² under the root for a
// prediction of a new observation). Parameters without a standard error (on
// a bound, or not determined) count as fixed. It returns an error when the
// Result does not come from Curve or a column is missing or of unequal
// length.
func (res *Result) Predict(cols map[string][]float64) (fit, se []float64, err error) {
	if res.model == "" {
		return nil, nil, fmt.Errorf("Predict needs a Result from Curve")
	}
	e, err := expr.Parse(res.model)
	if err != nil {
		return nil, nil, err
	}
	isParam := map[string]bool{}
	for _, p := range res.Names {
		isParam[p] = true
	}
	var names []string
	var data [][]float64
	n := -1
	for _, name := range e.Names() {
		if isParam[name] {
			continue
		}
		c, ok := cols[name]
		if !ok {
			return nil, nil, fmt.Errorf("column %q of the model is missing", name)
		}
		if n >= 0 && len(c) != n {
			return nil, nil, fmt.Errorf("column %q has %d rows, column %q has %d", name, len(c), names[0], n)
		}
		n = len(c)
		names = append(names, name)
		data = append(data, c)
	}
	if n < 0 {
		return nil, nil, fmt.Errorf("the model has no data columns")
	}
	prog, err := e.Compile(res.Names, names)
	if err != nil {
		return nil, nil, err
	}
	k := len(res.Names)
	fit = make([]float64, n)
	jac := make([]float64, n*k)
	prog.EvalJacobian(fit, jac, res.X, data)
	se = make([]float64, n)
	for i := range se {
		g := jac[i*k : (i+1)*k]
		s := 0.0
		for a := 0; a < k; a++ {
			if math.IsNaN(res.StdErr[a]) {
				continue
			}
			for b := 0; b < k; b++ {
				if math.IsNaN(res.StdErr[b]) {
					continue
				}
				s += g[a] * res.Cov.At(a, b) * g[b]
			}
		}
		se[i] = math.Sqrt(math.Max(s, 0))
	}
	return fit, se, nil
}
