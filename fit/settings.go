package fit

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

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
	// these types are accepted. An Alpha that is negative or not finite, or
	// an L1Ratio outside [0, 1], is a *SettingsError.
	Penalty penalty.Penalty

	// GapTol is the tolerance on the relative objective gap to the exact
	// optimum, (F − F*)/D with D = max(|F*|, 1e-8·(F₀ − F*)) (optim.Optimum
	// Scale), that decides the success of an iterative fit
	// (optim.Optimum); 0 means 1e-10. A negative value turns the gap test
	// off, leaving an explicit Optim.GradTol as the only success (a gap of ε
	// certifies the coefficients to about √ε only). cd and fista stop on
	// their duality gap instead, relative to the same scale. The exact
	// solvers refuse it.
	GapTol float64

	// Iterative settings, passed to optim.Minimize (Recorder and Resume
	// included). Optim.LearningRate 0 means automatic. Optim.Penalty must be
	// nil: the penalty is Settings.Penalty. Exact solvers take none of them;
	// lbfgs and gd with LineSearch, whose line search bounds the step, take
	// no clipping, and lbfgs no schedule (its rate is only its first trial
	// step). Optim.Optimum must be nil: fit computes the optimum itself.
	// cd and fista take Optim.Epochs alone, as their limit on sweeps.
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
	// Exact solvers, cd and fista, which are their own exact solution,
	// refuse it.
	SkipExact bool

	// Validation rows for early stopping and validation losses (Matrix,
	// iterative solvers only). ValY and ValW without ValX, and
	// Optim.Patience or Optim.MinDelta without validation rows, are
	// refused.
	ValX *mat.Dense
	ValY []float64
	ValW []float64 // validation weights; nil means all 1

	// PolyX, when not nil, says that the columns of x are the raw powers
	// PolyX, PolyX², …, PolyX^d: the exact QR path then forms the powers in
	// double-double itself (linear.SolvePolynomial), so that their float64
	// rounding does not cost digits on ill-conditioned polynomials. That
	// path is the qr solver's, and the reference of an iterative fit,
	// without a penalty or with a raw L2 one; elsewhere PolyX is refused.
	PolyX []float64

	// Init, when not nil, is the starting point on the original scale
	// (coefficients and intercept) of an iterative solver, and the model
	// an L2SP penalty with a nil Ref pulls toward.
	Init *lsq.Linear

	// Center and Scale, when Scale is not nil, fix the standardisation
	// instead of computing it from x: a model fine-tuned or resumed on new
	// data keeps the coordinates its parameters were learnt in. Center
	// without Scale, Scale with Raw, and either with an exact solver
	// without a penalty (whose answer does not depend on them) are
	// refused.
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
// a stream cannot honour, fields set without the field they work with,
// what an exact or penalised solver ignores, then PolyX.
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
	if err := s.checkPairs(); err != nil {
		return err
	}
	var err error
	switch {
	case solver.Exact():
		err = s.checkExact(pen, solver)
	case solver.Penalized():
		err = s.checkPenalized(pen, solver, streamed)
	}
	if err != nil {
		return err
	}
	return s.checkPolyX(pen, solver)
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
	if err := penaltyValues(pen); err != nil {
		return err
	}
	if math.IsNaN(s.GapTol) || s.GapTol < 0 && solver.Penalized() {
		return &SettingsError{"GapTol", fmt.Sprintf("%v must be ≥ 0 for %s", s.GapTol, solver)}
	}
	return nil
}

// penaltyValues refuses a penalty strength that is negative or not finite
// and a mixing outside [0, 1], which the solvers below would panic on.
func penaltyValues(pen penalty.Penalty) error {
	alpha, rho, ok := elasticNet(pen)
	if p, sp := pen.(penalty.L2SP); sp {
		alpha, rho, ok = p.Alpha, 0, true
	}
	switch {
	case !ok:
		return nil
	case !(alpha >= 0) || math.IsInf(alpha, 1):
		return &SettingsError{"Penalty", fmt.Sprintf("Alpha %v must be finite and ≥ 0", alpha)}
	case !(rho >= 0 && rho <= 1):
		return &SettingsError{"Penalty", fmt.Sprintf("L1Ratio %v must be in [0, 1]", rho)}
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
	case o.Seed != 0 && !solver.Stochastic():
		return &SettingsError{"Optim.Seed", "seeds the mini-batches of a stochastic solver " + stochastic + solver.String() + ", which steps on the full batch and draws nothing"}
	}
	if err := CheckOptim(solver, s.LineSearch, o); err != nil {
		return err
	}
	switch {
	case s.LineSearch && solver != GD:
		return &SettingsError{"LineSearch", "applies to the gd solver only, not " + solver.String()}
	case s.WeightDecay != 0 && solver != AdamW:
		return &SettingsError{"WeightDecay", "applies to the adamw solver only, not " + solver.String()}
	case s.ShuffleBuffer != 0 && !streamed:
		return &SettingsError{"ShuffleBuffer", "applies to streamed fits only"}
	}
	return nil
}

// CheckOptim returns the *SettingsError that Matrix, Stream and LoRA return
// for settings of the optimiser that solver does not use — a mini-batch
// size for gd and lbfgs, clipping or a schedule that a line search ignores
// (lineSearch: gd with LineSearch) — or nil. Other drivers of the same
// optimisers (package net) check their settings with it too.
func CheckOptim(solver Solver, lineSearch bool, o optim.Settings) error {
	if err := fullBatchError(solver, o); err != nil {
		return err
	}
	return lineSearchError(solver, lineSearch, o)
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

// lineSearchError refuses what a solver that finds its step by a line
// search (optim.Stepper: lbfgs, gd with LineSearch) would ignore
// (optim.Settings.Applicable), or returns nil.
func lineSearchError(solver Solver, lineSearch bool, o optim.Settings) error {
	name := solver.String()
	switch {
	case solver == GD && lineSearch:
		name = "gd with a backtracking line search"
	case solver != LBFGS:
		return nil
	}
	var e *optim.InapplicableError
	if !errors.As(o.Applicable(NewOptimizer(solver, &Settings{LineSearch: lineSearch})), &e) {
		return nil
	}
	return &SettingsError{"Optim." + e.Field, "does not apply to " + name + ", " + e.Reason}
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

// checkPairs refuses a field that only works with another that is not
// set: validation responses without ValX, Center without Scale, a fixed
// standardisation with Raw, early stopping without validation rows, and an
// optimum given to the optimiser, which fit computes itself.
func (s *Settings) checkPairs() error {
	o := s.Optim
	switch {
	case s.ValX == nil && (s.ValY != nil || s.ValW != nil):
		return &SettingsError{firstSet([]setField{{"ValY", s.ValY != nil}, {"ValW", true}}), "validation rows are ValX; ValX is nil"}
	case s.Center != nil && s.Scale == nil:
		return &SettingsError{"Center", "fixes the standardisation together with Scale; Scale is nil"}
	case s.Scale != nil && s.Raw:
		return &SettingsError{"Scale", "fixes the standardisation that Raw turns off"}
	case s.ValX == nil && (o.Patience != 0 || o.MinDelta != 0):
		return &SettingsError{firstSet([]setField{{"Optim.Patience", o.Patience != 0}, {"Optim.MinDelta", true}}), "stops early on the validation loss; ValX is nil"}
	case o.Optimum != nil:
		return &SettingsError{"Optim.Optimum", "is the exact optimum, which fit computes itself; the tolerance on the gap to it is GapTol"}
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
	_, l2sp := pen.(penalty.L2SP)
	name := firstSet([]setField{{"ValX", s.ValX != nil}, {"Init", s.Init != nil && !l2sp},
		{"GapTol", s.GapTol != 0}, {"SkipExact", s.SkipExact}})
	if name != "" {
		return &SettingsError{name, "applies to iterative solvers; " + solver.String() + " is exact"}
	}
	if s.Scale != nil && pen == nil {
		return &SettingsError{firstSet([]setField{{"Center", s.Center != nil}, {"Scale", true}}), "exact least squares does not depend on the standardisation; it sets the scale an iterative solver works on, or that a penalty applies to"}
	}
	return nil
}

// checkPolyX refuses PolyX where the exact QR path that forms the powers
// is not taken: another solver, or a penalty on standardised coefficients
// (the penalised paths read x as given).
func (s *Settings) checkPolyX(pen penalty.Penalty, solver Solver) error {
	if s.PolyX == nil {
		return nil
	}
	if solver == SVD || solver == Cholesky || solver.Penalized() {
		return &SettingsError{"PolyX", "forms the powers for the qr solver's exact fit; " + solver.String() + " reads x as given"}
	}
	if _, ridge := pen.(penalty.L2); pen != nil && !(ridge && s.Raw) {
		return &SettingsError{"PolyX", "forms the powers for the exact fit of least squares or raw ridge; this penalty's fit reads x as given"}
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
		{"Optim.ObjectiveTol", o.ObjectiveTol != 0}, {"Optim.GradTol", o.GradTol != 0},
		{"Optim.Seed", o.Seed != 0}, {"Optim.StepSchedule", o.StepSchedule}, {"Optim.DivergeFactor", o.DivergeFactor != 0},
		{"Optim.Recorder", o.Recorder != nil},
		{"SkipExact", s.SkipExact}})
	if name != "" {
		return &SettingsError{name, "does not apply to " + solver.String() + ", which runs to a duality gap (GapTol)"}
	}
	return nil
}

// iterativeField names the first field of o that only an iterative solver
// uses, or returns "".
func iterativeField(o optim.Settings) string {
	return firstSet([]setField{{"LearningRate", o.LearningRate != 0}, {"Schedule", o.Schedule != nil},
		{"Epochs", o.Epochs != 0}, {"BatchSize", o.BatchSize != 0}, {"ClipNorm", o.ClipNorm != 0},
		{"ClipValue", o.ClipValue != 0}, {"Patience", o.Patience != 0}, {"Proximal", o.Proximal},
		{"Average", o.Average}, {"Resume", o.Resume != nil}, {"Recorder", o.Recorder != nil},
		{"Seed", o.Seed != 0}, {"StepSchedule", o.StepSchedule}, {"ObjectiveTol", o.ObjectiveTol != 0},
		{"GradTol", o.GradTol != 0}, {"DivergeFactor", o.DivergeFactor != 0}})
}
