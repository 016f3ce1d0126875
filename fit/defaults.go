package fit

import "github.com/lsqgo/lsq/optim"

// DefaultBatchSize is the mini-batch of the stochastic solvers when none is
// given (Defaults): 32 rows, the value Bengio recommends as a default
// (Practical recommendations for gradient-based training, 2012, §3.1) and
// PyTorch's and Keras's usual one.
const DefaultBatchSize = 32

// StochasticGapTol is the default tolerance on the relative objective gap
// (Settings.GapTol) of the stochastic solvers in Defaults. A relative gap ε
// puts the standardised coefficients within √(2ε·F*/μ) of the optimum (F*
// the optimal objective, μ the smallest curvature: F − F* ≥ μ/2‖θ − θ*‖²),
// so 1e-6 certifies them to about 1e-3 of √F*, the noise level, on
// well-conditioned data — the accuracy the statistical problem has anyway.
// Mini-batch methods approach the optimum at the rate O(1/t) at best
// (averaged SGD on least squares: Bach & Moulines 2013), so the 1e-10 of
// the full-batch solvers would take about 10⁴ times as many steps. The
// tolerance is the test of success as for any fit: a fit that stops above
// it is not reported as converged.
const StochasticGapTol = 1e-6

// Defaults returns the settings a solver is run with when it is given
// alone, as the command line's `lsq fit --solver NAME` does: the zero
// Settings with the solver, and for the stochastic solvers (sgd, momentum,
// nesterov, adagrad, rmsprop, adam, adamw) mini-batches of DefaultBatchSize
// rows, averaged iterates (optim.Settings.Average) and the gap tolerance
// StochasticGapTol. The other defaults are the zero values': the start
// and adaptive rate scale of start.go, the rates from L (optim's
// DefaultRate), and the epoch limit optim.DefaultEpochs.
//
// With these settings every optimiser reaches a relative coefficient error
// of 1e-3 on well-conditioned data (n = 5000, d = 10) and an R² within 1e-3
// of the exact fit's on data as ill-conditioned as scikit-learn's diabetes
// and Longley's (tested: TestDefaultsConverge).
func Defaults(s Solver) Settings {
	set := Settings{Solver: s}
	if s.Stochastic() {
		set.GapTol = StochasticGapTol
		set.Optim = optim.Settings{BatchSize: DefaultBatchSize, Average: true}
	}
	return set
}
