// Package nls fits nonlinear least-squares models:
//
//	minimise over x   S(x) = ‖r(x)‖² = Σᵢ rᵢ(x)²
//
// # Problems and methods
//
// A [Problem] supplies the residuals r(x) and, optionally, their Jacobian
// J = ∂r/∂x (exact from package expr or Go code, or estimated by central
// differences). [Solve] runs
//
//   - Levenberg–Marquardt in Moré's scaled trust-region form (the default;
//     MINPACK lmder's contract: ftol, xtol, gtol, an evaluation limit, the
//     initial step factor; Moré 1978), or
//   - Gauss–Newton with a backtracking line search, or
//   - a first-order method of package optim (GD, Adam, L-BFGS, ...) on
//     ½‖r‖², through Settings.Optimizer,
//
// optionally within box bounds (an active set with projection, in the
// original coordinates), with weights, or with a robust loss (Huber, soft L1,
// Cauchy; by iteratively reweighted least squares). [Curve] fits a model
// expression (package expr syntax) to named data columns.
//
// # Accuracy
//
// The trust-region tests compare sums of squares, which cannot resolve the
// parameters beyond about half the digits of the arithmetic; a converged run
// is therefore polished by Gauss–Newton, or where that contracts slowly
// (large residuals) Newton, steps computed from the QR factorisation of J,
// until the step reaches the rounding level of the parameters. On the 27 NIST
// StRD nonlinear problems, from both of NIST's starting points and with
// default settings, every estimate agrees with the certified value to at
// least 10 significant digits and every standard error to at least 8 (except
// Lanczos1, whose residuals are at the rounding level of its data; see the
// tests).
//
// # Results
//
// A [Result] holds the estimates; standard errors from s²(JᵀJ)⁻¹ computed
// through the pivoted QR factorisation of J (never by inverting JᵀJ); t
// statistics, p-values (Student's t) and 95% intervals; the residual SD and
// RSS; iteration and evaluation counts; and why the iteration stopped, as an
// lsq.Status with a sentence. A stop at a point that is not a well-determined
// minimum — a singular Jacobian (a flat region, an over-parameterised model)
// or, in Curve, a fit no better than a constant — has Status lsq.Failure,
// whatever test ended the iteration.
//
// The objective ½‖r‖² and its gradient Jᵀr are also available as plain
// functions ([Problem.Objective]) for any general-purpose minimiser.
package nls // import "github.com/lsqgo/lsq/nls"
