package fit

import (
	"fmt"
	"strings"

	"github.com/lsqgo/lsq/optim"
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
