package nls

import (
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/lsqgo/lsq"
)

// Result is the outcome of a nonlinear least-squares fit.
//
// The inference is the usual asymptotic (linearisation) one: with J the
// Jacobian at the estimates, n residuals and k estimated parameters,
//
//	s² = RSS/(n − k),   Cov = s²·(JᵀJ)⁻¹,   SE_j = √Cov_jj,
//	t_j = X_j/SE_j,     P_j = 2·P(T > |t_j|),  T ~ Student's t with n − k df,
//	X_j ± t_{0.975, n−k}·SE_j  (95% interval).
//
// (JᵀJ)⁻¹ is never formed from JᵀJ: with the pivoted QR factorisation
// J·P = Q·R, (JᵀJ)⁻¹ = P·R⁻¹·R⁻ᵀ·Pᵀ, and SE_j is s times the norm of a row
// of R⁻¹, which keeps the digits that forming JᵀJ (squaring the condition
// number) would lose.
type Result struct {
	Names []string  // parameter names when known (Curve), else nil
	X     []float64 // estimates

	StdErr  []float64     // standard errors (NaN when not determined; see AtBound)
	T       []float64     // t statistics X/StdErr
	P       []float64     // two-sided p-values of t
	Lower95 []float64     // 95% confidence interval, lower ends
	Upper95 []float64     // 95% confidence interval, upper ends
	Cov     *mat.SymDense // s²(JᵀJ)⁻¹ (NaN rows/columns for parameters not estimated)

	Residuals []float64 // r(X)
	// RSS is ‖r(X)‖² (weighted: Σ wᵢrᵢ²; robust: of the final IRLS
	// weights). It is +Inf when beyond float64 (residuals of order 1e154
	// and more); ResidualSD, RSquared, the standard errors, t, p and the
	// intervals are then computed from the norm ‖r‖, which the solvers use
	// throughout, and stay finite (entries of Cov may be +Inf).
	RSS        float64
	Cost       float64 // the objective minimised: RSS, or C²·Σ ρ(rᵢ²/C²) for a robust Loss
	ResidualSD float64 // √(RSS/DF), computed as ‖r‖/√DF when RSS overflows
	RSquared   float64 // Curve only: 1 − RSS/TSS, TSS about the (weighted) mean of the target; NaN otherwise
	DF         int     // residuals minus estimated parameters
	Rank       int     // numerical rank of J at X over all parameters, those held at a bound included
	Cond       float64 // |R₁₁/R_kk| of the pivoted QR: a lower estimate of cond(J)
	// AtBound marks the parameters held on an active bound at X. Their
	// standard errors, t, p and intervals are those of the unconstrained
	// linearisation at X (the whole Jacobian, DF = residuals − all
	// parameters), as R's nls with algorithm = "port" reports them; they
	// ignore the bound, so read them as the local curvature of S only.
	AtBound []bool

	Iterations     int // major iterations
	Evaluations    int // residual evaluations (including finite differences)
	JacEvaluations int // Jacobian evaluations

	// Gap, for a first-order Optimizer only (NaN otherwise), is the relative
	// objective gap optim.Optimum.Gap of ½‖r‖² to F* = ½·RSS*, the sum of
	// squares Levenberg–Marquardt reaches from the same start with the same
	// bounds and weights — (RSS − RSS*)/RSS* unless RSS* is about 0 — and
	// GapTol the tolerance that judged it (Settings.GapTol resolved). The
	// optimiser stops with lsq.GapTolerance once Gap ≤ GapTol, as a linear
	// fit does against its exact optimum. Unlike that one, RSS* is a local
	// minimum: a Gap ≤ GapTol says the optimiser is as good as
	// Levenberg–Marquardt's answer, not that either is the global best; a Gap
	// below −optim.RoundingGap says Levenberg–Marquardt's answer is not the
	// best, and Status is then lsq.BelowOptimum (not converged). When
	// Levenberg–Marquardt does not converge there is no reference: Gap and
	// GapTol are NaN, the optimiser's own stopping rules (Descent's GradTol,
	// ObjectiveTol) decide, and Message says so.
	Gap, GapTol float64

	Method Method
	Status lsq.Status // why it stopped
	// Stopped is the test that ended the iteration, before a singular
	// Jacobian at the final point turned Status into lsq.Failure: for models
	// whose parameters are not identified by design (neural networks), the
	// fit itself is what matters.
	Stopped lsq.Status
	Message string // a sentence explaining Status

	undetermined []bool
	fnorm        float64  // ‖r(X)‖, finite when RSS is not
	model        string   // the model expression, for Predict (Curve only)
	prob         *Problem // the problem solved (weighted), for Profile; nil when there is none
	set          settings
}

// result computes the Jacobian at the final point and the inference.
func (st *state) result(status lsq.Status, msg string) *Result {
	res := st.newResult(status, msg)
	st.infer(res)
	res.Iterations = st.iter
	res.Evaluations = st.ev.nfev
	res.JacEvaluations = st.ev.njev
	return res
}

// newResult returns the Result at st.x with every inference quantity
// undetermined (NaN), which infer fills in as far as J allows.
func (st *state) newResult(status lsq.Status, msg string) *Result {
	n := st.n
	res := &Result{
		X: append([]float64(nil), st.x...), Residuals: append([]float64(nil), st.r...),
		RSS: st.fnorm * st.fnorm, fnorm: st.fnorm, Method: st.s.method, Status: status, Message: msg,
		StdErr: nanVec(n), T: nanVec(n), P: nanVec(n), Lower95: nanVec(n), Upper95: nanVec(n),
		AtBound: make([]bool, n), undetermined: make([]bool, n),
		Cov: mat.NewSymDense(n, nil), ResidualSD: math.NaN(), RSquared: math.NaN(),
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			res.Cov.SetSym(i, j, math.NaN())
		}
	}
	return res
}

// infer factorises J at st.x and sets the rank, the residual SD and the
// covariance, and, given residual degrees of freedom, the standard errors,
// t, p and intervals (see Result for the formulas).
func (st *state) infer(res *Result) {
	if !st.factor() {
		// No inference without a finite Jacobian, but the residuals are
		// finite: their size (σ̂ on m − n degrees of freedom) is still
		// known, and must not read as an overflow of the residuals.
		res.Rank = 0
		res.DF = st.m - st.n
		if res.DF > 0 {
			res.ResidualSD = st.fnorm / math.Sqrt(float64(res.DF))
		}
		return
	}
	st.releaseBounds(res)
	rank := res.setRank(st.qr, st.m)
	res.setResidualSD(st.m - st.n)
	rinv := rInverse(st.qr, rank)
	res.setCov(rinv, st.qr.ipvt)
	if res.DF <= 0 {
		return
	}
	res.setTests(rinv, st.qr.ipvt)
}

// releaseBounds records the parameters held on a bound in res.AtBound and
// refactorises the whole Jacobian without holding them. A parameter held on
// a bound is reported with the standard error of the unconstrained
// linearisation and counted in the degrees of freedom, as R's nls with
// algorithm = "port" reports it (summary.nls): the numbers describe the
// curvature of S at the bound, not a sampling distribution, which the
// bound truncates.
func (st *state) releaseBounds(res *Result) {
	anyFixed := false
	for j := 0; j < st.n; j++ {
		res.AtBound[j] = st.fixed[j]
		anyFixed = anyFixed || st.fixed[j]
		st.fixed[j] = false
	}
	if anyFixed {
		st.refactor()
	}
}

// setRank sets the numerical rank of J, the condition estimate
// |R₁₁/R_kk| and the parameters left undetermined (pivoted beyond the
// rank), and returns the rank. A diagonal entry of R counts when it is
// above ε·max(m, n)·|R₁₁|, the usual tolerance of rank-revealing QR; m is
// the number of residuals.
func (res *Result) setRank(q *pivQR, m int) int {
	n := len(res.X)
	rank := q.rank(epsmch * float64(max(m, n)))
	res.Rank = rank
	if rank > 0 {
		res.Cond = math.Abs(q.rdiag[0] / q.rdiag[rank-1])
	}
	for j := rank; j < n; j++ {
		res.undetermined[q.ipvt[j]] = true
	}
	return rank
}

// setResidualSD sets DF = df and σ̂ = √(RSS/DF), computed as ‖r‖/√DF when
// RSS overflows; σ̂ stays NaN without degrees of freedom.
func (res *Result) setResidualSD(df int) {
	res.DF = df
	if res.DF > 0 {
		res.ResidualSD = math.Sqrt(res.RSS / float64(res.DF))
		if math.IsInf(res.RSS, 1) {
			res.ResidualSD = res.fnorm / math.Sqrt(float64(res.DF))
		}
	}
}

// rInverse returns R⁻¹ of the leading k×k block of R, column by column by
// back substitution (upper triangular: column j holds entries 0..j).
func rInverse(q *pivQR, k int) [][]float64 {
	rinv := make([][]float64, k)
	for j := 0; j < k; j++ {
		c := make([]float64, j+1)
		c[j] = 1 / q.rdiag[j]
		for i := j - 1; i >= 0; i-- {
			sum := 0.0
			for l := i + 1; l <= j; l++ {
				sum += q.r(i, l) * c[l]
			}
			c[i] = -sum / q.rdiag[i]
		}
		rinv[j] = c
	}
	return rinv
}

// setCov sets Cov = σ̂²·P·R⁻¹R⁻ᵀ·Pᵀ on the determined parameters, ipvt the
// pivots P: in pivoted coordinates (R⁻¹R⁻ᵀ)_{ab} = Σ_l R⁻¹_{al}·R⁻¹_{bl}.
// When σ̂² overflows, σ̂·(σ̂·sum), finite when Cov_ab is.
func (res *Result) setCov(rinv [][]float64, ipvt []int) {
	k := len(rinv)
	s2 := res.ResidualSD * res.ResidualSD
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			sum := 0.0
			for l := b; l < k; l++ {
				sum += rinv[l][a] * rinv[l][b]
			}
			c := s2 * sum
			if math.IsInf(s2, 1) {
				c = res.ResidualSD * (res.ResidualSD * sum)
			}
			res.Cov.SetSym(ipvt[a], ipvt[b], c)
		}
	}
}

// setTests sets, for each determined parameter, SE_j = σ̂·‖row of R⁻¹‖
// (accurate: no squaring of small terms, unlike √Cov_jj), t_j = X_j/SE_j,
// the two-sided p-value of t_j on DF degrees of freedom, and the 95%
// interval X_j ± t_{0.975, DF}·SE_j. It needs DF > 0.
func (res *Result) setTests(rinv [][]float64, ipvt []int) {
	k := len(rinv)
	tdist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(res.DF)}
	tq := tdist.Quantile(0.975)
	for a := 0; a < k; a++ {
		j := ipvt[a]
		row := make([]float64, 0, k-a)
		for l := a; l < k; l++ {
			row = append(row, rinv[l][a])
		}
		se := res.ResidualSD * enorm(row)
		res.StdErr[j] = se
		res.T[j] = res.X[j] / se
		res.P[j] = 2 * tdist.Survival(math.Abs(res.T[j]))
		res.Lower95[j] = res.X[j] - tq*se
		res.Upper95[j] = res.X[j] + tq*se
	}
}

func nanVec(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}
