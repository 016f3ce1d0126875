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
	N          int64   // rows with positive weight
	SumWeights float64 // Σw (N without weights)
	DF         int64   // residual degrees of freedom N − k, k = number of coefficients incl. intercept
	RSS        float64 // Σw·r², the weighted residual sum of squares
	ResidualSD float64 // √(RSS/DF); NaN when DF ≤ 0
	R2         float64 // 1 − RSS/TSS; TSS centred about the weighted mean with an intercept, uncentred without
	AdjR2      float64 // 1 − (1−R²)(N−c)/DF, c = 1 with an intercept, 0 without (statsmodels' convention)
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
// and rounded to float64 in the Result. It panics if alpha is negative or
// NaN, or if scale is not nil and not of length d.
func (q *QR) Solve(alpha float64, scale []float64) (*Result, error) {
	if !(alpha >= 0) || math.IsInf(alpha, 1) {
		panic(fmt.Sprintf("stream: Solve with alpha = %v", alpha))
	}
	if scale != nil && len(scale) != q.d {
		panic(fmt.Sprintf("stream: Solve with %d scales for %d features", len(scale), q.d))
	}
	q.flush()
	if q.n == 0 {
		return nil, ErrNoData
	}
	// The factor and everything derived from it are handled in
	// double-double, whatever precision the rows were folded in: the work is
	// O(p³), independent of the number of rows.
	p, k := q.p, q.p-1
	a := make([]dd, p*p)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			a[i*p+j] = q.at(i, j)
		}
	}
	off := 0
	if q.intercept {
		off = 1
	}
	if alpha > 0 {
		rows := make([]dd, q.d*p)
		s := xdd.Sqrt(xdd.MulF(dd{Hi: q.sumW, Lo: 0}, alpha))
		for j := 0; j < q.d; j++ {
			rows[j*p+off+j] = s
			if scale != nil {
				rows[j*p+off+j] = xdd.MulF(s, scale[j])
			}
		}
		foldRowsDD(a, p, rows, q.d, make([]dd, p))
	}
	var maxDiag float64
	for j := 0; j < k; j++ {
		maxDiag = math.Max(maxDiag, math.Abs(a[j*p+j].Hi))
	}
	// The threshold is that of float64 QR whatever the arithmetic: a column
	// that is dependent to float64 precision is dependent in the data, which
	// were given in float64.
	tol := float64(k) * 0x1p-52 * maxDiag
	for j := 0; j < k; j++ {
		if d := math.Abs(a[j*p+j].Hi); !(d > tol) {
			return nil, &SingularError{Column: j, Ratio: d / maxDiag}
		}
	}
	// Back substitution R₁₁β = R₁,ₚ.
	bd := make([]dd, k)
	for i := k - 1; i >= 0; i-- {
		s := a[i*p+k]
		for j := i + 1; j < k; j++ {
			s = xdd.Sub(s, xdd.Mul(a[i*p+j], bd[j]))
		}
		bd[i] = xdd.Div(s, a[i*p+i])
	}
	beta := make([]float64, k)
	for i, v := range bd {
		beta[i] = v.Float()
	}

	res := &Result{Alpha: alpha, N: q.n, SumWeights: q.sumW, DF: q.n - int64(k)}
	if q.intercept {
		res.Intercept = beta[0]
	}
	res.Coef = beta[off:]

	// Residual sum of squares: R_pp² for least squares; for ridge,
	// ‖R·[β; −1]‖² with the data's own R.
	var rss dd
	if alpha == 0 {
		rss = xdd.Mul(a[k*p+k], a[k*p+k])
	} else {
		res := make([]dd, p)
		for i := 0; i < p; i++ {
			s := q.at(i, k).Neg()
			for j := i; j < k; j++ {
				s = xdd.Add(s, xdd.Mul(q.at(i, j), bd[j]))
			}
			res[i] = s
		}
		nr := xdd.Norm(res)
		rss = xdd.Mul(nr, nr)
	}
	res.RSS = rss.Float()
	tss := q.colNorm(k, off)
	tss = xdd.Mul(tss, tss)
	res.R2 = 1 - xdd.Div(rss, tss).Float()
	c := int64(off)
	var sd dd
	if res.DF > 0 {
		sd = xdd.Sqrt(xdd.Div(rss, dd{Hi: float64(res.DF), Lo: 0}))
		res.ResidualSD = sd.Float()
		res.AdjR2 = 1 - xdd.MulF(xdd.Div(rss, tss), float64(q.n-c)/float64(res.DF)).Float()
	} else {
		res.ResidualSD = math.NaN()
		res.AdjR2 = math.NaN()
		sd = dd{Hi: math.NaN(), Lo: math.NaN()}
	}

	res.InterceptStdErr = math.NaN()
	if alpha == 0 {
		// diag((RᵀR)⁻¹)ᵢ = Σⱼ(R⁻¹)ᵢⱼ², with R⁻¹ built column by column by
		// back substitution.
		inv := make([]dd, k*k) // inv[i*k+j] = (R⁻¹)_ij, upper triangular
		for j := 0; j < k; j++ {
			inv[j*k+j] = xdd.Div(dd{Hi: 1, Lo: 0}, a[j*p+j])
			for i := j - 1; i >= 0; i-- {
				var s dd
				for l := i + 1; l <= j; l++ {
					s = xdd.Add(s, xdd.Mul(a[i*p+l], inv[l*k+j]))
				}
				inv[i*k+j] = xdd.Div(s, a[i*p+i]).Neg()
			}
		}
		se := make([]float64, k)
		for i := 0; i < k; i++ {
			se[i] = xdd.Mul(sd, xdd.Norm(inv[i*k+i:(i+1)*k])).Float()
		}
		if k > 0 { // gonum has no empty matrix: a fit with no coefficient has no Unscaled
			res.Unscaled = mat.NewSymDense(k, nil)
		}
		for i := 0; i < k; i++ {
			for j := i; j < k; j++ {
				var u dd // Σₗ (R⁻¹)ᵢₗ(R⁻¹)ⱼₗ, l ≥ j
				for l := j; l < k; l++ {
					u = xdd.Add(u, xdd.Mul(inv[i*k+l], inv[j*k+l]))
				}
				res.Unscaled.SetSym(i, j, u.Float())
			}
		}
		if q.intercept {
			res.InterceptStdErr = se[0]
		}
		res.StdErr = se[off:]
	}
	return res, nil
}
