// Package nls fits nonlinear least-squares models:
//
//	minimise over x   S(x) = ‖r(x)‖² = Σᵢ rᵢ(x)²
//
// A [Problem] supplies the residuals r(x) and, optionally, their Jacobian
// J = ∂r/∂x (exact from package expr or Go code, or estimated by central
// differences). [Solve] runs Levenberg–Marquardt in Moré's scaled
// trust-region form (MINPACK lmder, Moré 1978) or Gauss–Newton with a line
// search, optionally within box bounds, polishes the solution to the
// rounding level, and returns a [Result] with the estimates, standard errors
// from s²(JᵀJ)⁻¹ computed through the QR factorisation of J, t statistics,
// p-values, 95% intervals, and why it stopped (an lsq.Status). [Curve] is the
// convenience for fitting a model expression to data columns.
//
// The objective ½‖r‖² and its gradient Jᵀr are also available as plain
// functions ([Problem.Objective]) for first-order methods such as gradient
// descent or Adam in package optim.
//
// Accuracy: on the 27 NIST StRD nonlinear problems, from both of NIST's
// starting points and with default settings, every estimate agrees with the
// certified value to at least 10 significant digits and every standard error
// to at least 8 (see the tests).
package nls // import "github.com/lsqgo/lsq/nls"
