package stream

import (
	"errors"
	"fmt"
	"math"

	"github.com/lsqgo/lsq"
)

// Result is a linear fit read off a QR accumulator, on the original scale of
// the data, with the summary statistics of weighted least squares.
type Result struct {
	Coef            []float64 // one coefficient per feature
	Intercept       float64   // 0 without an intercept
	StdErr          []float64 // standard errors of Coef; nil for ridge (Alpha > 0)
	InterceptStdErr float64   // NaN without an intercept or for ridge

	Alpha      float64 // ridge strength the fit used (0 for least squares)
	N          int64   // rows with positive weight
	SumWeights float64 // Σw (N without weights)
	DF         int64   // residual degrees of freedom N − k, k = number of coefficients incl. intercept
	RSS        float64 // Σw·r², the weighted residual sum of squares
	ResidualSD float64 // √(RSS/DF); NaN when DF ≤ 0
	R2         float64 // 1 − RSS/TSS; TSS centred about the weighted mean with an intercept, uncentred without
	AdjR2      float64 // 1 − (1−R²)(N−c)/DF, c = 1 with an intercept, 0 without (statsmodels' convention)
}

// Model returns the fitted model with the given feature names (which may be
// nil). It panics if names is not nil and its length differs from len(Coef).
func (r *Result) Model(names []string) lsq.Linear {
	if names != nil && len(names) != len(r.Coef) {
		panic(fmt.Sprintf("stream: Model got %d names for %d coefficients", len(names), len(r.Coef)))
	}
	return lsq.Linear{
		Features:  append([]string(nil), names...),
		Coef:      append([]float64(nil), r.Coef...),
		Intercept: r.Intercept,
	}
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
// minimising (1/2W)Σwᵢrᵢ² + (α/2)‖β‖² with the intercept unpenalised,
// W = Σw. Standard errors are given for least squares only; for ridge the
// summary (RSS, R², ...) describes the ridge residuals, with the
// least-squares degrees of freedom. It panics if alpha is negative or NaN.
func (q *QR) Solve(alpha float64) (*Result, error) {
	if !(alpha >= 0) || math.IsInf(alpha, 1) {
		panic(fmt.Sprintf("stream: Solve with alpha = %v", alpha))
	}
	q.flush()
	if q.n == 0 {
		return nil, ErrNoData
	}
	p, k := q.p, q.p-1
	a := make([]float64, p*p)
	copy(a, q.r)
	off := 0
	if q.intercept {
		off = 1
	}
	if alpha > 0 {
		rows := make([]float64, q.d*p)
		s := math.Sqrt(q.sumW * alpha)
		for j := 0; j < q.d; j++ {
			rows[j*p+off+j] = s
		}
		foldRows(a, p, rows, q.d, make([]float64, p))
	}
	var maxDiag float64
	for j := 0; j < k; j++ {
		maxDiag = math.Max(maxDiag, math.Abs(a[j*p+j]))
	}
	tol := float64(k) * 0x1p-52 * maxDiag
	for j := 0; j < k; j++ {
		if d := math.Abs(a[j*p+j]); !(d > tol) {
			return nil, &SingularError{Column: j, Ratio: d / maxDiag}
		}
	}
	// Back substitution R₁₁β = R₁,ₚ.
	beta := make([]float64, k)
	for i := k - 1; i >= 0; i-- {
		s := a[i*p+k]
		for j := i + 1; j < k; j++ {
			s -= a[i*p+j] * beta[j]
		}
		beta[i] = s / a[i*p+i]
	}

	res := &Result{Alpha: alpha, N: q.n, SumWeights: q.sumW, DF: q.n - int64(k)}
	if q.intercept {
		res.Intercept = beta[0]
	}
	res.Coef = beta[off:]

	// Residual sum of squares: R_pp² for least squares; for ridge,
	// ‖R·[β; −1]‖² with the data's own R.
	if alpha == 0 {
		res.RSS = a[k*p+k] * a[k*p+k]
	} else {
		var rss float64
		for i := 0; i < p; i++ {
			s := -q.r[i*p+k]
			for j := i; j < k; j++ {
				s += q.r[i*p+j] * beta[j]
			}
			rss += s * s
		}
		res.RSS = rss
	}
	tss := q.colNorm(k, off)
	tss *= tss
	res.R2 = 1 - res.RSS/tss
	c := int64(off)
	if res.DF > 0 {
		res.ResidualSD = math.Sqrt(res.RSS / float64(res.DF))
		res.AdjR2 = 1 - (1-res.R2)*float64(q.n-c)/float64(res.DF)
	} else {
		res.ResidualSD = math.NaN()
		res.AdjR2 = math.NaN()
	}

	res.InterceptStdErr = math.NaN()
	if alpha == 0 {
		// diag((RᵀR)⁻¹)ᵢ = Σⱼ(R⁻¹)ᵢⱼ², with R⁻¹ built column by column by
		// back substitution.
		inv := make([]float64, k*k) // inv[i*k+j] = (R⁻¹)_ij, upper triangular
		for j := 0; j < k; j++ {
			inv[j*k+j] = 1 / a[j*p+j]
			for i := j - 1; i >= 0; i-- {
				var s float64
				for l := i + 1; l <= j; l++ {
					s += a[i*p+l] * inv[l*k+j]
				}
				inv[i*k+j] = -s / a[i*p+i]
			}
		}
		se := make([]float64, k)
		for i := 0; i < k; i++ {
			var s float64
			for j := i; j < k; j++ {
				s = math.Hypot(s, inv[i*k+j])
			}
			se[i] = res.ResidualSD * s
		}
		if q.intercept {
			res.InterceptStdErr = se[0]
		}
		res.StdErr = se[off:]
	}
	return res, nil
}
