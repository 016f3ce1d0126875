package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"gonum.org/v1/gonum/floats"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/expr"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/nls"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/report"
)

type curveOptions struct {
	File      string
	Model     string
	Start     string
	Target    string
	Delimiter string
	Method    string
	Bounds    string
	MaxEvals  int
	LR        float64
	Epochs    int
	Tol       float64
	Summary   bool
	JSON      bool
	Output    string
	Weights   string
	Plot      string
	Profile   bool
	// changed reports whether a flag was given on the command line.
	changed func(string) bool
}

func newCurveCmd(stdio IO) *cobra.Command {
	var opts curveOptions
	cmd := &cobra.Command{
		Use:   "curve FILE --model EXPR --start NAME=VALUE,...",
		Short: "Fit a nonlinear model written as an expression (Levenberg–Marquardt by default)",
		Long: `curve fits target ≈ model(columns; parameters) by nonlinear least squares.
The model is an expression: + - * / ^ (or **), unary minus, parentheses,
numbers, exp log ln sqrt sin cos tan atan arctan abs pow, and pi. Names given
in --start are parameters; every other name is a column of FILE. Derivatives
are exact (automatic differentiation).

Methods: lm (Levenberg–Marquardt in Moré's scaled trust-region form, the
default), gn (Gauss–Newton with a line search), gd and adam (first-order, on
the same objective, to compare). Box bounds: --bounds b1=0:inf,b2=-1:1.
gd and adam succeed by the measured gap to the Levenberg–Marquardt optimum
from the same start: (S − S*)/S* at most --tol, as lsq fit judges them.`,
		Example: `  lsq curve data.csv --model "b1*(1-exp(-b2*x))" --start b1=500,b2=1e-4 --summary
  lsq curve data.csv --model "a*x^b" --start a=1,b=1 --bounds a=0:inf -o model.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.changed = cmd.Flags().Changed
			return runCurve(cmd.Context(), opts, stdio)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Model, "model", "", "the model expression (required)")
	f.StringVar(&opts.Start, "start", "", "starting values of every parameter: NAME=VALUE,... (required, except for a self-starting --model such as SSlogis(x), where empty or auto computes them from the data)")
	f.BoolVar(&opts.Profile, "profile", false, "also print profile-likelihood 95% intervals (as R's confint for nls)")
	f.StringVar(&opts.Target, "target", "y", "response column")
	f.StringVar(&opts.Weights, "weights", "", "column of observation weights")
	f.StringVar(&opts.Delimiter, "delimiter", "", "field delimiter (default \",\")")
	f.StringVar(&opts.Method, "method", "lm", "lm, gn, gd or adam")
	f.StringVar(&opts.Bounds, "bounds", "", "box bounds NAME=LOW:HIGH,... (inf allowed)")
	f.IntVar(&opts.MaxEvals, "max-evals", 0, "lm/gn: limit on model evaluations (default 1000·(parameters+1))")
	f.Float64Var(&opts.LR, "lr", 0, "gd/adam: learning rate (0: the method's default)")
	f.IntVar(&opts.Epochs, "epochs", 100000, "gd/adam: iteration limit")
	f.Float64Var(&opts.Tol, "tol", optim.DefaultGapTol, "gd/adam: success is the relative objective gap to the Levenberg–Marquardt optimum from the same start, (F − F*)/max(|F*|, 1e-8·(F₀ − F*)); 0 or negative: no gap test, the fit runs to --epochs unless it stops at the optimum to working precision")
	f.BoolVar(&opts.Summary, "summary", false, "print t, p and 95% intervals too")
	f.BoolVar(&opts.JSON, "json", false, "print one JSON object")
	f.StringVarP(&opts.Output, "output", "o", "", "save the fitted curve model to this file")
	f.StringVar(&opts.Plot, "plot", "", "draw the data and the fitted curve (one data column) or residuals to a .png or .svg file")
	return cmd
}

// parseAssignments parses NAME=VALUE,... for --start.
func parseAssignments(flag, s string) (map[string]float64, []string, error) {
	m := map[string]float64{}
	var order []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, nil, usagef("%s: %q is not NAME=VALUE", flag, part)
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, nil, usagef("%s: %s=%q is not a finite number", flag, k, v)
		}
		if _, dup := m[k]; dup {
			return nil, nil, usagef("%s: %s is given twice", flag, k)
		}
		m[k] = x
		order = append(order, k)
	}
	return m, order, nil
}

// parseBounds parses NAME=LOW:HIGH,... with inf, -inf allowed.
func parseBounds(s string) (map[string][2]float64, error) {
	out := map[string][2]float64{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	num := func(t string) (float64, error) {
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "inf", "+inf":
			return math.Inf(1), nil
		case "-inf":
			return math.Inf(-1), nil
		}
		return strconv.ParseFloat(strings.TrimSpace(t), 64)
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		lo, hi, ok2 := strings.Cut(v, ":")
		if !ok || !ok2 {
			return nil, usagef("--bounds: %q is not NAME=LOW:HIGH (e.g. b1=0:inf)", part)
		}
		l, err1 := num(lo)
		h, err2 := num(hi)
		if err1 != nil || err2 != nil || math.IsNaN(l) || math.IsNaN(h) || l > h {
			return nil, usagef("--bounds: %q needs numbers LOW ≤ HIGH (inf allowed)", part)
		}
		out[strings.TrimSpace(k)] = [2]float64{l, h}
	}
	return out, nil
}

type curveOutput struct {
	File        string               `json:"file"`
	Model       string               `json:"model"`
	Target      string               `json:"target"`
	Params      map[string]float64   `json:"params"`
	ParamOrder  []string             `json:"param_order"`
	StdErr      map[string]jsonFloat `json:"stderr"`
	T           map[string]jsonFloat `json:"t"`
	P           map[string]jsonFloat `json:"p"`
	CILow       map[string]jsonFloat `json:"ci_low"`
	CIHigh      map[string]jsonFloat `json:"ci_high"`
	RSS         jsonFloat            `json:"rss"`
	ResidualSD  jsonFloat            `json:"residual_sd"`
	DF          int                  `json:"df_resid"`
	N           int                  `json:"n"`
	Method      string               `json:"method"`
	Status      string               `json:"status"`
	Converged   bool                 `json:"converged"`
	Message     string               `json:"message"`
	Iterations  int                  `json:"iterations"`
	Evaluations int                  `json:"evaluations"`
	Gap         *curveGap            `json:"gap,omitempty"`
	Timings     timings              `json:"timings"`
	Saved       string               `json:"model_file,omitempty"`
	Plot        string               `json:"plot,omitempty"`
	curveInference
}

// curveGap is how far gd or adam stopped from the Levenberg–Marquardt
// optimum from the same start (nls.Result.Gap), with fit's JSON names.
type curveGap struct {
	ObjectiveRel jsonFloat `json:"objective_rel"`
	Tol          jsonFloat `json:"tol"` // the tolerance on objective_rel that decided success
}

// curveRun is one `lsq curve`: the model and its parameters as parsed from
// the flags, the data read, and the settings given to nls.
type curveRun struct {
	o          curveOptions
	ss         *nls.SelfStart
	auto       bool
	start      map[string]float64
	startOrder []string
	bounds     map[string][2]float64
	method     nls.Method
	opt        optim.Optimizer
	cols       []string // names of the model that are columns
	params     []string
	in         namedInput
	tab        *data.Table
	colMap     map[string][]float64
	load       time.Duration
}

// runCurve is `lsq curve`: flags → nls.Curve → printing.
func runCurve(ctx context.Context, o curveOptions, stdio IO) error {
	r, err := parseCurve(o)
	if err != nil {
		return err
	}
	o = r.o // a self-starting --model is now its expression
	if err := r.read(ctx, stdio); err != nil {
		return err
	}
	s := r.settings()
	if err := checkStart(r.in.name, o.Model, r.params, r.start, r.colMap, r.tab.N); err != nil {
		return err
	}
	t1 := time.Now()
	res, err := nls.Curve(ctx, o.Model, r.tab.Column(o.Target), r.colMap, r.start, s)
	if err != nil && (res == nil || ctx.Err() != nil) {
		return fmt.Errorf("%s: %w", r.in.name, err)
	}
	if err := curveStopError(r.in.name, o, r.params, r.start, r.colMap, r.tab.Column(o.Target), res); err != nil {
		return err
	}
	out, err := r.output(ctx, res, s, time.Since(t1))
	if err != nil {
		return err
	}
	if err := r.write(res, out); err != nil {
		return err
	}
	if o.JSON {
		if err := writeJSON(stdio.Out, out); err != nil {
			return err
		}
	} else {
		printCurve(stdio.Out, out, o.Summary)
		printCurveInference(stdio.Out, &out.curveInference, r.params)
		printWritten(stdio.Out, outFile{"model", out.Saved}, outFile{"plot", out.Plot})
	}
	if !res.Status.Converged() {
		msg := fmt.Sprintf("%s did not reach a minimum (%s): %s", o.Method, res.Status, res.Message)
		if res.Status == lsq.BelowOptimum {
			msg += fmt.Sprintf("; refit with --method lm --start %s to reach the minimum of the lower basin", curveValues(r.params, res.X))
		}
		return &NotConvergedError{Msg: msg}
	}
	return nil
}

// curveValues writes parameter values as --start takes them.
func curveValues(params []string, x []float64) string {
	parts := make([]string, len(params))
	for j, p := range params {
		parts[j] = fmt.Sprintf("%s=%.10g", p, x[j])
	}
	return strings.Join(parts, ",")
}

// parseCurve reads the model, the starting values, the bounds and the
// method from the flags; the model's names without a start are columns.
func parseCurve(o curveOptions) (*curveRun, error) {
	if strings.TrimSpace(o.Model) == "" {
		return nil, usagef("--model is required, e.g. --model \"b1*(1-exp(-b2*x))\"")
	}
	r := &curveRun{o: o}
	var err error
	if r.ss, r.auto, err = r.o.selfStart(); err != nil {
		return nil, err
	}
	o = r.o // selfStart replaces a self-starting --model by its expression
	e, err := expr.Parse(o.Model)
	if err != nil {
		var ee *expr.Error
		if errors.As(err, &ee) {
			return nil, usagef("--model: %v\n  %s", err, strings.ReplaceAll(ee.Caret(), "\n", "\n  "))
		}
		return nil, usagef("--model: %v", err)
	}
	if r.start, r.startOrder, err = parseAssignments("--start", o.Start); err != nil {
		return nil, err
	}
	if r.bounds, err = parseBounds(o.Bounds); err != nil {
		return nil, err
	}
	switch o.Method {
	case "lm":
		r.method = nls.LevenbergMarquardt
	case "gn":
		r.method = nls.GaussNewton
	case "gd":
		r.opt = &optim.GD{}
	case "adam":
		r.opt = &optim.Adam{}
	default:
		return nil, usagef("--method %q: want lm, gn, gd or adam", o.Method)
	}
	if o.MaxEvals < 0 || o.Epochs < 1 || o.LR < 0 {
		return nil, usagef("--max-evals, --epochs and --lr must be positive")
	}
	if math.IsNaN(o.Tol) {
		return nil, usagef("--tol %v: want a number (0 or negative: no gap test)", o.Tol)
	}
	if err := o.checkMethodFlags(r.opt != nil); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, n := range e.Names() {
		used[n] = true
		if _, isParam := r.start[n]; !isParam {
			r.cols = append(r.cols, n)
		}
	}
	for name := range r.start {
		if !used[name] {
			return nil, usagef("--start %s: the model has no name %s (its names: %s)", name, name, strings.Join(e.Names(), ", "))
		}
	}
	for name := range r.bounds {
		if _, ok := r.start[name]; !ok {
			return nil, usagef("--bounds %s: not a parameter (parameters are the names given in --start)", name)
		}
	}
	if err := refuseOverwrite(o.Output, o.File); err != nil {
		return nil, err
	}
	if err := (visualFlags{Plot: o.Plot}).check(o.File); err != nil {
		return nil, err
	}
	return r, nil
}

// checkMethodFlags refuses the limits of the other family of methods:
// --lr, --epochs and --tol set gd and adam (optim.Minimize and its gap
// test), --max-evals lm and
// gn (nls.Settings.MaxEvaluations, which a descent method does not read).
func (o curveOptions) checkMethodFlags(descent bool) error {
	given := func(name string) bool { return o.changed != nil && o.changed(name) }
	if descent {
		if given("max-evals") {
			return usagef("--max-evals limits --method lm and gn; --method %s stops at --epochs", o.Method)
		}
		return nil
	}
	for _, name := range []string{"lr", "epochs", "tol"} {
		if given(name) {
			return usagef("--%s applies to --method gd and adam; --method %s chooses its own steps and stops at --max-evals", name, o.Method)
		}
	}
	return nil
}

// read loads the columns the model needs and, for a self-starting model,
// computes the starting values from them.
func (r *curveRun) read(ctx context.Context, stdio IO) error {
	o := &r.o
	t0 := time.Now()
	var err error
	if r.in, err = bufferInput(o.File, stdio); err != nil {
		return err
	}
	dopts, err := (&dataFlags{Delimiter: o.Delimiter}).options()
	if err != nil {
		return err
	}
	need := append(append([]string{}, r.cols...), o.Target)
	if o.Weights != "" {
		need = append(need, o.Weights)
	}
	if r.tab, err = r.in.table(need, dopts); err != nil {
		if !r.auto {
			return fmt.Errorf("%w\n(names in the model without a --start value are read as columns; give --start NAME=VALUE for each parameter)", err)
		}
		return err
	}
	r.load = time.Since(t0)
	r.colMap = map[string][]float64{}
	for _, c := range r.cols {
		r.colMap[c] = r.tab.Column(c)
	}
	if r.params, err = nls.ParamNames(o.Model, r.cols); err != nil {
		return usagef("--model: %v", err)
	}
	if r.auto {
		if r.start, err = selfStartValues(ctx, r.in.name, r.ss, r.colMap, r.tab.Column(o.Target)); err != nil {
			return err
		}
		r.startOrder = r.ss.Params // the self-starting model's own order
	}
	if len(r.startOrder) == len(r.params) {
		r.params = r.startOrder // every table, JSON list and model file in --start order
	}
	return nil
}

// settings are nls's settings: the method, weights and bounds.
func (r *curveRun) settings() *nls.Settings {
	o := &r.o
	s := &nls.Settings{Method: r.method, MaxEvaluations: o.MaxEvals, Optimizer: r.opt, Params: r.params}
	if r.opt != nil {
		// A descent method stops at --epochs (checkMethodFlags refuses --max-evals).
		s.MaxEvaluations = 0
		s.Descent = optim.Settings{LearningRate: o.LR, Epochs: o.Epochs}
		s.GapTol = gapTolFlag(o.changed != nil && o.changed("tol"), o.Tol)
	}
	if o.Weights != "" {
		s.Weights = r.tab.Column(o.Weights)
	}
	if len(r.bounds) > 0 {
		s.Lower, s.Upper = make([]float64, len(r.params)), make([]float64, len(r.params))
		for i, p := range r.params {
			s.Lower[i], s.Upper[i] = math.Inf(-1), math.Inf(1)
			if b, ok := r.bounds[p]; ok {
				s.Lower[i], s.Upper[i] = b[0], b[1]
			}
		}
	}
	return s
}

// output gathers the fit, its inference and the timings.
func (r *curveRun) output(ctx context.Context, res *nls.Result, s *nls.Settings, fitTime time.Duration) (*curveOutput, error) {
	o := &r.o
	out := &curveOutput{
		File: o.File, Model: o.Model, Target: o.Target, ParamOrder: r.params,
		Params: map[string]float64{}, StdErr: map[string]jsonFloat{}, T: map[string]jsonFloat{}, P: map[string]jsonFloat{},
		CILow: map[string]jsonFloat{}, CIHigh: map[string]jsonFloat{},
		RSS: jsonFloat(res.RSS), ResidualSD: jsonFloat(res.ResidualSD), DF: res.DF, N: r.tab.N,
		Method: o.Method, Status: res.Status.String(), Converged: res.Status.Converged(), Message: res.Message,
		Iterations: res.Iterations, Evaluations: res.Evaluations,
		Timings: timings{LoadS: r.load.Seconds(), FitS: fitTime.Seconds()},
	}
	if !math.IsNaN(res.Gap) {
		out.Gap = &curveGap{ObjectiveRel: jsonFloat(res.Gap), Tol: jsonFloat(res.GapTol)}
	}
	var err error
	if out.curveInference, err = curveExtras(ctx, res, r.params, s, o.Profile); err != nil {
		return nil, fmt.Errorf("%s: %w", r.in.name, err)
	}
	if r.auto {
		out.SelfStart = r.start
	}
	for i, p := range r.params {
		out.Params[p] = res.X[i]
		out.StdErr[p] = jsonFloat(res.StdErr[i])
		out.T[p] = jsonFloat(res.T[i])
		out.P[p] = jsonFloat(res.P[i])
		out.CILow[p] = jsonFloat(res.Lower95[i])
		out.CIHigh[p] = jsonFloat(res.Upper95[i])
	}
	return out, nil
}

// write saves the model and draws the plot.
func (r *curveRun) write(res *nls.Result, out *curveOutput) error {
	o := &r.o
	if o.Output != "" && lsqFiniteMap(out.Params) {
		m := &modelio.Model{
			Kind: modelio.KindCurve, Target: o.Target, Features: r.cols, FitIntercept: false,
			Expression: o.Model, Params: out.Params, ParamOrder: r.params,
			Solver:   modelio.Solver{Name: o.Method, Settings: map[string]any{"start": r.start, "bounds": o.Bounds}},
			Training: map[string]any{"file": o.File, "n": r.tab.N, "residual_sd": res.ResidualSD, "status": out.Status, "iterations": res.Iterations},
		}
		if !math.IsInf(res.RSS, 0) {
			m.Training["rss"] = res.RSS
		}
		m.Inference = curveModelInference(res, o.Weights != "")
		if err := modelio.Save(o.Output, m); err != nil {
			return err
		}
		out.Saved = o.Output
	}
	if o.Plot != "" {
		if err := curvePlot(*o, r.cols, r.colMap, r.tab.Column(o.Target), r.params, res.X, res.Residuals); err != nil {
			return err
		}
		out.Plot = o.Plot
	}
	return nil
}

// curveStopError explains a stop at a point where the fit cannot be
// reported: the model's derivatives are not finite there (an overflow, such
// as exp of a large argument: the solver cannot take a step and stops, not
// at a minimum: exit 3, naming the row, the parameter values and what to
// do), or the residuals are beyond float64. Only then is the target blamed
// when it is itself too large; otherwise the model's values at the point
// reached are. It returns nil for a result that can be printed.
func curveStopError(name string, o curveOptions, params []string, start map[string]float64, colMap map[string][]float64, y []float64, res *nls.Result) error {
	if res.Status.Converged() && !math.IsInf(res.ResidualSD, 0) {
		return nil
	}
	prog, cols, err := curveProgram(o.Model, params)
	if err != nil {
		return nil
	}
	colv := make([][]float64, len(cols))
	for j, c := range cols {
		colv[j] = colMap[c]
	}
	n, k := len(y), len(params)
	f, jac := make([]float64, n), make([]float64, n*k)
	prog.EvalJacobian(f, jac, res.X, colv)
	atStart := true
	for j, p := range params {
		atStart = atStart && res.X[j] == start[p]
	}
	var vals []string
	for j, p := range params {
		format := "%s=%.6g"
		if atStart {
			format = "%s=%g" // as typed
		}
		vals = append(vals, fmt.Sprintf(format, p, res.X[j]))
	}
	point := "at the starting values " + strings.Join(vals, ",")
	if !atStart {
		point = fmt.Sprintf("at %s, where %s stopped after %s", strings.Join(vals, ","), o.Method, english.Count(res.Iterations, "iteration"))
	}
	row := func(i int) string {
		var at []string
		for j, c := range cols {
			at = append(at, fmt.Sprintf("%s = %g", c, colv[j][i]))
		}
		if len(at) == 0 {
			return fmt.Sprintf("data row %d", i+1)
		}
		return fmt.Sprintf("data row %d (%s)", i+1, strings.Join(at, ", "))
	}
	span := func(v []float64) string {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range v {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		return fmt.Sprintf("from %.4g to %.4g", lo, hi)
	}
	if i := expr.FirstNonFinite(jac); i >= 0 {
		r, j := i/k, i%k
		what := fmt.Sprintf("%s: %s: the derivative of the model with respect to %s is %v %s: the derivatives are not finite there (an overflow of float64, e.g. exp of a large argument, or a singular point such as sqrt at 0)",
			name, row(r), params[j], jac[i], point)
		if atStart {
			return &NotConvergedError{Msg: fmt.Sprintf("%s, so %s cannot take a step and stopped without fitting; choose --start values nearer the data "+
				"(at these the model runs %s, %s %s)", what, o.Method, span(f), o.Target, span(y))}
		}
		return &NotConvergedError{Msg: fmt.Sprintf("%s: a point that is not a minimum, so no fit is reported; try other --start values, "+
			"or --bounds that keep the parameters out of that region", what)}
	}
	if !math.IsInf(res.ResidualSD, 0) {
		// Finite; NaN only without degrees of freedom (as many rows as
		// parameters), which the output shows as such.
		return nil
	}
	// ‖r‖ overflows (the RSS alone may, for residuals of order 1e154 and
	// more; nls then computes the inference from ‖r‖ scaled). The target is
	// the cause when its own norm is beyond float64.
	if math.IsInf(floats.Norm(y, 2), 0) { // gonum scales the sum: +Inf only when the norm itself is
		return fmt.Errorf("%s: the residual standard deviation is %v: the target itself is beyond what float64 can fit (%s runs %s: the norm of the residuals overflows); rescale the target (divide it by a power of ten) and fit again",
			name, res.ResidualSD, o.Target, span(y))
	}
	msg := fmt.Sprintf("%s: the residuals are beyond float64 %s: the model runs %s there, %s %s; choose --start values where the model is of the target's size",
		name, point, span(f), o.Target, span(y))
	if res.Status.Converged() {
		return errors.New(msg)
	}
	return &NotConvergedError{Msg: msg}
}

func lsqFiniteMap(m map[string]float64) bool {
	for _, v := range m {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func printCurve(w io.Writer, o *curveOutput, summary bool) {
	fmt.Fprintf(w, "%s: %s, model %s ≈ %s\n", o.File, english.Count(o.N, "row"), o.Target, o.Model)
	verdict := "converged"
	if !o.Converged {
		verdict = "NOT converged"
	}
	fmt.Fprintf(w, "method %s: %s (%s) after %s, %s\n", o.Method, o.Status, verdict, english.Count(o.Iterations, "iteration"), english.Count(o.Evaluations, "evaluation"))
	if o.Message != "" {
		fmt.Fprintf(w, "  %s\n", o.Message)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if summary {
		fmt.Fprintf(tw, "\testimate\tstd err\tt\tP>|t|\t[0.025\t0.975]\t\n")
	} else {
		fmt.Fprintf(tw, "\testimate\tstd err\t\n")
	}
	for _, p := range o.ParamOrder {
		if summary {
			fmt.Fprintf(tw, "%s\t%.11g\t%.6g\t%.4g\t%.3g\t%.6g\t%.6g\t\n", p, o.Params[p], float64(o.StdErr[p]), float64(o.T[p]), float64(o.P[p]), float64(o.CILow[p]), float64(o.CIHigh[p]))
		} else {
			fmt.Fprintf(tw, "%s\t%.11g\t%.6g\t\n", p, o.Params[p], float64(o.StdErr[p]))
		}
	}
	tw.Flush()
	if rss := float64(o.RSS); !math.IsInf(rss, 0) {
		fmt.Fprintf(w, "RSS %.11g   ", rss)
	}
	if o.DF <= 0 {
		fmt.Fprintf(w, "no residual SD: %d degrees of freedom (as many rows as parameters)\n", o.DF)
	} else {
		fmt.Fprintf(w, "residual SD %.6g on %d degrees of freedom\n", float64(o.ResidualSD), o.DF)
	}
}

// curvePlot draws the data with the fitted curve when the model has one data
// column, and the residuals against the fitted values with a Q-Q plot.
func curvePlot(o curveOptions, cols []string, colMap map[string][]float64, y []float64, params []string, x, resid []float64) (err error) {
	defer recoverDrawing(&err)
	prog, _, err := curveProgram(o.Model, params)
	if err != nil {
		return err
	}
	fitted := make([]float64, len(y))
	for i := range y {
		fitted[i] = y[i] - resid[i]
	}
	fd := report.FitData{Optimum: math.NaN(), Y: y, Fitted: fitted, YName: o.Target}
	if len(cols) == 1 {
		fd.X, fd.XName = colMap[cols[0]], cols[0]
		one := make([]float64, 1)
		fd.Curve = func(v float64) float64 {
			out := make([]float64, 1)
			one[0] = v
			prog.Eval(out, x, [][]float64{one})
			return out[0]
		}
	}
	fig, err := report.FitFigure(fd)
	if err != nil {
		return fmt.Errorf("drawing the fit: %w", err)
	}
	return writeFigure(o.Plot, fig)
}
