package enet

import (
	"fmt"
	"math"
)

// Solver selects the optimisation method.
type Solver int

const (
	// CoordinateDescent is glmnet's cyclic coordinate descent (the default).
	CoordinateDescent Solver = iota
	// ProximalGradient is FISTA with adaptive restart.
	ProximalGradient
)

// String returns the solver's name as used in JSON output.
func (s Solver) String() string {
	switch s {
	case CoordinateDescent:
		return "coordinate-descent"
	case ProximalGradient:
		return "fista"
	}
	return fmt.Sprintf("solver(%d)", int(s))
}

// Update selects how coordinate descent computes each coordinate's gradient.
type Update int

const (
	// AutoUpdate chooses Covariance when d ≤ 4096 and d ≤ n (the Gram
	// matrix is at most 128 MiB and no larger than X), Naive otherwise.
	// glmnet switches at d = 500, but here naive updates are the slower
	// well beyond it: a 100-α lasso path at n = 1e5, d = 1000 takes about
	// 3 CPU seconds with covariance updates and 100 with naive ones.
	AutoUpdate Update = iota
	// Covariance forms the d×d Gram matrix once (one blocked pass over the
	// rows, O(nd²)) and updates the gradient in O(d) per coordinate change.
	Covariance
	// Naive keeps the n-vector of residuals and updates it in O(n) per
	// coordinate change; it uses no d×d storage.
	Naive
)

// String returns the update's name.
func (u Update) String() string {
	switch u {
	case AutoUpdate:
		return "auto"
	case Covariance:
		return "covariance"
	case Naive:
		return "naive"
	}
	return fmt.Sprintf("update(%d)", int(u))
}

// Settings configures a fit. The zero value, and a nil *Settings, mean every
// default.
type Settings struct {
	// Weights are the observation weights, one per row, each finite and
	// non-negative with a positive sum. Nil means equal weights. Only their
	// ratios matter: see the package documentation.
	Weights []float64

	// Unstandardized, if true, applies the penalty to the coefficients on
	// the original scale (scikit-learn) instead of the standardised ones
	// (glmnet, the default).
	Unstandardized bool

	// NoIntercept, if true, fits without an intercept: columns and y are
	// not centred and standard deviations are about zero (glmnet's
	// intercept=FALSE convention).
	NoIntercept bool

	// Solver selects the method; the zero value is CoordinateDescent.
	Solver Solver

	// Update selects covariance or naive coordinate updates; the zero
	// value is AutoUpdate. ProximalGradient refuses any other value
	// (*SettingsError).
	Update Update

	// Tol is the convergence tolerance: the largest coefficient change in a
	// sweep relative to the largest coefficient, and the duality gap
	// relative to Σv_i(y_i − ȳ)², must both fall to Tol. Zero means 1e-7.
	// It must be non-negative and below 1; Solve functions panic otherwise.
	Tol float64

	// MaxIter bounds the number of sweeps (coordinate descent) or
	// iterations (FISTA) for each value of α. Zero means 100000.
	MaxIter int
}

// settings is Settings with defaults resolved.
type settings struct {
	weights        []float64
	unstandardized bool
	noIntercept    bool
	solver         Solver
	update         Update
	tol            float64
	maxIter        int
}

func resolve(s *Settings, n, d int) settings {
	var r settings
	if s != nil {
		r = settings{
			weights:        s.Weights,
			unstandardized: s.Unstandardized,
			noIntercept:    s.NoIntercept,
			solver:         s.Solver,
			update:         s.Update,
			tol:            s.Tol,
			maxIter:        s.MaxIter,
		}
	}
	if r.weights != nil && len(r.weights) != n {
		panic(fmt.Sprintf("enet: %d weights for %d rows", len(r.weights), n))
	}
	if r.tol == 0 {
		r.tol = 1e-7
	}
	if !(r.tol > 0 && r.tol < 1) {
		panic(fmt.Sprintf("enet: Tol %v outside [0, 1)", r.tol))
	}
	if r.maxIter == 0 {
		r.maxIter = 100000
	}
	if r.maxIter < 0 {
		panic(fmt.Sprintf("enet: negative MaxIter %d", r.maxIter))
	}
	switch r.solver {
	case CoordinateDescent, ProximalGradient:
	default:
		panic(fmt.Sprintf("enet: unknown solver %d", int(r.solver)))
	}
	switch r.update {
	case AutoUpdate:
		if d <= autoCovarianceMax && d <= n {
			r.update = Covariance
		} else {
			r.update = Naive
		}
	case Covariance, Naive:
	default:
		panic(fmt.Sprintf("enet: unknown update %d", int(r.update)))
	}
	return r
}

// checkPenalty panics unless α ≥ 0 and ρ ∈ [0, 1] are finite.
func checkPenalty(alpha, l1Ratio float64) {
	if !(alpha >= 0) || math.IsInf(alpha, 0) {
		panic(fmt.Sprintf("enet: alpha %v must be finite and non-negative", alpha))
	}
	checkRatio(l1Ratio)
}

func checkRatio(l1Ratio float64) {
	if !(l1Ratio >= 0 && l1Ratio <= 1) {
		panic(fmt.Sprintf("enet: l1 ratio %v outside [0, 1]", l1Ratio))
	}
}

// autoCovarianceMax is the largest d for which AutoUpdate chooses
// Covariance.
const autoCovarianceMax = 4096
