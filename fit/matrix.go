package fit

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/stream"
)

// Solver names a method: an exact factorisation or an iterative optimiser.
// The zero value is QR. Its String form is the name the command line and
// model files use; ParseSolver reads it back.
type Solver int

// Solvers.
const (
	QR       Solver = iota // pivoted Householder QR (exact; the default)
	SVD                    // singular value decomposition (exact, minimum norm)
	Cholesky               // normal equations (exact, fast, squares the condition number)
	CD                     // coordinate descent for L1 / elastic net / L2 (glmnet's algorithm, package enet)
	FISTA                  // accelerated proximal gradient for the same (exact zeros)
	GD                     // batch gradient descent, the textbook algorithm
	SGD                    // mini-batch stochastic gradient descent
	Momentum               // heavy ball
	Nesterov               // Nesterov's accelerated gradient (Sutskever et al. 2013)
	AdaGrad
	RMSProp
	Adam
	AdamW
	LBFGS
	numSolvers
)

var solverNames = [...]string{QR: "qr", SVD: "svd", Cholesky: "cholesky", CD: "cd", FISTA: "fista", GD: "gd", SGD: "sgd",
	Momentum: "momentum", Nesterov: "nesterov", AdaGrad: "adagrad", RMSProp: "rmsprop", Adam: "adam", AdamW: "adamw", LBFGS: "lbfgs"}

// Solvers lists every solver, exact ones first.
var Solvers = []Solver{QR, SVD, Cholesky, CD, FISTA, GD, SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW, LBFGS}

// String returns the solver's name: "qr", "gd", "adam", ...
func (s Solver) String() string {
	if s.Valid() {
		return solverNames[s]
	}
	return fmt.Sprintf("Solver(%d)", int(s))
}

// ParseSolver returns the solver with the given name (case-insensitive).
func ParseSolver(name string) (Solver, error) {
	for i, n := range solverNames {
		if strings.EqualFold(n, name) {
			return Solver(i), nil
		}
	}
	return 0, fmt.Errorf("fit: unknown solver %q; want one of %s", name, strings.Join(solverNames[:], ", "))
}

// Exact reports whether s is a direct factorisation.
func (s Solver) Exact() bool { return s == QR || s == SVD || s == Cholesky }

// Penalized reports whether s is a solver for penalised problems run to a
// duality-gap tolerance (coordinate descent, FISTA): the reference solvers
// for L1 and elastic-net penalties, which have no closed form.
func (s Solver) Penalized() bool { return s == CD || s == FISTA }

// Stochastic reports whether s is an optimiser that takes mini-batches
// (Optim.BatchSize): all the iterative ones but gd and lbfgs, which always
// run on the full batch.
func (s Solver) Stochastic() bool {
	return s.Valid() && !s.Exact() && !s.Penalized() && s != GD && s != LBFGS
}

// Valid reports whether s names a solver.
func (s Solver) Valid() bool { return s >= 0 && s < numSolvers }

// Settings configures Matrix and Stream. The zero value fits an intercept by
// pivoted QR. Every field applies to some solvers only; a field set for a
// solver or a source it does not apply to is an error (*SettingsError),
// never silently ignored.
type Settings struct {
	Solver      Solver // the zero value is QR
	NoIntercept bool
	Weights     []float64 // Matrix only (a stream's rows carry their weights); nil means all 1

	// Raw turns off the standardisation: by default iterative solvers work
	// on standardised inputs and a penalty applies to the coefficients of
	// the standardised features (glmnet's convention), for every solver.
	// Exact solvers of an unpenalised problem give the same answer either
	// way.
	Raw bool

	// Penalty is the penalty of the objective, for every solver:
	// penalty.L2 (ridge: exact solvers solve it in closed form),
	// penalty.L1 and penalty.ElasticNet (cd, fista and the iterative
	// solvers; the exact solvers refuse them), penalty.L2SP (its Ref nil
	// means Init's coefficients; solved in closed form by the exact
	// solvers as ridge about the start). nil is least squares. Pointers to
	// these types are accepted.
	Penalty penalty.Penalty

	// GapTol is the tolerance on the relative objective gap to the exact
	// optimum, (F − F*)/|F*|, that decides the success of an iterative fit
	// (optim.Optimum); 0 means 1e-10. A negative value turns the gap test
	// off, leaving an explicit Optim.GradTol as the only success (a gap of ε
	// certifies the coefficients to about √ε only). cd and fista stop on
	// their duality gap instead, relative to the same scale.
	GapTol float64

	// Iterative settings, passed to optim.Minimize (Recorder and Resume
	// included). Optim.LearningRate 0 means automatic. Optim.Penalty must be
	// nil: the penalty is Settings.Penalty. Exact solvers take none of them.
	Optim optim.Settings
	// LineSearch makes the gd solver backtrack (Armijo).
	LineSearch bool
	// WeightDecay is AdamW's decoupled decay.
	WeightDecay float64
	// ShuffleBuffer is the number of rows a streamed stochastic fit holds at
	// a time, from which mini-batches are drawn (Stream only); 0 means 65536.
	ShuffleBuffer int

	// SkipExact skips the exact reference solution of an iterative fit; by
	// default it is computed when n·d² ≤ ExactLimit. Without it success
	// cannot be measured and falls back to the objective-change test.
	SkipExact bool

	// Validation rows for early stopping and validation losses (Matrix,
	// iterative solvers only).
	ValX *mat.Dense
	ValY []float64
	ValW []float64 // validation weights; nil means all 1

	// PolyX, when not nil, says that the columns of x are the raw powers
	// PolyX, PolyX², …, PolyX^d: the exact QR path then forms the powers in
	// double-double itself (linear.SolvePolynomial), so that their float64
	// rounding does not cost digits on ill-conditioned polynomials.
	PolyX []float64

	// Init, when not nil, is the starting point on the original scale
	// (coefficients and intercept) of an iterative solver, and the model
	// an L2SP penalty with a nil Ref pulls toward.
	Init *lsq.Linear

	// Center and Scale, when Scale is not nil, fix the standardisation
	// instead of computing it from x: a model fine-tuned or resumed on new
	// data keeps the coordinates its parameters were learnt in.
	Center, Scale []float64
}

// SettingsError is a setting that does not apply to the chosen solver or
// source.
type SettingsError struct {
	Field  string // the Settings field, as Go spells it
	Reason string
}

func (e *SettingsError) Error() string { return "fit: " + e.Field + ": " + e.Reason }

// canonicalPenalty returns p with pointers to the penalty types replaced by
// their values, so that every path recognises a penalty the same way.
func canonicalPenalty(p penalty.Penalty) penalty.Penalty {
	switch v := p.(type) {
	case *penalty.L1:
		return *v
	case *penalty.L2:
		return *v
	case *penalty.ElasticNet:
		return *v
	case *penalty.L2SP:
		return *v
	}
	return p
}

// check returns the first setting that does not apply to the solver, in a
// fixed order: the penalty, the settings tied to one kind of solver, those
// a stream cannot honour, then what an exact or penalised solver ignores.
func (s *Settings) check(solver Solver, streamed bool) error {
	if s.Optim.Penalty != nil {
		return &SettingsError{"Optim.Penalty", "the penalty is Settings.Penalty, for every solver"}
	}
	pen := canonicalPenalty(s.Penalty)
	if err := s.checkPenalty(pen, solver); err != nil {
		return err
	}
	if err := s.checkSolverOptions(solver, streamed); err != nil {
		return err
	}
	if err := s.checkStreamed(streamed); err != nil {
		return err
	}
	switch {
	case solver.Exact():
		return s.checkExact(pen, solver)
	case solver.Penalized():
		return s.checkPenalized(pen, solver, streamed)
	}
	return nil
}

// checkPenalty checks the penalty and the gap tolerance.
func (s *Settings) checkPenalty(pen penalty.Penalty, solver Solver) error {
	switch pen.(type) {
	case nil, penalty.L2, penalty.L1, penalty.ElasticNet, penalty.L2SP:
	default:
		return &SettingsError{"Penalty", fmt.Sprintf("%T is not a penalty of the least-squares objective (L1, L2, ElasticNet, L2SP)", s.Penalty)}
	}
	if p, ok := pen.(penalty.L2SP); ok && p.Ref == nil && s.Init == nil {
		return &SettingsError{"Penalty", "L2SP with a nil Ref pulls toward Init: set Init"}
	}
	if math.IsNaN(s.GapTol) || s.GapTol < 0 && solver.Penalized() {
		return &SettingsError{"GapTol", fmt.Sprintf("%v must be ≥ 0 for %s", s.GapTol, solver)}
	}
	return nil
}

// checkSolverOptions checks the settings that belong to one kind of solver
// or one source of rows.
func (s *Settings) checkSolverOptions(solver Solver, streamed bool) error {
	o := s.Optim
	const stochastic = "(sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw), not "
	switch {
	case o.Average && !solver.Stochastic():
		return &SettingsError{"Optim.Average", "averages the iterates of a stochastic solver " + stochastic + solver.String()}
	case o.ShuffleBlock < 0:
		return &SettingsError{"Optim.ShuffleBlock", fmt.Sprintf("%d must be ≥ 0 (0: a random permutation of the rows)", o.ShuffleBlock)}
	case o.ShuffleBlock != 0 && !solver.Stochastic():
		return &SettingsError{"Optim.ShuffleBlock", "orders the rows of a stochastic solver " + stochastic + solver.String()}
	case o.ShuffleBlock != 0 && streamed:
		return &SettingsError{"Optim.ShuffleBlock", "orders rows in memory; a streamed fit draws its mini-batches through ShuffleBuffer"}
	case fullBatchError(solver, o) != nil:
		return fullBatchError(solver, o)
	case s.LineSearch && solver != GD:
		return &SettingsError{"LineSearch", "applies to the gd solver only, not " + solver.String()}
	case s.WeightDecay != 0 && solver != AdamW:
		return &SettingsError{"WeightDecay", "applies to the adamw solver only, not " + solver.String()}
	case s.ShuffleBuffer != 0 && !streamed:
		return &SettingsError{"ShuffleBuffer", "applies to streamed fits only"}
	}
	return nil
}

// fullBatchError refuses a mini-batch size for gd and lbfgs, which step on
// the full batch (in memory, streamed and in LoRA alike), or returns nil.
func fullBatchError(solver Solver, o optim.Settings) error {
	if o.BatchSize == 0 || (solver != GD && solver != LBFGS) {
		return nil
	}
	return &SettingsError{"Optim.BatchSize", "draws the mini-batches of a stochastic solver (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw); " +
		solver.String() + " steps on the full batch"}
}

// setField is a Settings field and whether it is set.
type setField struct {
	name string
	set  bool
}

// firstSet returns the name of the first field that is set, or "".
func firstSet(fields []setField) string {
	for _, f := range fields {
		if f.set {
			return f.name
		}
	}
	return ""
}

// checkStreamed refuses what a stream cannot honour.
func (s *Settings) checkStreamed(streamed bool) error {
	if !streamed {
		return nil
	}
	o := s.Optim
	name := firstSet([]setField{{"Weights", s.Weights != nil}, {"ValX", s.ValX != nil}, {"PolyX", s.PolyX != nil},
		{"Optim.Patience", o.Patience != 0}, {"Optim.Resume", o.Resume != nil}, {"Center", s.Scale != nil}, {"Init", s.Init != nil}})
	if name != "" {
		return &SettingsError{name, "does not apply to a streamed fit (a stream's rows carry their weights; no validation split, polynomial, restart or fixed standardisation)"}
	}
	return nil
}

// checkExact refuses a penalty without a closed form and the settings only
// an iterative solver uses.
func (s *Settings) checkExact(pen penalty.Penalty, solver Solver) error {
	switch pen.(type) {
	case penalty.L1:
		return &SettingsError{"Penalty", "an L1 penalty has no closed form: use the cd or fista solver (or an iterative one)"}
	case penalty.ElasticNet:
		return &SettingsError{"Penalty", "an elastic-net penalty has no closed form: use the cd or fista solver (or an iterative one)"}
	}
	if name := iterativeField(s.Optim); name != "" {
		return &SettingsError{"Optim." + name, "applies to iterative solvers; " + solver.String() + " is exact"}
	}
	if s.ValX != nil {
		return &SettingsError{"ValX", "a validation split applies to iterative solvers; " + solver.String() + " is exact"}
	}
	if _, ok := pen.(penalty.L2SP); s.Init != nil && !ok {
		return &SettingsError{"Init", "a starting point applies to iterative solvers; " + solver.String() + " is exact"}
	}
	return nil
}

// checkPenalized checks a solver run to a duality gap (cd, fista): its
// penalties, rows in memory for fista, and none of the optimiser's
// settings.
func (s *Settings) checkPenalized(pen penalty.Penalty, solver Solver, streamed bool) error {
	switch pen.(type) {
	case penalty.L1, penalty.ElasticNet, penalty.L2:
	default:
		return &PenaltyError{Solver: solver}
	}
	if streamed && solver != CD {
		return &SettingsError{"Solver", solver.String() + " reads the rows at every iteration; a stream is fitted by cd (from the moments of its QR accumulator), qr or an optimiser"}
	}
	o := s.Optim
	name := firstSet([]setField{{"Optim.LearningRate", o.LearningRate != 0}, {"Optim.Schedule", o.Schedule != nil},
		{"Optim.BatchSize", o.BatchSize != 0}, {"Optim.ClipNorm", o.ClipNorm != 0}, {"Optim.ClipValue", o.ClipValue != 0},
		{"Optim.Proximal", o.Proximal}, {"Optim.Resume", o.Resume != nil}, {"Init", s.Init != nil}, {"ValX", s.ValX != nil},
		{"Optim.ObjectiveTol", o.ObjectiveTol != 0}, {"Optim.GradTol", o.GradTol != 0}})
	if name != "" {
		return &SettingsError{name, "does not apply to " + solver.String() + ", which runs to a duality gap (GapTol)"}
	}
	return nil
}

// iterativeField names the first field of o that only an iterative solver
// uses, or returns "".
func iterativeField(o optim.Settings) string {
	switch {
	case o.LearningRate != 0:
		return "LearningRate"
	case o.Schedule != nil:
		return "Schedule"
	case o.Epochs != 0:
		return "Epochs"
	case o.BatchSize != 0:
		return "BatchSize"
	case o.ClipNorm != 0 || o.ClipValue != 0:
		return "ClipNorm"
	case o.Patience != 0:
		return "Patience"
	case o.Proximal:
		return "Proximal"
	case o.Average:
		return "Average"
	case o.Resume != nil:
		return "Resume"
	case o.Recorder != nil:
		return "Recorder"
	}
	return ""
}

// ExactLimit bounds the size n·d² of problems for which an iterative fit
// also computes the exact solution by default.
const ExactLimit = 5e10

// Gap is how far an iterative fit stopped from the exact optimum of the
// same objective.
type Gap struct {
	ObjectiveRel float64 // (F − F*)/|F*| (absolute when F* = 0)
	CoefRel      float64 // ‖(β, b) − (β*, b*)‖/‖(β*, b*)‖ on the original scale
	GradNorm     float64 // ‖∇F‖ at the iterate, in the solver's coordinates
}

// Why explains the pace of a gradient method from the curvature of its
// objective (see the package documentation).
type Why struct {
	L, Mu        float64 // largest and smallest eigenvalues of the Hessian the solver sees
	Cond         float64 // L/μ
	Bound        float64 // 2/L: constant-rate GD diverges above it
	LR           float64 // the base learning rate used
	Contraction  float64 // max(|1−ημ|, |1−ηL|): error factor per full-batch GD step
	StepsFor1e6  float64 // steps of constant-rate GD to cut the error by 1e6 (Inf if none)
	Standardized bool
}

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
	N         int

	Exact *linear.Result // the exact least-squares or ridge solution (nil when skipped or not applicable)
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
// error explaining it.
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
	start := time.Now()
	res := &Result{Solver: solver, N: n, FitIntercept: !s.NoIntercept, ExactObjective: math.NaN(), DualityGap: math.NaN()}
	intercept := !s.NoIntercept

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

// objectiveAt is the objective of the problem (loss plus penalty) at an
// original-scale model.
func objectiveAt(prob optim.Problem, pen penalty.Penalty, m *lsq.Linear, center, scale []float64, intercept bool) float64 {
	th := standardizeParams(m, center, scale, intercept)
	f := prob.LossGrad(nil, th)
	if pen != nil {
		f += pen.Value(th[:prob.Penalized])
	}
	return f
}

// gapTol resolves Settings.GapTol's default (optim.Optimum's).
func gapTol(t float64) float64 {
	if t == 0 {
		return 1e-10
	}
	return t
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

// NewOptimizer returns the update rule of an iterative solver with the
// settings' options (line search for gd, weight decay for adamw). It panics for
// an exact or penalised solver.
func NewOptimizer(s Solver, set *Settings) optim.Optimizer {
	switch s {
	case GD:
		if set.LineSearch {
			return &optim.GD{}
		}
		return &optim.SGD{}
	case SGD:
		return &optim.SGD{}
	case Momentum:
		return &optim.Momentum{}
	case Nesterov:
		return &optim.Nesterov{}
	case AdaGrad:
		return &optim.AdaGrad{}
	case RMSProp:
		return &optim.RMSProp{}
	case Adam:
		return &optim.Adam{}
	case AdamW:
		return &optim.AdamW{WeightDecay: set.WeightDecay}
	case LBFGS:
		return &optim.LBFGS{}
	}
	panic("fit: not an iterative solver: " + s.String())
}

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
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

// gap compares the iterate with the reference solution of the same
// objective, whose value res.ExactObjective already holds.
func gap(res *Result, intercept bool) *Gap {
	ex := res.Reference
	fStar := res.ExactObjective
	g := &Gap{GradNorm: res.Optim.GradNorm}
	diff := res.Objective - fStar
	if fStar != 0 {
		g.ObjectiveRel = diff / math.Abs(fStar)
	} else {
		g.ObjectiveRel = diff
	}
	var num, den float64
	for j := range ex.Coef {
		e := res.Coef[j] - ex.Coef[j]
		num += e * e
		den += ex.Coef[j] * ex.Coef[j]
	}
	if intercept {
		e := res.Intercept - ex.Intercept
		num += e * e
		den += ex.Intercept * ex.Intercept
	}
	if den > 0 {
		g.CoefRel = math.Sqrt(num / den)
	} else {
		g.CoefRel = math.Sqrt(num)
	}
	return g
}

// explain computes the extreme eigenvalues of the Hessian the solver sees.
// It forms the (d+1)×(d+1) Hessian in one pass (cost n·d², the same order as
// the exact solve it accompanies) and is skipped above ExactLimit.
// When sv holds the singular values of the design standardised as here
// (weighted centring and scaling, intercept fitted), the Hessian
// (1/W)Z̃ᵀdiag(w)Z̃ is block diagonal — the intercept column is orthogonal to
// the centred columns — with eigenvalues 1 and σ_k²/W (plus the penalty's
// curvature on the coefficients), so no pass over x is needed.
func explain(x *mat.Dense, w []float64, intercept bool, center, scale []float64, or *optim.Result, pen penalty.Penalty, sv []float64) *Why {
	n, d := x.Dims()
	why := &Why{LR: or.LR, L: or.Lipschitz, Mu: math.NaN(), Cond: math.NaN(), Contraction: math.NaN(), StepsFor1e6: math.NaN(), Standardized: scale != nil}
	if float64(n)*float64(d)*float64(d) > ExactLimit {
		if why.L > 0 {
			why.Bound = 2 / why.L
		}
		return why
	}
	var mu, l float64
	if len(sv) == d && d > 0 {
		mu, l = spectrumExtremes(sv, sumWeights(w, n), penalty.Curvature(pen))
	} else {
		var ok bool
		if mu, l, ok = HessianExtremes(x, w, intercept, center, scale, penalty.Curvature(pen)); !ok {
			return why
		}
	}
	why.fill(mu, l)
	return why
}

// spectrumExtremes returns the smallest and largest eigenvalues of the
// Hessian of the loss plus c‖β‖²/2 on the standardised scale with an
// intercept, from the singular values σ_j of the centred, scaled design
// (weights included) and W = Σ wᵢ: the centred columns are orthogonal to the
// intercept's, so the Hessian is diag((1/W)ZᵀWZ + c·I, 1) and its
// eigenvalues are σ_j²/W + c and 1.
func spectrumExtremes(sv []float64, sumW, c float64) (mu, l float64) {
	mu, l = 1, 1
	for _, v := range sv {
		e := v*v/sumW + c
		mu, l = math.Min(mu, e), math.Max(l, e)
	}
	return mu, l
}

// fill sets the curvature numbers of a Why from the Hessian's extreme
// eigenvalues and the rate in why.LR.
func (why *Why) fill(mu, l float64) {
	why.Mu, why.L = mu, l
	why.Cond = why.L / why.Mu
	why.Bound = 2 / why.L
	eta := why.LR
	why.Contraction = math.Max(math.Abs(1-eta*why.Mu), math.Abs(1-eta*why.L))
	if why.Contraction < 1 {
		why.StepsFor1e6 = math.Ceil(math.Log(1e-6) / math.Log(why.Contraction))
	} else {
		why.StepsFor1e6 = math.Inf(1)
	}
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

// HessianExtremes returns the smallest and largest eigenvalues of the
// Hessian (1/W) Z̃ᵀdiag(w)Z̃ + c·I_d of the least-squares loss, Z̃ the design
// standardised by center and scale (nil for none) with the intercept column
// when intercept is set, and c the curvature of a smooth penalty on the
// coefficients. It forms the (d+1)×(d+1) matrix in one pass over x (cost
// n·d²); ok is false when the eigendecomposition fails.
func HessianExtremes(x *mat.Dense, w []float64, intercept bool, center, scale []float64, curvature float64) (mu, l float64, ok bool) {
	n, d := x.Dims()
	k := d
	if intercept {
		k++
	}
	h := mat.NewSymDense(k, nil)
	z := make([]float64, k)
	zv := mat.NewVecDense(k, z)
	sw := sumWeights(w, n)
	for i := range n {
		for j, v := range x.RawRowView(i) {
			if center != nil {
				v -= center[j]
			}
			if scale != nil {
				v /= scale[j]
			}
			z[j] = v
		}
		if intercept {
			z[d] = 1
		}
		h.SymRankOne(h, weight(w, i)/sw, zv)
	}
	for j := range d {
		h.SetSym(j, j, h.At(j, j)+curvature)
	}
	var eig mat.EigenSym
	if !eig.Factorize(h, false) {
		return math.NaN(), math.NaN(), false
	}
	vals := eig.Values(nil)
	return math.Max(vals[0], 0), vals[len(vals)-1], true
}
