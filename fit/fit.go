// Package fit is the least-squares problem of lsq, stated once and fitted
// from any source by any solver:
//
//	minimise (1/2W) Σ wᵢ(yᵢ − b − xᵢβ)² + α(ρ‖β‖₁ + (1−ρ)/2‖β‖²),   W = Σ wᵢ
//
// (W = n unweighted), with the intercept b never penalised and the penalty on
// the coefficients of the standardised features — columns centred and
// scaled to unit weighted population standard deviation, lsq.Moments, as
// glmnet does — unless Settings.Raw. Coefficients are always reported on
// the original scale.
//
// Settings says everything about a fit: the solver (exact factorisations,
// coordinate descent and FISTA, the gradient family), intercept, weights,
// standardisation, Penalty, GapTol and the optimiser's settings. A field the
// chosen solver or source would not use is a *SettingsError naming it. The
// same Settings go to Matrix, for rows held in memory, and to Stream, for
// rows read from partitions with memory independent of their number; both
// return a Result, and a streamed fit equals the in-memory fit of the same
// rows.
//
// Every iterative fit is run beside the exact solution of the same objective
// (the closed form for least squares, ridge and L2-SP; coordinate descent to
// a duality gap of 1e-12 for L1 and elastic net) and under the one driver,
// optim.Minimize, given that optimum: it succeeds (lsq.GapTolerance) only
// within GapTol of it, and a run whose rate decayed to nothing or whose
// objective stopped moving far from it ends lsq.Stalled. Result.Gap says how
// far it stopped and Result.Verdict why.
//
// Why a gradient method is slow or unstable is a property of the Hessian
// H = (1/W) Z̃ᵀ diag(w) Z̃ of the design Z̃ it works on (intercept column
// included): with a constant rate η, gradient descent multiplies the error
// along each eigenvector of H with eigenvalue λ by (1 − ηλ) per step, so it
// is stable only for η < 2/L (L the largest eigenvalue) and contracts no
// faster than max(|1 − ημ|, |1 − ηL|) per step (μ the smallest). Result.Why
// carries these numbers (Nocedal & Wright, Numerical Optimization, 2nd ed.,
// §3.3).
package fit // import "github.com/lsqgo/lsq/fit"
