package stream

import (
	"errors"
	"fmt"
	xdd "github.com/lsqgo/lsq/internal/dd"
	"math"

	"github.com/lsqgo/lsq"
	"gonum.org/v1/gonum/mat"
)

// Result is a linear fit read off a QR accumulator, on the original scale of
// the data, with the summary statistics of weighted least squares.
type Result struct {
	Coef            []float64 // one coefficient per feature
	Intercept       float64   // 0 without an intercept
	StdErr          []float64 // standard errors of Coef; nil for ridge (Alpha > 0)
	InterceptStdErr float64   // NaN without an intercept or for ridge
	// Unscaled is (X̃ᵀWX̃)⁻¹ = R⁻¹R⁻ᵀ, X̃ the design with the column of
	// ones first when there is an intercept, so that the covariance of the
	// estimates is ResidualSD²·Unscaled (linear.Result.Unscaled's
	// convention); nil for ridge.
	Unscaled *mat.SymDense

	Alpha      float64 // ridge strength the fit used (0 for least squares)
	Rows       int64   // rows folded, weight zero included (QR.Rows): the n an in-memory fit reports
	N          int64   // rows with positive weight (QR.N): the observations, R's nobs
	SumWeights float64 // Σw (N without weights)
	DF         int64   // residual degrees of freedom N − k, k = number of coefficients incl. intercept
	RSS        float64 // Σw·r², the weighted residual sum of squares
	ResidualSD float64 // √(RSS/DF); NaN when DF ≤ 0
	R2         float64 // 1 − RSS/TSS; TSS centred about the weighted mean with an intercept, uncentred without
	AdjR2      float64 // 1 − (1−R²)(N−c)/DF, c = 1 with an intercept, 0 without (statsmodels' convention)
	TSS        float64 // Σw(y − ȳ)² with an intercept (ȳ the weighted mean), Σw·y² without: R² = 1 − RSS/TSS for least squares

	// SD is the standardisation's scale of each feature (Standardization):
	// the weighted population standard deviation with an intercept, the
	// root mean square without, 1 for a constant column.
	SD []float64
	// Cond is the 2-norm condition number of the design standardised by
	// SD (centred first with an intercept), linear.Result.Cond's: the
	// singular values of R's feature block with column j divided by SDⱼ,
	// which is the standardised design's R up to a factor √W.
	Cond float64
}

// Model returns the fit as an lsq.Linear with the given feature names (nil
// means "x1", "x2", …), by lsq.NewLinear.
func (r *Result) Model(features []string) *lsq.Linear {
	return lsq.NewLinear(features, r.Coef, r.Intercept)
}

// ErrNoData is returned by Solve when no row with a positive weight has been
// folded.
var ErrNoData = errors.New("stream: no rows with positive weight")

// SingularError is returned by Solve when the design is rank-deficient to
// working precision: a diagonal entry of R is negligible against the largest.
type SingularError struct {
	Column int     // coefficient index (0 is the intercept when there is one)
	Ratio  float64 // |R_jj| / max_i |R_ii|, a lower bound on 1/κ
}

func (e *SingularError) Error() string {
	return fmt.Sprintf("stream: design is rank-deficient at column %d (|R_jj|/max|R_ii| = %.3g); drop collinear columns or use a ridge penalty", e.Column, e.Ratio)
}

// Solve returns the weighted least-squares fit (alpha = 0) or the ridge fit
// minimising
//
//	(1/2W)Σwᵢrᵢ² + (α/2)Σⱼ(sⱼβⱼ)²,   W = Σw,
//
// with the intercept unpenalised: the objective of every lsq solver, the
// penalty on the coefficients of the standardised features when scale is the
// Standardization's, on the raw coefficients when scale is nil. Standard
// errors are given for least squares only; for ridge the summary (RSS, R²,
// ...) describes the ridge residuals, with the least-squares degrees of
// freedom. The solution, the sums of squares and (ZᵀZ)⁻¹ are computed from
// the factor in double-double, whatever precision it was accumulated in,
// and rounded to float64 in the Result. It panics if alpha is negative,
// NaN or +Inf, or if scale is not nil and not of length d.
func (q *QR) Solve(alpha float64, scale []float64) (*Result, error) {
	q.checkSolve(alpha, scale)
	q.flush()
	if q.n == 0 {
		return nil, ErrNoData
	}
	r := q.factorDD()
	if alpha > 0 {
		r.fold(q.ridgeRows(alpha, scale))
	}
	if err := r.checkRank(); err != nil {
		return nil, err
	}
	beta := r.solve()
	res := q.result(alpha, roundDD(beta))
	sd := q.summarise(res, q.residualSS(r, alpha, beta))
	if alpha == 0 {
		q.setInference(res, r.inverse(), sd)
	}
	_, res.SD = q.Standardization()
	res.Cond = q.cond(res.SD)
	return res, nil
}

// cond returns the condition number of the design standardised by sd: the
// ratio of the extreme singular values of R's feature block (the rows and
// columns after the column of ones) with column j divided by sdⱼ. With an
// intercept that block is the R factor of the weighted centred design,
// without one that of the design itself, so its singular values are those
// of √w·(X − x̄)/sd (√w·X/sd) — the design linear.Solve takes the
// condition number of.
func (q *QR) cond(sd []float64) float64 {
	d, off := q.d, q.lead()
	if d == 0 {
		return 1
	}
	b := mat.NewDense(d, d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			v := q.at(off+i, off+j).Float() / sd[j]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				// An accumulator beyond float64 (or a decoded one that
				// holds such values) has no condition number; the SVD
				// would panic on it.
				return math.NaN()
			}
			b.Set(i, j, v)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(b, mat.SVDNone) {
		return math.NaN()
	}
	sv := svd.Values(nil)
	if sv[d-1] == 0 {
		return math.Inf(1)
	}
	return sv[0] / sv[d-1]
}

// checkSolve panics on the arguments Solve refuses: alpha negative, NaN or
// +Inf, or scale neither nil nor of length d.
func (q *QR) checkSolve(alpha float64, scale []float64) {
	if !(alpha >= 0) || math.IsInf(alpha, 1) {
		panic(fmt.Sprintf("stream: Solve with alpha = %v", alpha))
	}
	if scale != nil && len(scale) != q.d {
		panic(fmt.Sprintf("stream: Solve with %d scales for %d features", len(scale), q.d))
	}
}

// upperDD is an upper-triangular p×p factor in double-double, stored
// row-major in full (the strict lower triangle zero): R of the augmented
// design [1 X y], whose leading k = p−1 columns are the coefficients' and
// whose last is the response's. Solve handles the factor and everything
// derived from it in double-double whatever precision the rows were folded
// in: the work is O(p³), independent of the number of rows.
type upperDD struct {
	a []dd
	p int
}

// at returns the (i, j) entry.
func (u upperDD) at(i, j int) dd { return u.a[i*u.p+j] }

// k returns the number of coefficients, the order of the leading block R₁₁.
func (u upperDD) k() int { return u.p - 1 }

// factorDD returns a copy of q's factor (flushed) in double-double.
func (q *QR) factorDD() upperDD {
	p := q.p
	a := make([]dd, p*p)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			a[i*p+j] = q.at(i, j)
		}
	}
	return upperDD{a: a, p: p}
}

// ridgeRows returns the d rows whose fold into R adds the ridge penalty to
// the least-squares problem: row j is √(Wα)·s_j in feature j's column (s_j
// = 1 when scale is nil) and zero elsewhere, response included, so that
// their squared residuals sum to WαΣⱼ(sⱼβⱼ)², the penalty of Solve's
// objective times 2W.
func (q *QR) ridgeRows(alpha float64, scale []float64) []dd {
	p, off := q.p, q.lead()
	rows := make([]dd, q.d*p)
	s := xdd.Sqrt(xdd.MulF(dd{Hi: q.sumW, Lo: 0}, alpha))
	for j := 0; j < q.d; j++ {
		rows[j*p+off+j] = s
		if scale != nil {
			rows[j*p+off+j] = xdd.MulF(s, scale[j])
		}
	}
	return rows
}

// fold folds rows (row-major, p columns) into the factor.
func (u upperDD) fold(rows []dd) {
	foldRowsDD(u.a, u.p, rows, len(rows)/u.p, make([]dd, u.p))
}

// checkRank returns a *SingularError for the first coefficient whose
// diagonal entry of R is negligible against the largest. The threshold is
// that of float64 QR whatever the arithmetic, k·ε·max|R_ii|: a column that
// is dependent to float64 precision is dependent in the data, which were
// given in float64.
func (u upperDD) checkRank() error {
	k := u.k()
	var maxDiag float64
	for j := 0; j < k; j++ {
		maxDiag = math.Max(maxDiag, math.Abs(u.at(j, j).Hi))
	}
	tol := float64(k) * 0x1p-52 * maxDiag
	for j := 0; j < k; j++ {
		if d := math.Abs(u.at(j, j).Hi); !(d > tol) {
			return &SingularError{Column: j, Ratio: d / maxDiag}
		}
	}
	return nil
}

// solve returns the coefficients β of R₁₁β = R₁,ₚ by back substitution.
func (u upperDD) solve() []dd {
	k := u.k()
	beta := make([]dd, k)
	for i := k - 1; i >= 0; i-- {
		s := u.at(i, k)
		for j := i + 1; j < k; j++ {
			s = xdd.Sub(s, xdd.Mul(u.at(i, j), beta[j]))
		}
		beta[i] = xdd.Div(s, u.at(i, i))
	}
	return beta
}

// inverse returns R₁₁⁻¹ (k×k, row-major, upper triangular), built column
// by column by back substitution.
func (u upperDD) inverse() []dd {
	k := u.k()
	inv := make([]dd, k*k)
	for j := 0; j < k; j++ {
		inv[j*k+j] = xdd.Div(dd{Hi: 1, Lo: 0}, u.at(j, j))
		for i := j - 1; i >= 0; i-- {
			var s dd
			for l := i + 1; l <= j; l++ {
				s = xdd.Add(s, xdd.Mul(u.at(i, l), inv[l*k+j]))
			}
			inv[i*k+j] = xdd.Div(s, u.at(i, i)).Neg()
		}
	}
	return inv
}

// roundDD rounds each entry to float64.
func roundDD(x []dd) []float64 {
	f := make([]float64, len(x))
	for i, v := range x {
		f[i] = v.Float()
	}
	return f
}

// result returns the Result of the coefficients beta (the intercept first
// when there is one) with the counts of the folded rows; the summary and
// the inference are filled in by summarise and setInference. Coef aliases
// beta.
func (q *QR) result(alpha float64, beta []float64) *Result {
	res := &Result{Alpha: alpha, Rows: q.rows, N: q.n, SumWeights: q.sumW, DF: q.n - int64(len(beta)), InterceptStdErr: math.NaN()}
	if q.intercept {
		res.Intercept = beta[0]
	}
	res.Coef = beta[q.lead():]
	return res
}

// residualSS returns Σw·r² at the coefficients beta solved from r: R_pp²
// for least squares (alpha = 0); for ridge, whose r has the penalty rows
// folded in, ‖R·[β; −1]‖² with the data's own R.
func (q *QR) residualSS(r upperDD, alpha float64, beta []dd) dd {
	k := r.k()
	if alpha == 0 {
		return xdd.Mul(r.at(k, k), r.at(k, k))
	}
	res := make([]dd, q.p)
	for i := 0; i < q.p; i++ {
		s := q.at(i, k).Neg()
		for j := i; j < k; j++ {
			s = xdd.Add(s, xdd.Mul(q.at(i, j), beta[j]))
		}
		res[i] = s
	}
	nr := xdd.Norm(res)
	return xdd.Mul(nr, nr)
}

// summarise sets res's RSS, R², residual standard deviation and adjusted
// R² from the residual sum of squares rss, and returns the residual
// standard deviation √(RSS/DF) in double-double for the standard errors
// (NaN when DF ≤ 0). TSS is the squared norm of R's last column below the
// column of ones: centred about the weighted mean with an intercept,
// uncentred without.
func (q *QR) summarise(res *Result, rss dd) dd {
	off := q.lead()
	res.RSS = rss.Float()
	tss := q.colNorm(q.p-1, off)
	tss = xdd.Mul(tss, tss)
	res.TSS = tss.Float()
	res.R2 = 1 - xdd.Div(rss, tss).Float()
	if res.DF <= 0 {
		res.ResidualSD = math.NaN()
		res.AdjR2 = math.NaN()
		return dd{Hi: math.NaN(), Lo: math.NaN()}
	}
	sd := xdd.Sqrt(xdd.Div(rss, dd{Hi: float64(res.DF), Lo: 0}))
	res.ResidualSD = sd.Float()
	res.AdjR2 = 1 - xdd.MulF(xdd.Div(rss, tss), float64(q.n-int64(off))/float64(res.DF)).Float()
	return sd
}

// setInference sets res's standard errors and Unscaled from inv = R₁₁⁻¹
// (k×k, row-major) and the residual standard deviation sd:
// (RᵀR)⁻¹ = R⁻¹R⁻ᵀ, so the standard error of coefficient i is sd times
// the norm of row i of R⁻¹.
func (q *QR) setInference(res *Result, inv []dd, sd dd) {
	k := q.p - 1
	se := make([]float64, k)
	for i := 0; i < k; i++ {
		se[i] = xdd.Mul(sd, xdd.Norm(inv[i*k+i:(i+1)*k])).Float()
	}
	res.Unscaled = unscaled(inv, k)
	if q.intercept {
		res.InterceptStdErr = se[0]
	}
	res.StdErr = se[q.lead():]
}

// unscaled returns R⁻¹R⁻ᵀ from inv = R⁻¹ (k×k, row-major, upper
// triangular), each entry Σₗ (R⁻¹)ᵢₗ(R⁻¹)ⱼₗ over l ≥ j summed in
// double-double; nil when k = 0, gonum having no empty matrix.
func unscaled(inv []dd, k int) *mat.SymDense {
	if k == 0 {
		return nil
	}
	u := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			var s dd
			for l := j; l < k; l++ {
				s = xdd.Add(s, xdd.Mul(inv[i*k+l], inv[j*k+l]))
			}
			u.SetSym(i, j, s.Float())
		}
	}
	return u
}
