// Package fit fits linear least-squares models the way the lsq command does:
// with an exact solver, or with an iterative one from package optim run side
// by side with the exact solution of the same objective, so that every
// iterative fit reports how far it stopped from the optimum and why.
//
// The objective is
//
//	(1/2W) Σ wᵢ(yᵢ − b − xᵢβ)² + penalty(β),   W = Σ wᵢ (= n unweighted)
//
// with the intercept b never penalised. Iterative solvers work on
// standardised inputs by default (columns centred and scaled to unit
// population standard deviation, as glmnet does); coefficients are always
// reported on the original scale.
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
