package nls

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/expr"
)

// ParamNames returns the parameters of a model expression — its names that
// are not data columns — in the order Curve uses for Result.X and for
// Settings.Lower and Upper: sorted with digit runs compared as numbers
// (b1, b2, …, b10). The error is an *expr.Error (line:column) for a syntax
// error.
func ParamNames(model string, columns []string) ([]string, error) {
	e, err := expr.Parse(model)
	if err != nil {
		return nil, err
	}
	isCol := map[string]bool{}
	for _, c := range columns {
		isCol[c] = true
	}
	var params []string
	for _, n := range e.Names() {
		if !isCol[n] {
			params = append(params, n)
		}
	}
	sort.Slice(params, func(i, j int) bool { return naturalLess(params[i], params[j]) })
	return params, nil
}

// naturalLess compares strings with runs of digits compared by value.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, _ := strconv.ParseUint(strings.TrimLeft(a[:da], "0")+"0", 10, 64)
			nb, _ := strconv.ParseUint(strings.TrimLeft(b[:db], "0")+"0", 10, 64)
			if na != nb && da < 19 && db < 19 {
				return na < nb
			}
			if a[:da] != b[:db] {
				return a[:da] < b[:db]
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// Curve fits the model expression (package expr syntax) to target:
//
//	minimise Σᵢ (model(cols at row i; params) − target[i])²
//
// Names of the model that are keys of cols are data columns; the others are
// parameters, each of which must have a starting value in start (the error
// names every missing one). Derivatives are exact (forward-mode automatic
// differentiation). The parameter order of the Result (and of s.Lower and
// s.Upper) is that of ParamNames.
//
// Errors are returned for a model that does not parse (an *expr.Error with
// line:column), missing or unknown starting values, columns whose length
// differs from target, and a model that is not finite at the starting values
// (naming the row). On top of Solve's checks, a fit of two or more
// parameters whose RSS is no smaller than the total sum of squares of target
// about its mean — no better than a constant — is reported with Status
// lsq.Failure: it is almost always a start in a flat region of the model
// (weighted sums with Settings.Weights; not checked for a robust Loss).
func Curve(ctx context.Context, model string, target []float64, cols map[string][]float64, start map[string]float64, s *Settings) (*Result, error) {
	e, err := expr.Parse(model)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	var colNames []string
	for _, n := range e.Names() {
		if _, ok := cols[n]; ok {
			colNames = append(colNames, n)
		}
	}
	params, _ := ParamNames(model, colNames)
	if len(params) == 0 {
		return nil, fmt.Errorf("model %q has no parameters: every name is a data column", model)
	}
	if s != nil && s.Params != nil {
		sorted := slices.Clone(s.Params)
		slices.SortFunc(sorted, func(a, b string) int {
			if naturalLess(a, b) {
				return -1
			}
			if naturalLess(b, a) {
				return 1
			}
			return 0
		})
		if !slices.Equal(sorted, params) {
			return nil, fmt.Errorf("Settings.Params %v are not the model's parameters %v", s.Params, params)
		}
		params = s.Params
	}
	var missing, unknown []string
	x0 := make([]float64, len(params))
	for j, p := range params {
		v, ok := start[p]
		if !ok {
			missing = append(missing, p)
		}
		x0[j] = v
	}
	if len(missing) > 0 {
		var avail []string
		for c := range cols {
			avail = append(avail, c)
		}
		sort.Strings(avail)
		hint := ""
		if len(avail) > 0 {
			if len(avail) > 10 {
				avail = append(avail[:10], "...")
			}
			hint = "; the data columns are " + strings.Join(avail, ", ")
		}
		return nil, fmt.Errorf("no starting value for parameter%s %s (every name of the model that is not a data column is a parameter and needs one%s)",
			plural(len(missing)), strings.Join(missing, ", "), hint)
	}
	isParam := map[string]bool{}
	for _, p := range params {
		isParam[p] = true
	}
	for name := range start {
		if !isParam[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("starting value for %s, which %s not a parameter of the model (parameters: %s)",
			strings.Join(unknown, ", "), map[bool]string{true: "is", false: "are"}[len(unknown) == 1], strings.Join(params, ", "))
	}
	n := len(target)
	data := make([][]float64, len(colNames))
	for i, c := range colNames {
		if len(cols[c]) != n {
			return nil, fmt.Errorf("column %q has %d rows, the target has %d", c, len(cols[c]), n)
		}
		data[i] = cols[c]
	}
	if n < len(params) {
		return nil, fmt.Errorf("%d data rows for %d parameters: need at least as many rows as parameters", n, len(params))
	}
	if i := firstBad(target); i >= 0 {
		return nil, fmt.Errorf("target is %v at row %d", target[i], i+1)
	}
	prog, err := e.Compile(params, colNames)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	f := make([]float64, n)
	prog.Eval(f, x0, data)
	if i := firstBad(f); i >= 0 {
		return nil, fmt.Errorf("the model is %v at row %d at the starting values", f[i], i+1)
	}
	workers := defaultWorkers()
	if s != nil && s.Workers != 0 {
		workers = s.Workers
	}
	rs := newRowSplit(prog, data, n, workers)
	prob := Problem{
		M: n,
		Residuals: func(r, x []float64) {
			rs.eval(r, x)
			for i := range r {
				r[i] -= target[i]
			}
		},
		Jacobian: func(jac *mat.Dense, x []float64) {
			raw := jac.RawMatrix()
			if raw.Stride != len(x) {
				panic("nls: Jacobian matrix is not contiguous")
			}
			rs.jacobian(raw.Data[:n*len(x)], x)
		},
	}
	res, err := solve(ctx, prob, x0, s, params)
	if res == nil {
		return nil, err
	}
	res.model = model
	// Total (weighted) sum of squares about the (weighted) mean.
	var w []float64
	if s != nil {
		w = s.Weights
	}
	mean, sw := 0.0, 0.0
	for i, y := range target {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		mean += wi * y
		sw += wi
	}
	mean /= sw
	tss := 0.0
	for i, y := range target {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		tss += wi * (y - mean) * (y - mean)
	}
	// rel is RSS/TSS; when either overflows, (‖r‖/‖y − ȳ‖)² with the
	// weighted norm of the deviations computed scaled (enorm).
	rel, worse := res.RSS/tss, res.RSS >= tss
	if math.IsInf(tss, 1) || math.IsInf(res.RSS, 1) {
		dev := make([]float64, len(target))
		for i, y := range target {
			wi := 1.0
			if w != nil {
				wi = w[i]
			}
			dev[i] = math.Sqrt(wi) * (y - mean)
		}
		q := res.fnorm / enorm(dev)
		rel, worse = q*q, q >= 1
	}
	robust := s != nil && s.Loss != Linear
	if !robust && tss > 0 {
		res.RSquared = 1 - rel
	}
	if err == nil && !robust && len(params) >= 2 && (res.Status.Converged() || res.Status == lsq.IterationLimit) {
		if tss > 0 && worse {
			res.Status = lsq.Failure
			res.Message = fmt.Sprintf("the fit is no better than a constant (RSS %.6g ≥ total sum of squares %.6g): "+
				"probably a flat region of the model; try other starting values", res.RSS, tss)
		}
	}
	return res, err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
