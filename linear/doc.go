// Package linear solves linear least-squares problems exactly (to the
// accuracy of the arithmetic): ordinary, weighted and ridge-penalised,
//
//	minimise  Σ wᵢ(yᵢ − b − xᵢβ)² + nα‖β‖²
//
// with the intercept b never penalised.
//
// The default method is Householder QR with column pivoting (Businger &
// Golub 1965; Golub & Van Loan, Matrix Computations, 4th ed., §5.4.2) of the
// standardised design — columns centred at their (weighted) means when there
// is an intercept and scaled to unit (weighted) population standard
// deviation — which makes the rank decision and the condition number
// independent of units. SVD (minimum norm, rank-revealing) and Cholesky of
// the normal equations (fast, squares the condition number) are available on
// request.
//
// # Two paths
//
// The accurate path (Precision DoubleDouble, chosen automatically when
// n·d² ≤ AccurateLimit and n·(d+1) ≤ AccurateMemoryLimit) performs
// centring, scaling, the QR factorisation, the triangular solves, the
// residuals and (XᵀWX)⁻¹ in double-double arithmetic (≈ 32 significant
// digits; Dekker 1971; Hida, Li & Bailey 2001) and rounds to float64 only
// at the end. A design that an unscaled float64 QR calls rank-deficient
// (NIST's Filip, from which R's lm drops a column) is kept whole: it is
// standardised, and its rank is decided on an R factor accurate to many
// more digits than float64. On all 11 NIST StRD linear problems every
// certified coefficient, standard error, residual SD and R² is reproduced
// to at least 13.2 significant digits (see the tests).
//
// The fast path (Precision Double, used above those limits) is float64. For
// QR without ridge it forms the Gram matrix of the centred design in one
// parallel, cache-blocked pass (AVX-512 or AVX2 tiles where the CPU has them,
// fixed row blocks reduced in order, so the bits do not depend on the core
// count), solves by Cholesky and refines with the corrected semi-normal
// equations (Björck, Numerical Methods for Least Squares Problems, 1996,
// §2.4.6 and §6.6.5), which is as accurate as Householder QR while the
// condition number of the standardised design is at most 10⁴. Other designs,
// and any that fail those checks, take the triangular factor R of the
// standardised design: for tall designs by Cholesky QR twice (Yamamoto et
// al., ETNA 44, 2015) on the same Gram kernel, with the nearly dependent
// columns deflated and orthogonalised against the others, one more pass
// over X after the declined Gram attempt; else, or when that declines, by
// Householder QR (parallel tall-skinny QR from 4096 rows on). Then dgeqp3 on
// the d×d factor decides the rank, and dormqr and dtrtri finish. All are
// backward stable: relative error of order cond·ε.
//
// The input matters as much as the arithmetic. Solve takes float64 data as
// exact; SolvePolynomial forms the powers of x in double-double (their float64
// rounding alone moves Filip's solution in the eighth digit); SolveText reads
// decimal text into double-double, for data such as NIST's whose certified
// answer is that of the decimal numbers.
//
// Inference (t, p, intervals, F, robust errors) is in package stats, built
// on Result.Unscaled, Result.RSS and Result.Residuals.
package linear // import "github.com/lsqgo/lsq/linear"
