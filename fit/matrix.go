package fit

import (
	"context"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/stream"
)

// ExactLimit bounds the size n·d² of problems for which an iterative fit
// also computes the exact solution by default.
const ExactLimit = 5e10

// Result is a fitted linear model with how it was obtained.
type Result struct {
	lsq.Linear
	Solver       Solver
	FitIntercept bool // whether the model has an intercept
	Status       lsq.Status
	Iterations   int // epochs (iterative) or 0 (exact)
	// MSE is the (weighted) mean squared error on the training data. It
	// is +Inf when it is beyond float64 (residuals of order 1e154 and more)
	// while RMSE, its square root, is finite: for an exact fit RMSE is
	// formed from the scaled sum linear.Result.ScaledRSS and so is finite
	// whenever the residuals are.
	MSE       float64
	RMSE      float64
	Objective float64 // value of the objective at the solution
	// N is the number of rows fitted, rows of weight zero included, in
	// memory and streamed alike; the observations (rows of positive
	// weight, R's nobs) are Exact.N or Streamed.N.
	N int

	// Exact is the exact least-squares or ridge solution (nil when skipped
	// or not applicable); for an unpenalised fit, stats.Summarize(Exact, x,
	// Weights, nil) gives its standard errors, tests and intervals.
	Exact *linear.Result
	// Streamed is the exact fit of a stream read off its QR accumulator,
	// with its summary (Stream only; nil otherwise).
	Streamed *stream.Result
	// Reference is the solution an iterative fit is measured against: the
	// exact one, or for L1 and elastic-net penalties coordinate descent run
	// to a duality gap of 1e-12 relative (there is no closed form), and
	// ReferenceSolver says which.
	Reference       *lsq.Linear
	ReferenceSolver string
	// DualityGap is the duality gap of a cd or fista fit (an upper bound on
	// its distance to the optimum of the objective); NaN otherwise.
	DualityGap float64
	ExactNote  string // why the exact solution was skipped
	// YMeanSquare is TSS/W, the weighted mean square of y about its mean
	// (about 0 without an intercept): the MSE of the fit with no features,
	// so R² = 1 − MSE/YMeanSquare whatever the solver and penalty. 0 when
	// not known.
	YMeanSquare float64
	// ExactObjective is the objective F* at the exact solution, in the
	// iterative solver's own terms (NaN when there is no exact solution).
	ExactObjective float64
	Optim          *optim.Result // nil for exact solvers
	Gap            *Gap          // nil for exact solvers or when Exact is nil
	// GapTol is the tolerance on Gap.ObjectiveRel that decided the success
	// of an optimiser's fit (Settings.GapTol with its default resolved;
	// negative when the test was off); 0 for exact and penalised solvers.
	GapTol float64
	Why    *Why // nil for exact solvers

	Center, Scale []float64 // standardisation of an iterative fit (nil when raw)
	FitTime       time.Duration

	subgradient bool // an L1 part applied by its subgradient: the steps do not settle
}

// Matrix fits y ≈ b + Xβ to the rows of a matrix held in memory. Data errors (non-finite
// values, negative weights, a singular Cholesky) and settings that do not
// apply to the solver (*SettingsError) are returned as errors; an iterative
// fit that stops without converging is not an error: see Result.Status and
// Result.Verdict. A diverged or cancelled fit returns its Result and the
// error explaining it. Shapes are the caller's to get right: Matrix panics
// on an unknown Solver, when y or Weights do not have one entry per row of
// x, when the validation rows do not match x's columns (ValX) or ValX's
// rows (ValY, ValW), or when Init, Center or Scale do not have one entry
// per column of x or PolyX one per row.
func Matrix(ctx context.Context, x *mat.Dense, y []float64, s *Settings) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	solver := s.Solver
	if !solver.Valid() {
		panic(fmt.Sprintf("fit: unknown solver %v", solver))
	}
	if err := s.check(solver, false); err != nil {
		return nil, err
	}
	n, d := x.Dims()
	if len(y) != n {
		panic("fit: len(y) does not match the rows of x")
	}
	if err := checkGiven(s, n, d); err != nil {
		return nil, err
	}
	if err := checkValidation(s, d); err != nil {
		return nil, err
	}
	start := time.Now()
	res := &Result{Solver: solver, N: n, FitIntercept: !s.NoIntercept, ExactObjective: math.NaN(), DualityGap: math.NaN()}
	intercept := !s.NoIntercept
	res.YMeanSquare = yMeanSquare(y, s.Weights, intercept)

	pen := canonicalPenalty(s.Penalty)
	center, scale, moments := standardisation(x, s, pen)
	res.Center, res.Scale = center, scale
	if p, ok := pen.(penalty.L2SP); ok && p.Ref == nil {
		p.Ref = standardizeParams(s.Init, center, scale, intercept)[:d]
		pen = p
	}

	if solver.Penalized() {
		return penalizedFit(ctx, x, y, s, pen, res, start)
	}

	exactSettings := &linear.Settings{NoIntercept: s.NoIntercept, Weights: s.Weights, Ridge: ridgeOf(pen)}
	switch solver {
	case SVD:
		exactSettings.Method = linear.SVD
	case Cholesky:
		exactSettings.Method = linear.Cholesky
	}
	cheap := float64(n)*float64(d)*float64(d) <= ExactLimit
	var refErr error
	switch {
	case solver.Exact() || !(s.SkipExact || !cheap):
		refErr = reference(ctx, x, y, s, res, exactSettings, pen)
	case s.SkipExact:
		res.ExactNote = "exact solution skipped on request"
	default:
		res.ExactNote = fmt.Sprintf("exact solution skipped: n·d² = %.3g exceeds %.3g", float64(n)*float64(d)*float64(d), float64(ExactLimit))
	}
	if moments != nil {
		center, scale = moments()
		res.Center, res.Scale = center, scale
	}
	if refErr != nil {
		return nil, refErr
	}
	if solver.Exact() {
		exactResult(x, y, s, res, pen)
		res.FitTime = time.Since(start)
		return res, nil
	}
	return res, iterate(ctx, x, y, s, res, pen, start)
}

// standardisation is the data's standardisation, the one every path uses:
// iterative solvers work in it, and a penalty applies to the standardised
// coefficients (glmnet's convention) unless Raw. With no penalty and an
// unpenalised solver the moments are computed beside the exact reference,
// which does not use them: moments then returns them when it has run.
func standardisation(x *mat.Dense, s *Settings, pen penalty.Penalty) (center, scale []float64, moments func() (center, scale []float64)) {
	intercept := !s.NoIntercept
	if s.Raw || (s.Solver.Exact() && pen == nil) {
		return nil, nil, nil
	}
	switch {
	case s.Scale != nil:
		return s.Center, s.Scale, nil
	case pen == nil && !s.Solver.Penalized():
		return nil, nil, momentsAsync(x, s.Weights, intercept)
	}
	center, scale = lsq.Moments(x, s.Weights, intercept)
	return center, scale, nil
}

// exactResult fills an exact solver's result from its reference fit: the
// coefficients, the mean squared error and the objective.
func exactResult(x *mat.Dense, y []float64, s *Settings, res *Result, pen penalty.Penalty) {
	n, d := x.Dims()
	ref := res.Reference
	res.Coef, res.Intercept = ref.Coef, ref.Intercept
	res.Status = lsq.Converged
	if ex := res.Exact; ex != nil && pen == nil {
		sw := sumWeights(s.Weights, n)
		res.MSE = ex.RSS / sw
		res.RMSE = ex.SSScale * math.Sqrt(ex.ScaledRSS/sw)
	} else {
		res.MSE = mse(x, y, s.Weights, ref.Coef, ref.Intercept)
		res.RMSE = math.Sqrt(res.MSE)
	}
	res.Objective = res.MSE / 2
	if pen != nil {
		th := standardizeParams(ref, res.Center, res.Scale, !s.NoIntercept)
		res.Objective += pen.Value(th[:d])
	}
	res.ExactObjective = res.Objective
}

// iterate runs the optimiser on the standardised problem, from Init or the
// mean of y, with the exact optimum (when there is one) as its Optimum,
// and fills the result; FitTime, counted from start, leaves out the
// explanation.
func iterate(ctx context.Context, x *mat.Dense, y []float64, s *Settings, res *Result, pen penalty.Penalty, start time.Time) error {
	n, d := x.Dims()
	intercept := !s.NoIntercept
	center, scale := res.Center, res.Scale
	prob := optim.LeastSquares(x, y, s.Weights, intercept, center, scale)
	if s.ValX != nil {
		prob.Validation = optim.LeastSquaresLoss(s.ValX, s.ValY, s.ValW, intercept, center, scale)
	}
	opt := NewOptimizer(s.Solver, s)
	settings := s.Optim
	settings.Penalty = pen
	if res.Reference != nil {
		res.ExactObjective = objectiveAt(prob, pen, res.Reference, center, scale, intercept)
		settings.Optimum = &optim.Optimum{Objective: res.ExactObjective, Tol: s.GapTol}
		res.GapTol = gapTol(s.GapTol)
	}
	mean, sd := targetMoments(y, s.Weights)
	if scale != nil {
		prob.Scale = sd
	}
	// With the data's own standardisation and an intercept, the Hessian's
	// spectrum is that of the exact solver's standardised design: L (for the
	// automatic rate) and the explanation need no pass over x.
	var sv []float64
	if res.Exact != nil && intercept && scale != nil && s.Scale == nil && pen == nil {
		sv = res.Exact.SingularValues
	}
	if len(sv) == d && d > 0 {
		_, l := spectrumExtremes(sv, sumWeights(s.Weights, n), 0)
		prob.Lipschitz = func() float64 { return l }
	}
	x0 := make([]float64, prob.Dim)
	if s.Init != nil {
		copy(x0, standardizeParams(s.Init, center, scale, intercept))
	} else if intercept && center != nil {
		x0[d] = mean
	}
	or, err := optim.Minimize(ctx, prob, x0, &settings, opt)
	res.subgradient = hasL1(pen) && !settings.Proximal
	res.finishIterative(or, intercept, s)
	res.FitTime = time.Since(start)
	res.Why = explain(x, s.Weights, intercept, center, scale, or, pen, sv)
	return err
}

// momentsAsync runs lsq.Moments(x, w, intercept) in a goroutine of its own
// and returns the function that waits for its result. The moments are the
// same bits however they are scheduled.
func momentsAsync(x *mat.Dense, w []float64, intercept bool) func() (center, scale []float64) {
	done := make(chan struct{})
	var center, scale []float64
	go func() {
		defer close(done)
		center, scale = lsq.Moments(x, w, intercept)
	}()
	return func() ([]float64, []float64) {
		<-done
		return center, scale
	}
}

// Model returns the fit as an lsq.Linear with the given feature names (nil
// means "x1", "x2", …), by lsq.NewLinear.
func (r *Result) Model(features []string) *lsq.Linear {
	return lsq.NewLinear(features, r.Coef, r.Intercept)
}

// finishIterative fills the result of an optimiser's run: the model on the
// original scale, the losses, and the gap to the reference.
func (res *Result) finishIterative(or *optim.Result, intercept bool, s *Settings) {
	res.Optim = or
	res.Status = or.Status
	res.Iterations = or.Epochs
	res.Coef, res.Intercept = optim.Unstandardize(or.X, res.Center, res.Scale, intercept)
	res.Objective = or.Objective
	res.MSE = 2 * or.Loss
	res.RMSE = math.Sqrt(res.MSE)
	if res.Reference != nil && lsq.Finite(or.X) {
		res.Gap = gap(res, !s.NoIntercept)
	}
}

// hasL1 reports whether a penalty has an L1 part (no gradient at zero).
func hasL1(p penalty.Penalty) bool {
	switch v := p.(type) {
	case penalty.L1:
		return true
	case penalty.ElasticNet:
		return v.L1Ratio > 0
	}
	return false
}

func ridgeOf(p penalty.Penalty) float64 {
	if v, ok := p.(penalty.L2); ok {
		return v.Alpha
	}
	return 0
}

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// yMeanSquare is Result.YMeanSquare of y with weights w (nil: all 1).
func yMeanSquare(y, w []float64, intercept bool) float64 {
	_, ms, _ := yMoments(y, w, intercept)
	return ms
}

// yMoments returns the weighted mean of y (w nil means all 1), its weighted
// mean square about that mean (about 0 when !center, the mean then 0) and
// the sum of the weights, by the corrected two-pass algorithm (as
// lsq.Moments), so that a mean large against the spread costs no digits.
// Mean and mean square are 0 when the weights do not sum to a positive
// number.
func yMoments(y, w []float64, center bool) (mean, ms, sw float64) {
	var s float64
	for i, v := range y {
		wi := weight(w, i)
		sw += wi
		s += wi * v
	}
	if !(sw > 0) {
		return 0, 0, sw
	}
	if center {
		mean = s / sw
	}
	var ss, c float64
	for i, v := range y {
		wi, e := weight(w, i), v-mean
		ss += wi * e * e
		c += wi * e
	}
	if !center {
		return 0, ss / sw, sw
	}
	return mean + c/sw, math.Max(ss/sw-(c/sw)*(c/sw), 0), sw
}

func sumWeights(w []float64, n int) float64 {
	if w == nil {
		return float64(n)
	}
	var s float64
	for _, v := range w {
		s += v
	}
	return s
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// standardizeParams maps an original-scale model to θ = [β..., b] on the
// standardised scale: β_j = coef_j·s_j, b = intercept + Σ μ_j coef_j.
func standardizeParams(m *lsq.Linear, center, scale []float64, intercept bool) []float64 {
	d := len(m.Coef)
	th := make([]float64, d, d+1)
	b := m.Intercept
	for j, c := range m.Coef {
		s := 1.0
		if scale != nil {
			s = scale[j]
		}
		th[j] = c * s
		if center != nil {
			b += center[j] * c
		}
	}
	if intercept {
		th = append(th, b)
	}
	return th
}

// exactFit solves the exact problem; with a ridge penalty on standardised
// coefficients it solves on a standardised copy of x and maps the solution
// back to the original scale.
func exactFit(x *mat.Dense, y []float64, s *linear.Settings, center, scale, poly []float64) (*linear.Result, error) {
	if s.Ridge == 0 || scale == nil {
		if poly != nil && s.Method == linear.QR {
			_, d := x.Dims()
			return linear.SolvePolynomial(poly, y, d, s)
		}
		return linear.Solve(x, y, s)
	}
	n, d := x.Dims()
	z := mat.NewDense(n, d, nil)
	for i := range n {
		src, dst := x.RawRowView(i), z.RawRowView(i)
		for j, v := range src {
			if center != nil {
				v -= center[j]
			}
			dst[j] = v / scale[j]
		}
	}
	ex, err := linear.Solve(z, y, s)
	if err != nil {
		return nil, err
	}
	th := ex.Coef
	if !s.NoIntercept {
		th = append(th[:len(th):len(th)], ex.Intercept)
	}
	ex.Coef, ex.Intercept = optim.Unstandardize(th, center, scale, !s.NoIntercept)
	return ex, nil
}
