package nls

import (
	"fmt"
	"math"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
)

// Method selects the nonlinear least-squares algorithm.
type Method int

const (
	// LevenbergMarquardt is Moré's scaled trust-region Levenberg–Marquardt
	// method (MINPACK lmder). The default.
	LevenbergMarquardt Method = iota
	// GaussNewton is the Gauss–Newton method with a backtracking (Armijo)
	// line search on S(x); each direction is the minimum-norm least-squares
	// solution of J·d = −r by pivoted QR. Fast near a small-residual
	// solution; less robust than LevenbergMarquardt far from one.
	GaussNewton
)

func (m Method) String() string {
	switch m {
	case LevenbergMarquardt:
		return "levenberg-marquardt"
	case GaussNewton:
		return "gauss-newton"
	}
	return fmt.Sprintf("method(%d)", int(m))
}

// Settings configures Solve. The zero value of every field means its
// documented default; a nil *Settings means all defaults.
type Settings struct {
	Method Method

	// Params, if not nil, is the order of the parameters in Result.X,
	// Lower and Upper (for example the order the user gave the starting
	// values in); it must list each parameter of the model once. Nil
	// means the order of ParamNames.
	Params []string

	// FTol stops when both the actual and the predicted relative reductions
	// of S are at most FTol (MINPACK's ftol; ObjectiveTolerance).
	// Default 1e-15; negative disables the test.
	FTol float64

	// XTol stops when the trust-region radius Δ (for GaussNewton: the step)
	// is at most XTol·‖D·x‖, D the scaling (MINPACK's xtol; StepTolerance).
	// Default 1e-15; negative disables the test.
	XTol float64

	// GTol stops when the cosine of the angle between r and every column of
	// J is at most GTol (MINPACK's gtol; GradientTolerance). Default 1e-15;
	// negative disables the test.
	GTol float64

	// MaxEvaluations limits the residual evaluations (not counting those of
	// a finite-difference Jacobian). Default 1000·(n+1).
	MaxEvaluations int

	// Factor sets the initial trust-region radius Δ₀ = Factor·‖D·x₀‖ (or
	// Factor when that is zero); MINPACK recommends 0.1 to 100. Default 100.
	Factor float64

	// NoScaling uses D = I instead of MINPACK's adaptive scaling
	// D = diag(max column norms of J seen so far).
	NoScaling bool

	// NoRefine skips the final Gauss–Newton refinement (see Solve).
	NoRefine bool

	// Lower and Upper are optional box bounds, one per parameter; use
	// ±Inf for an unbounded side. nil means no bounds. See Solve.
	Lower, Upper []float64

	// Optimizer, when not nil, replaces Method by a first-order method from
	// package optim (GD, Adam, L-BFGS, ...) on the objective ½‖r(x)‖², run by
	// optim.Minimize with the settings in Descent, in relative coordinates
	// u = x/|x0| (see Solve). Method, FTol, XTol, GTol, MaxEvaluations,
	// Factor, NoScaling and NoRefine do not apply (setting one is a
	// *SettingsError); success is the gap to the Levenberg–Marquardt
	// optimum from the same start (GapTol), with Descent's own stopping
	// rules deciding when that optimum is not found. The result is not
	// refined unless Refine is set, so it shows what the optimiser reached;
	// the inference is computed at that point. Descent and Refine without
	// an Optimizer are a *SettingsError, as are fields of Descent the
	// Optimizer cannot use (optim.Settings.Applicable) or that need rows
	// or a penalty (mini-batches, validation, Penalty).
	Optimizer optim.Optimizer
	Descent   optim.Settings
	Refine    bool

	// GapTol is the tolerance on the relative objective gap of an Optimizer
	// to the Levenberg–Marquardt optimum from the same start, which Solve
	// computes first: the Optimizer is run with optim.Settings.Optimum
	// {Objective: ½·RSS*, Tol: GapTol}, so success is the measured gap, as
	// for a linear fit (0 means optim.DefaultGapTol; negative: no gap test,
	// the fit runs to Descent.Epochs unless its objective stops at the
	// optimum to working precision). Every Optimizer here steps on the whole
	// objective, so the full-batch default applies to Adam too (package
	// fit's looser StochasticGapTol is for mini-batches, whose O(1/t) pace
	// it accounts for). Descent.Optimum is replaced. See
	// Result.Gap for what a nonlinear reference can and cannot certify.
	GapTol float64

	// Weights, when not nil, are nonnegative weights wᵢ, one per residual:
	// the fit minimises Σ wᵢ·rᵢ² (weighted least squares, e.g. wᵢ = 1/σᵢ²).
	// RSS and the inference are then those of the weighted residuals
	// √wᵢ·rᵢ; Result.Residuals holds the unweighted rᵢ.
	Weights []float64

	// Loss, when not Linear, makes the fit robust to outliers; LossScale is
	// the residual size C at which it sets in (default 1). See Loss.
	Loss      Loss
	LossScale float64

	// Workers is the number of goroutines Curve evaluates the model on
	// (blocks of rows; at least 20000 rows each). Default GOMAXPROCS. The
	// results are bit-identical for any value.
	Workers int

	// Recorder, when not nil, sees each successful iteration. Loss and
	// Objective are ½‖r‖², GradNorm is ‖Jᵀr‖ (of the free parameters), Step
	// counts residual evaluations; LR is 0. With an Optimizer it is passed
	// to optim.Minimize (unless Descent.Recorder is set), which reports its
	// epochs (GradNorm then in the relative coordinates).
	Recorder lsq.Recorder
}

type settings struct {
	method           Method
	ftol, xtol, gtol float64
	maxfev           int
	factor           float64
	scale            bool
	refine           bool
	lower, upper     []float64
	rec              lsq.Recorder
	optimizer        optim.Optimizer
	descent          optim.Settings
	gapTol           float64
	weights          []float64
	loss             Loss
	lossScale        float64
}

func tol(v float64) float64 {
	switch {
	case v == 0:
		return 1e-15
	case v < 0 || math.IsNaN(v):
		return 0
	}
	return v
}

func (s *Settings) resolve(n int) settings {
	if s == nil {
		s = &Settings{}
	}
	out := settings{
		method: s.Method, ftol: tol(s.FTol), xtol: tol(s.XTol), gtol: tol(s.GTol),
		maxfev: s.MaxEvaluations, factor: s.Factor, scale: !s.NoScaling, refine: !s.NoRefine,
		rec: s.Recorder, optimizer: s.Optimizer, descent: s.Descent, gapTol: s.GapTol,
	}
	if s.Optimizer != nil {
		out.refine = s.Refine
	}
	if s.Weights != nil {
		out.weights = append([]float64(nil), s.Weights...)
		for i, w := range out.weights {
			if !(w >= 0) || math.IsInf(w, 1) {
				panic(fmt.Sprintf("nls: weight %d is %v; weights must be finite and nonnegative", i, w))
			}
		}
	}
	if s.Loss < Linear || s.Loss > Cauchy {
		panic(fmt.Sprintf("nls: unknown loss %d", int(s.Loss)))
	}
	out.loss = s.Loss
	out.lossScale = s.LossScale
	if out.lossScale == 0 {
		out.lossScale = 1
	}
	if !(out.lossScale > 0) || math.IsInf(out.lossScale, 1) {
		panic("nls: LossScale must be positive and finite")
	}
	if s.Method != LevenbergMarquardt && s.Method != GaussNewton {
		panic(fmt.Sprintf("nls: unknown method %d", int(s.Method)))
	}
	if out.maxfev == 0 {
		out.maxfev = 1000 * (n + 1)
	}
	if out.maxfev < 0 {
		panic("nls: negative MaxEvaluations")
	}
	if out.factor == 0 {
		out.factor = 100
	}
	if out.factor < 0 || math.IsNaN(out.factor) {
		panic("nls: Factor must be positive")
	}
	if s.Lower != nil || s.Upper != nil {
		out.lower = make([]float64, n)
		out.upper = make([]float64, n)
		for j := range n {
			out.lower[j], out.upper[j] = math.Inf(-1), math.Inf(1)
		}
		if s.Lower != nil {
			if len(s.Lower) != n {
				panic(fmt.Sprintf("nls: %d lower bounds for %d parameters", len(s.Lower), n))
			}
			copy(out.lower, s.Lower)
		}
		if s.Upper != nil {
			if len(s.Upper) != n {
				panic(fmt.Sprintf("nls: %d upper bounds for %d parameters", len(s.Upper), n))
			}
			copy(out.upper, s.Upper)
		}
		for j := range n {
			if !(out.lower[j] <= out.upper[j]) {
				panic(fmt.Sprintf("nls: bounds of parameter %d are not ordered: [%v, %v]", j, out.lower[j], out.upper[j]))
			}
		}
	}
	return out
}
