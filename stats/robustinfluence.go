package stats

import (
	"math"

	xdd "github.com/lsqgo/lsq/internal/dd"
	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// influence holds, for each row i of the fit, the influence of the row on
// the estimates ψᵢ = (X̃ᵀWX̃)⁻¹x̃ᵢwᵢrᵢ (so that β̂ − β = Σψᵢ exactly for the
// errors rᵢ) and its leverage hᵢ = wᵢx̃ᵢᵀ(X̃ᵀWX̃)⁻¹x̃ᵢ. Every sandwich
// covariance of this package is a sum of products of these rows: HC0 is
// Σψᵢψᵢᵀ, the clustered one Σ_g(Σ_{i∈g}ψᵢ)(Σ_{i∈g}ψᵢ)ᵀ, Newey–West
// Σ_l k_l Σ_i(ψᵢψᵢ₋ₗᵀ + ψᵢ₋ₗψᵢᵀ). A row of weight 0 has ψᵢ = 0 and hᵢ = 0.
type influence struct {
	psi  *mat.Dense // rows × p, the intercept first when fitted
	h    []float64
	rows []int // the rows with positive weight, ascending
}

// influence works in double-double while n·d² ≤ linear.AccurateLimit and
// n·(d+1) ≤ linear.AccurateMemoryLimit (the limits of package linear's
// double-double fit); beyond them in float64, by the same algorithm, with
// relative errors of order cond·ε instead of cond·10⁻³².
func useDD(n, d int) bool {
	return float64(n)*float64(d)*float64(d) <= linear.AccurateLimit && float64(n)*float64(d+1) <= linear.AccurateMemoryLimit
}

// influenceOf computes ψ and h. The residuals are divided by sc (see
// sandwich), so ψ is the influence divided by sc.
//
// For a full-rank fit it never forms (X̃ᵀWX̃)⁻¹: with an intercept it
// reparametrises to the centred design Z = W^½(X − 1x̄ᵀ), x̄ the weighted
// column means, which is orthogonal to the constant, takes the Householder
// QR factor Z = QR and computes qᵢ = R⁻ᵀzᵢ (the i-th row of Q), the slope
// part R⁻¹qᵢ·√wᵢrᵢ and the intercept part wᵢrᵢ/W − x̄ᵀψ_β,ᵢ, and
// hᵢ = wᵢ/W + ‖qᵢ‖² (Belsley, Kuh & Welsch 1980, ch. 2; Björck 1996, §2.4).
// The factor of the centred design has the condition number of the
// standardised design, which is small where that of X̃ᵀWX̃ (Longley: 10¹⁵
// and more) is not, and in double-double even a large one leaves every
// digit of ψ: the covariances then carry the accuracy of the classical
// ones instead of losing cond(X̃ᵀWX̃)·ε to the cancellation in
// (X̃ᵀWX̃)⁻¹·M·(X̃ᵀWX̃)⁻¹.
//
// A rank-deficient fit uses the pseudo-inverse linear.Result.Unscaled, as
// the classical covariance does.
func influenceOf(res *linear.Result, x *mat.Dense, weights []float64, sc float64, prec linear.Precision) *influence {
	n, d := x.Dims()
	inf := &influence{h: make([]float64, n), rows: positiveRows(weights, n)}
	p := d
	if res.HasIntercept {
		p++
	}
	inf.psi = mat.NewDense(n, p, nil)
	switch {
	case res.Rank < d || d == 0:
		inf.fromUnscaled(res, x, weights, sc)
	case prec == linear.DoubleDouble || prec == linear.Auto && useDD(len(inf.rows), d):
		inf.fromQRDD(res, x, weights, sc)
	default:
		inf.fromQR(res, x, weights, sc)
	}
	return inf
}

// fromUnscaled is ψᵢ = U·x̃ᵢwᵢrᵢ, hᵢ = wᵢx̃ᵢᵀUx̃ᵢ with U = Result.Unscaled.
func (inf *influence) fromUnscaled(res *linear.Result, x *mat.Dense, weights []float64, sc float64) {
	_, d := x.Dims()
	off := 0
	if res.HasIntercept {
		off = 1
	}
	p := d + off
	row := make([]float64, p)
	rv := mat.NewVecDense(p, row)
	urow := mat.NewVecDense(p, nil)
	for _, i := range inf.rows {
		w := weight(weights, i)
		if off == 1 {
			row[0] = 1
		}
		for j := 0; j < d; j++ {
			row[off+j] = x.At(i, j)
		}
		urow.MulVec(res.Unscaled, rv)
		inf.h[i] = w * mat.Dot(rv, urow)
		r := res.Residuals[i] / sc
		for j := 0; j < p; j++ {
			inf.psi.Set(i, j, urow.AtVec(j)*w*r)
		}
	}
}

// fromQRDD is the QR algorithm of influenceOf in double-double arithmetic.
func (inf *influence) fromQRDD(res *linear.Result, x *mat.Dense, weights []float64, sc float64) {
	_, d := x.Dims()
	m := len(inf.rows)
	dd := func(v float64) xdd.DD { return xdd.DD{Hi: v} }
	sqw := make([]xdd.DD, m)
	var sumW xdd.DD
	for k, i := range inf.rows {
		w := weight(weights, i)
		sqw[k] = xdd.Sqrt(dd(w))
		sumW = xdd.Add(sumW, dd(w))
	}
	mean := make([]xdd.DD, d)
	if res.HasIntercept {
		for j := 0; j < d; j++ {
			var s xdd.DD
			for _, i := range inf.rows {
				s = xdd.Add(s, xdd.MulF(dd(x.At(i, j)), weight(weights, i)))
			}
			mean[j] = xdd.Div(s, sumW)
		}
	}
	// z holds the columns of Z (column-major, for the Householder sweeps).
	z := make([][]xdd.DD, d)
	for j := range z {
		z[j] = make([]xdd.DD, m)
		for k, i := range inf.rows {
			z[j][k] = xdd.Mul(xdd.Sub(dd(x.At(i, j)), mean[j]), sqw[k])
		}
	}
	r := householderR(z, m)
	off := 0
	if res.HasIntercept {
		off = 1
	}
	q := make([]xdd.DD, d)
	a := make([]xdd.DD, d)
	for k, i := range inf.rows {
		// qᵢ = R⁻ᵀzᵢ by forward substitution.
		xr := x.RawRowView(i)
		for j := 0; j < d; j++ {
			s := xdd.Mul(xdd.Sub(dd(xr[j]), mean[j]), sqw[k])
			for l := 0; l < j; l++ {
				s = xdd.Sub(s, xdd.Mul(r[l][j], q[l]))
			}
			q[j] = xdd.Div(s, r[j][j])
		}
		h := xdd.Dot(q, q)
		// a = R⁻¹qᵢ by back substitution.
		for j := d - 1; j >= 0; j-- {
			s := q[j]
			for l := j + 1; l < d; l++ {
				s = xdd.Sub(s, xdd.Mul(r[j][l], a[l]))
			}
			a[j] = xdd.Div(s, r[j][j])
		}
		f := xdd.MulF(sqw[k], res.Residuals[i]/sc) // √wᵢ·rᵢ
		var b xdd.DD
		for j := 0; j < d; j++ {
			a[j] = xdd.Mul(a[j], f)
			inf.psi.Set(i, off+j, a[j].Float())
			b = xdd.Sub(b, xdd.Mul(mean[j], a[j]))
		}
		if off == 1 {
			w := weight(weights, i)
			c := xdd.Div(xdd.MulF(dd(w), res.Residuals[i]/sc), sumW)
			inf.psi.Set(i, 0, xdd.Add(c, b).Float())
			h = xdd.Add(h, xdd.Div(dd(w), sumW))
		}
		inf.h[i] = h.Float()
	}
}

// householderR overwrites the columns a (each of length m ≥ len(a)) with
// their Householder reduction and returns the d×d upper-triangular factor
// R as rows (Golub & Van Loan 2013, Alg. 5.2.1, without pivoting: the fit
// is of full rank).
func householderR(a [][]xdd.DD, m int) [][]xdd.DD {
	d := len(a)
	r := make([][]xdd.DD, d)
	for k := 0; k < d; k++ {
		r[k] = make([]xdd.DD, d)
		v := a[k][k:m]
		nrm := xdd.Norm(v)
		alpha := nrm
		if v[0].Hi > 0 {
			alpha = xdd.Neg(nrm)
		}
		// v ← v − αe₁, Hv = v − 2v(vᵀ·)/vᵀv; vᵀv = 2(‖v‖² − αv₀).
		v0 := v[0]
		v[0] = xdd.Sub(v0, alpha)
		vv := xdd.Scale(xdd.Sub(xdd.Mul(nrm, nrm), xdd.Mul(alpha, v0)), 1)
		r[k][k] = alpha
		for j := k + 1; j < d; j++ {
			c := a[j][k:m]
			if vv.Hi == 0 {
				r[k][j] = c[0]
				continue
			}
			f := xdd.Div(xdd.Scale(xdd.Dot(v, c), 1), vv)
			for l := range c {
				c[l] = xdd.Sub(c[l], xdd.Mul(f, v[l]))
			}
			r[k][j] = c[0]
		}
	}
	return r
}

// fromQR is the QR algorithm of influenceOf in float64 (gonum's QR).
func (inf *influence) fromQR(res *linear.Result, x *mat.Dense, weights []float64, sc float64) {
	_, d := x.Dims()
	m := len(inf.rows)
	var sumW float64
	for _, i := range inf.rows {
		sumW += weight(weights, i)
	}
	mean := make([]float64, d)
	if res.HasIntercept {
		for _, i := range inf.rows {
			w := weight(weights, i)
			for j := 0; j < d; j++ {
				mean[j] += w * x.At(i, j)
			}
		}
		for j := range mean {
			mean[j] /= sumW
		}
	}
	z := mat.NewDense(m, d, nil)
	for k, i := range inf.rows {
		s := math.Sqrt(weight(weights, i))
		for j := 0; j < d; j++ {
			z.Set(k, j, (x.At(i, j)-mean[j])*s)
		}
	}
	var qr mat.QR
	qr.Factorize(z)
	var rf mat.Dense
	qr.RTo(&rf)
	r := make([][]float64, d) // rows of R
	for j := range r {
		r[j] = rf.RawRowView(j)[:d]
		if r[j][j] == 0 {
			panic("stats: singular R of a full-rank fit")
		}
	}
	off := 0
	if res.HasIntercept {
		off = 1
	}
	q := make([]float64, d)
	a := make([]float64, d)
	for k, i := range inf.rows {
		// qᵢ = R⁻ᵀzᵢ, then a = R⁻¹qᵢ, by substitution.
		zr := z.RawRowView(k)
		h := 0.0
		for j := 0; j < d; j++ {
			v := zr[j]
			for l := 0; l < j; l++ {
				v -= r[l][j] * q[l]
			}
			q[j] = v / r[j][j]
			h += q[j] * q[j]
		}
		for j := d - 1; j >= 0; j-- {
			v := q[j]
			for l := j + 1; l < d; l++ {
				v -= r[j][l] * a[l]
			}
			a[j] = v / r[j][j]
		}
		w := weight(weights, i)
		f := math.Sqrt(w) * res.Residuals[i] / sc
		b := 0.0
		out := inf.psi.RawRowView(i)
		for j := 0; j < d; j++ {
			v := a[j] * f
			out[off+j] = v
			b -= mean[j] * v
		}
		if off == 1 {
			out[0] = w*res.Residuals[i]/sc/sumW + b
			h += w / sumW
		}
		inf.h[i] = h
	}
}
