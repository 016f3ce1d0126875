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
	"github.com/lsqgo/lsq/internal/english"
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
	return paramsOf(e, columns), nil
}

// paramsOf returns the names of e that are not among columns, in natural
// order (ParamNames).
func paramsOf(e *expr.Expr, columns []string) []string {
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
	return params
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
	c, err := newCurveFit(model, target, cols, start, s)
	if err != nil {
		return nil, err
	}
	res, err := solve(ctx, c.problem(curveWorkers(s)), c.x0, s, c.params)
	if res == nil {
		return nil, err
	}
	res.model = model
	c.againstConstant(res, s, err == nil)
	return res, err
}

// curveFit is a checked Curve problem: the compiled model, its parameters
// in the order of the Result with their starting values, and the data
// columns in the order the program reads them.
type curveFit struct {
	prog   *expr.Program
	params []string
	x0     []float64
	data   [][]float64
	target []float64
}

// newCurveFit parses and compiles the model and checks the inputs of Curve;
// the error is that of the first check that fails.
func newCurveFit(model string, target []float64, cols map[string][]float64, start map[string]float64, s *Settings) (*curveFit, error) {
	e, err := expr.Parse(model)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	colNames := dataColumns(e, cols)
	params, err := curveParams(e, model, colNames, s)
	if err != nil {
		return nil, err
	}
	x0, err := startValues(params, start, cols)
	if err != nil {
		return nil, err
	}
	data, err := columnData(colNames, cols, target, len(params))
	if err != nil {
		return nil, err
	}
	prog, err := e.Compile(params, colNames)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	c := &curveFit{prog: prog, params: params, x0: x0, data: data, target: target}
	if err := c.checkStart(); err != nil {
		return nil, err
	}
	return c, nil
}

// dataColumns returns the names of e that are keys of cols, in the order of
// e.Names.
func dataColumns(e *expr.Expr, cols map[string][]float64) []string {
	var colNames []string
	for _, n := range e.Names() {
		if _, ok := cols[n]; ok {
			colNames = append(colNames, n)
		}
	}
	return colNames
}

// curveParams returns the parameters of e in the order of the Result:
// Settings.Params when given, which must list exactly the parameters, else
// natural order (ParamNames).
func curveParams(e *expr.Expr, model string, colNames []string, s *Settings) ([]string, error) {
	params := paramsOf(e, colNames)
	if len(params) == 0 {
		return nil, fmt.Errorf("model %q has no parameters: every name is a data column", model)
	}
	if s == nil || s.Params == nil {
		return params, nil
	}
	sorted := slices.Clone(s.Params)
	slices.SortFunc(sorted, naturalCompare)
	if !slices.Equal(sorted, params) {
		return nil, fmt.Errorf("Settings.Params %v are not the model's parameters %v", s.Params, params)
	}
	return s.Params, nil
}

// naturalCompare is naturalLess as a three-way comparison.
func naturalCompare(a, b string) int {
	if naturalLess(a, b) {
		return -1
	}
	if naturalLess(b, a) {
		return 1
	}
	return 0
}

// startValues returns the starting values of params from start, which must
// hold one for every parameter and nothing else.
func startValues(params []string, start map[string]float64, cols map[string][]float64) ([]float64, error) {
	var missing []string
	x0 := make([]float64, len(params))
	for j, p := range params {
		v, ok := start[p]
		if !ok {
			missing = append(missing, p)
		}
		x0[j] = v
	}
	if len(missing) > 0 {
		return nil, missingStartError(missing, cols)
	}
	if err := unknownStarts(params, start); err != nil {
		return nil, err
	}
	return x0, nil
}

// unknownStarts names the starting values that are not for a parameter,
// nil when there are none.
func unknownStarts(params []string, start map[string]float64) error {
	isParam := map[string]bool{}
	for _, p := range params {
		isParam[p] = true
	}
	var unknown []string
	for name := range start {
		if !isParam[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	verb := "are"
	if len(unknown) == 1 {
		verb = "is"
	}
	return fmt.Errorf("starting value for %s, which %s not a parameter of the model (parameters: %s)",
		strings.Join(unknown, ", "), verb, strings.Join(params, ", "))
}

// missingStartError names the parameters without a starting value and up
// to ten of the data columns, since a misspelt column reads as a parameter.
func missingStartError(missing []string, cols map[string][]float64) error {
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
	return fmt.Errorf("no starting value for %s %s (every name of the model that is not a data column is a parameter and needs one%s)",
		english.Noun(float64(len(missing)), "parameter"), strings.Join(missing, ", "), hint)
}

// columnData returns the columns named by colNames, each of which must have
// as many rows as target; there must be at least k rows, and target must be
// finite.
func columnData(colNames []string, cols map[string][]float64, target []float64, k int) ([][]float64, error) {
	n := len(target)
	data := make([][]float64, len(colNames))
	for i, c := range colNames {
		if len(cols[c]) != n {
			return nil, fmt.Errorf("column %q has %d rows, the target has %d", c, len(cols[c]), n)
		}
		data[i] = cols[c]
	}
	if n < k {
		return nil, fmt.Errorf("%s for %s: need at least as many rows as parameters", english.Count(n, "data row"), english.Count(k, "parameter"))
	}
	if i := firstBad(target); i >= 0 {
		return nil, fmt.Errorf("target is %v at row %d", target[i], i+1)
	}
	return data, nil
}

// checkStart evaluates the model at the starting values and names the first
// row where it is not finite.
func (c *curveFit) checkStart() error {
	f := make([]float64, len(c.target))
	c.prog.Eval(f, c.x0, c.data)
	if i := firstBad(f); i >= 0 {
		return fmt.Errorf("the model is %v at row %d at the starting values", f[i], i+1)
	}
	return nil
}

// curveWorkers is Settings.Workers, GOMAXPROCS by default.
func curveWorkers(s *Settings) int {
	if s != nil && s.Workers != 0 {
		return s.Workers
	}
	return defaultWorkers()
}

// problem returns the Problem r(x) = model(x) − target, with the model and
// its exact Jacobian evaluated on blocks of rows by up to workers
// goroutines (rowSplit; the same bits for any number).
func (c *curveFit) problem(workers int) Problem {
	n, target := len(c.target), c.target
	rs := newRowSplit(c.prog, c.data, n, workers)
	return Problem{
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
}

// againstConstant compares the fit with the best constant, the (weighted)
// mean of the target: it sets R² = 1 − RSS/TSS, TSS the total (weighted)
// sum of squares about that mean, and turns a fit of two or more parameters
// that stopped on a tolerance or the evaluation limit with RSS ≥ TSS into
// lsq.Failure. Neither applies to a robust Loss (whose objective is not
// RSS); solved says whether solve returned no error.
func (c *curveFit) againstConstant(res *Result, s *Settings, solved bool) {
	var w []float64
	if s != nil {
		w = s.Weights
	}
	mean, tss := totalSS(c.target, w)
	rel, worse := relativeRSS(res, c.target, w, mean, tss)
	if s != nil && s.Loss != Linear {
		return
	}
	if tss > 0 {
		res.RSquared = 1 - rel
	}
	if solved && len(c.params) >= 2 && (res.Status.Converged() || res.Status == lsq.IterationLimit) && tss > 0 && worse {
		res.Status = lsq.Failure
		res.Message = fmt.Sprintf("the fit is no better than a constant (RSS %.6g ≥ total sum of squares %.6g): "+
			"probably a flat region of the model; try other starting values", res.RSS, tss)
	}
}

// totalSS returns the weighted mean ȳ = Σwᵢyᵢ/Σwᵢ and the total sum of
// squares Σwᵢ(yᵢ − ȳ)² (wᵢ = 1 when w is nil).
func totalSS(y, w []float64) (mean, tss float64) {
	sw := 0.0
	for i, yi := range y {
		wi := weightAt(w, i)
		mean += wi * yi
		sw += wi
	}
	mean /= sw
	for i, yi := range y {
		wi := weightAt(w, i)
		tss += wi * (yi - mean) * (yi - mean)
	}
	return mean, tss
}

// relativeRSS returns RSS/TSS and whether RSS ≥ TSS. When either overflows
// it is (‖r‖/‖y − ȳ‖)², with the weighted norm of the deviations
// √wᵢ(yᵢ − ȳ) computed scaled (enorm), so that both stay meaningful.
func relativeRSS(res *Result, y, w []float64, mean, tss float64) (rel float64, worse bool) {
	if !math.IsInf(tss, 1) && !math.IsInf(res.RSS, 1) {
		return res.RSS / tss, res.RSS >= tss
	}
	dev := make([]float64, len(y))
	for i, yi := range y {
		dev[i] = math.Sqrt(weightAt(w, i)) * (yi - mean)
	}
	q := res.fnorm / enorm(dev)
	return q * q, q >= 1
}

// weightAt is wᵢ, or 1 without weights.
func weightAt(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}
