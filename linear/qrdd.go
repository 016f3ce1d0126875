package linear

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	xdd "github.com/lsqgo/lsq/internal/dd"
)

// This file is the accurate path: everything in double-double.

// ddRankTol is the default relative rank tolerance per row-or-column of the
// double-double QR (times max(n,d)): the same as float64's, numpy's
// max(n,d)·ε. The data are float64 or measured to fewer digits, so a column
// whose sine of angle to the span of the others is that small is aliased in
// any practical sense; what double-double adds is that the computed ratio
// |R_kk|/|R_11| is now exact to many digits rather than noise at the ε
// level, so the decision is made on the design's true geometry. (Filip's
// standardised design has σ_min/σ_max ≈ 2.6e-10 and is kept whole.)
const ddRankTol = eps

// householderDD reduces the m-row columns a (a[j][i] = A_ij) to upper
// triangular form in place by Householder reflections, applying them to each
// of rhs as well. With pivot set, before step k the remaining column of
// largest norm is swapped to position k (Businger & Golub 1965); perm[k] is
// then the original index of the column at position k. Afterwards a[j][i]
// for i ≤ j holds R (and zeros below).
func householderDD(a [][]dd, m int, pivot bool, rhs ...[]dd) (perm []int) {
	d := len(a)
	perm = make([]int, d)
	for j := range perm {
		perm[j] = j
	}
	kmax := min(m, d)
	for k := 0; k < kmax; k++ {
		if pivot {
			best, bestv := k, -1.0
			for j := k; j < d; j++ {
				s := 0.0
				for _, v := range a[j][k:m] {
					s += v.Hi * v.Hi
				}
				if s > bestv {
					best, bestv = j, s
				}
			}
			a[k], a[best] = a[best], a[k]
			perm[k], perm[best] = perm[best], perm[k]
		}
		col := a[k][:m]
		var norm2 dd
		for _, v := range col[k:] {
			norm2 = xdd.Add(norm2, xdd.Mul(v, v))
		}
		if norm2.Hi == 0 {
			continue
		}
		norm := xdd.Sqrt(norm2)
		alpha := col[k]
		if alpha.Hi < 0 {
			norm = xdd.Neg(norm) // norm now carries the sign of alpha
		}
		// u = col[k:] with u₀ = α + sign(α)‖col‖; H = I − u uᵀ/(‖col‖(‖col‖+|α|)).
		col[k] = xdd.Add(alpha, norm)
		denom := xdd.Mul(norm, col[k]) // = sign²·‖col‖(‖col‖+|α|) > 0
		apply := func(v []dd) {
			f := xdd.Div(xdd.Dot(col[k:], v[k:m]), denom)
			if f.Hi == 0 {
				return
			}
			for i := k; i < m; i++ {
				v[i] = xdd.Sub(v[i], xdd.Mul(f, col[i]))
			}
		}
		for j := k + 1; j < d; j++ {
			apply(a[j])
		}
		for _, v := range rhs {
			apply(v)
		}
		col[k] = xdd.Neg(norm)
		for i := k + 1; i < m; i++ {
			col[i] = dd{}
		}
	}
	return perm
}

// backSubDD solves the leading r×r upper triangular system R x = c, R given
// by columns.
func backSubDD(a [][]dd, c []dd, r int) []dd {
	x := make([]dd, r)
	for i := r - 1; i >= 0; i-- {
		s := c[i]
		for k := i + 1; k < r; k++ {
			s = xdd.Sub(s, xdd.Mul(a[k][i], x[k]))
		}
		x[i] = xdd.Div(s, a[i][i])
	}
	return x
}

func fitDD(p *problem) (*Result, error) {
	n, d := p.n, p.d
	weight := func(i int) float64 {
		if p.w == nil {
			return 1
		}
		return p.w[i]
	}
	sw := make([]dd, n)
	var sumW dd
	for i := range sw {
		wi := weight(i)
		sw[i] = xdd.Sqrt(dd{Hi: wi, Lo: 0})
		sumW = xdd.Add(sumW, dd{Hi: wi, Lo: 0})
	}
	if sumW.Hi == 0 {
		return nil, fmt.Errorf("linear: all %d weights are zero", n)
	}
	mean := func(c []dd) dd {
		if !p.intercept {
			return dd{}
		}
		var s dd
		for i, v := range c {
			s = xdd.Add(s, xdd.MulF(v, weight(i)))
		}
		return xdd.Div(s, sumW)
	}

	// Standardise: A_j = √w ∘ (x_j − m_j) / s_j.
	means := make([]dd, d)
	scales := make([]dd, d)
	a := make([][]dd, d)
	for j, c := range p.cols {
		means[j] = mean(c)
		col := make([]dd, n)
		var ss dd
		for i, v := range c {
			col[i] = xdd.Mul(sw[i], xdd.Sub(v, means[j]))
			ss = xdd.Add(ss, xdd.Mul(col[i], col[i]))
		}
		sc := xdd.Sqrt(xdd.Div(ss, sumW))
		if sc.Hi == 0 {
			sc = dd{Hi: 1, Lo: 0}
		}
		inv := xdd.Div(dd{Hi: 1, Lo: 0}, sc)
		for i := range col {
			col[i] = xdd.Mul(col[i], inv)
		}
		scales[j] = sc
		a[j] = col
	}
	my := mean(p.y)
	b := make([]dd, n)
	for i, v := range p.y {
		b[i] = xdd.Mul(sw[i], xdd.Sub(v, my))
	}

	perm := householderDD(a, n, true, b)
	kmax := min(n, d)

	// Rank from the pivoted diagonal.
	nobs := observations(p.w, n)
	rcond := p.rcond
	if rcond == 0 {
		rcond = ddRankTol * float64(max(nobs, d))
	}
	rank := 0
	if d > 0 {
		r00 := math.Abs(a[0][0].Hi)
		for rank < kmax && r00 > 0 && math.Abs(a[rank][rank].Hi) > rcond*r00 {
			rank++
		}
	}
	res := &Result{
		Coef:         make([]float64, d),
		HasIntercept: p.intercept,
		Method:       QR,
		Precision:    DoubleDouble,
		Rank:         rank,
		N:            nobs,
		SumWeights:   sumW.Float(),
	}
	for k := rank; k < d; k++ {
		res.Aliased = append(res.Aliased, perm[k])
	}
	sortInts(res.Aliased)
	res.SingularValues, res.Cond = singularValuesOfR(func(i, j int) float64 { return a[j][i].Float() }, kmax, d)

	beta := make([]dd, d) // original column order, original scale
	var unscaled [][]dd   // scaled, pivoted order; nil if not computed
	switch {
	case p.ridge > 0:
		// QR of [R; √(Wα)·diag(1/s)], W = Σw, (pivoted order), right side [Qᵀb; 0].
		lam := math.Sqrt(sumW.Float() * p.ridge)
		m2 := kmax + d
		aug := make([][]dd, d)
		for k := range aug {
			c := make([]dd, m2)
			copy(c, a[k][:min(k+1, kmax)])
			c[kmax+k] = xdd.Div(dd{Hi: lam, Lo: 0}, scales[perm[k]])
			aug[k] = c
		}
		rhs := make([]dd, m2)
		copy(rhs, b[:kmax])
		householderDD(aug, m2, false, rhs)
		g := backSubDD(aug, rhs, d)
		for k, j := range perm {
			beta[j] = xdd.Div(g[k], scales[j])
		}
	case rank < d:
		bf, cov := minNormFloat(p, sw, means, my, rank)
		for j := range beta {
			beta[j] = dd{Hi: bf[j], Lo: 0}
		}
		res.Unscaled = cov
	default:
		g := backSubDD(a, b, d)
		for k, j := range perm {
			beta[j] = xdd.Div(g[k], scales[j])
		}
		unscaled = inverseGramDD(a, d)
	}

	intercept := my
	for j := range beta {
		intercept = xdd.Sub(intercept, xdd.Mul(means[j], beta[j]))
	}
	if !p.intercept {
		intercept = dd{}
	}
	res.Intercept = intercept.Float()
	for j := range beta {
		res.Coef[j] = beta[j].Float()
	}

	// Residuals of the original data at the double-double solution.
	res.Residuals = make([]float64, n)
	var rss, tss dd
	for i := 0; i < n; i++ {
		r := xdd.Sub(p.y[i], intercept)
		for j := range beta {
			r = xdd.Sub(r, xdd.Mul(p.cols[j][i], beta[j]))
		}
		res.Residuals[i] = r.Float()
		wi := weight(i)
		rss = xdd.Add(rss, xdd.MulF(xdd.Mul(r, r), wi))
		t := xdd.Sub(p.y[i], my)
		tss = xdd.Add(tss, xdd.MulF(xdd.Mul(t, t), wi))
	}
	res.RSS, res.TSS = rss.Float(), tss.Float()
	res.DF = dfOf(nobs, rank, p.intercept)

	if unscaled != nil {
		res.Unscaled = assembleUnscaledDD(unscaled, perm, scales, means, sumW, p.intercept)
	}
	return res, nil
}

// inverseGramDD returns C = R⁻¹R⁻ᵀ = (RᵀR)⁻¹ for the leading d×d upper
// triangle of a (by columns), as rows of a dense d×d array.
func inverseGramDD(a [][]dd, d int) [][]dd {
	// rinv[c][i] = (R⁻¹)_ic for i ≤ c.
	rinv := make([][]dd, d)
	for c := 0; c < d; c++ {
		x := make([]dd, c+1)
		x[c] = xdd.Div(dd{Hi: 1, Lo: 0}, a[c][c])
		for i := c - 1; i >= 0; i-- {
			var s dd
			for k := i + 1; k <= c; k++ {
				s = xdd.Add(s, xdd.Mul(a[k][i], x[k]))
			}
			x[i] = xdd.Div(xdd.Neg(s), a[i][i])
		}
		rinv[c] = x
	}
	cm := make([][]dd, d)
	for i := range cm {
		cm[i] = make([]dd, d)
	}
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			var s dd
			for k := j; k < d; k++ {
				s = xdd.Add(s, xdd.Mul(rinv[k][i], rinv[k][j]))
			}
			cm[i][j], cm[j][i] = s, s
		}
	}
	return cm
}

// assembleUnscaledDD maps C (standardised, pivoted) back to the original
// columns and scale, and adds the intercept row and column:
// Var(b)/σ² = 1/Σw + mᵀC̃m, Cov(b, β)/σ² = −C̃m, C̃ the slope block.
func assembleUnscaledDD(c [][]dd, perm []int, scales, means []dd, sumW dd, intercept bool) *mat.SymDense {
	d := len(perm)
	orig := make([][]dd, d)
	for i := range orig {
		orig[i] = make([]dd, d)
	}
	for ka, ja := range perm {
		for kb, jb := range perm {
			orig[ja][jb] = xdd.Div(c[ka][kb], xdd.Mul(scales[ja], scales[jb]))
		}
	}
	off := 0
	if intercept {
		off = 1
	}
	out := mat.NewSymDense(d+off, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			out.SetSym(i+off, j+off, orig[i][j].Float())
		}
	}
	if intercept {
		cmv := make([]dd, d)
		var mcm dd
		for i := 0; i < d; i++ {
			cmv[i] = xdd.Dot(orig[i], means)
			mcm = xdd.Add(mcm, xdd.Mul(means[i], cmv[i]))
		}
		out.SetSym(0, 0, xdd.Add(xdd.Div(dd{Hi: 1, Lo: 0}, sumW), mcm).Float())
		for i := 0; i < d; i++ {
			out.SetSym(0, i+1, xdd.Neg(cmv[i]).Float())
		}
	}
	return out
}

// minNormFloat computes, in float64 by SVD, the minimum-norm slope vector
// for a rank-deficient problem and the pseudo-inverse (X̃ᵀWX̃)⁺ (intercept
// first), keeping the rank largest singular values of the centred,
// weighted, unscaled design, rank being the decision made on the
// standardised design.
func minNormFloat(p *problem, sw, means []dd, my dd, rank int) ([]float64, *mat.SymDense) {
	n, d := p.n, p.d
	a := mat.NewDense(n, d, nil)
	bv := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			a.Set(i, j, xdd.Mul(sw[i], xdd.Sub(p.cols[j][i], means[j])).Float())
		}
		bv[i] = xdd.Mul(sw[i], xdd.Sub(p.y[i], my)).Float()
	}
	var sumW float64
	for i := range sw {
		sumW += xdd.Mul(sw[i], sw[i]).Float()
	}
	mf := make([]float64, d)
	for j := range mf {
		mf[j] = means[j].Float()
	}
	return pinvSolve(a, bv, rank, mf, sumW, p.intercept)
}

// pinvSolve returns β = A_r⁺b, A_r the best rank-r approximation of A,
// and the corresponding pseudo-inverse of the Gram matrix, with the
// intercept row/column first when intercept is set.
func pinvSolve(a *mat.Dense, b []float64, r int, means []float64, sumW float64, intercept bool) ([]float64, *mat.SymDense) {
	n, d := a.Dims()
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		nan := make([]float64, d)
		for i := range nan {
			nan[i] = math.NaN()
		}
		return nan, nil
	}
	sv := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	r = min(r, len(sv))
	for r > 0 && sv[r-1] == 0 {
		r--
	}
	beta := make([]float64, d)
	cov := make([][]float64, d)
	for i := range cov {
		cov[i] = make([]float64, d)
	}
	for k := 0; k < r; k++ {
		var ub float64
		for i := 0; i < n; i++ {
			ub += u.At(i, k) * b[i]
		}
		ub /= sv[k]
		inv2 := 1 / (sv[k] * sv[k])
		for j := 0; j < d; j++ {
			vj := v.At(j, k)
			beta[j] += vj * ub
			for l := 0; l < d; l++ {
				cov[j][l] += vj * v.At(l, k) * inv2
			}
		}
	}
	return beta, assembleUnscaledFloat(cov, means, sumW, intercept)
}

func assembleUnscaledFloat(cov [][]float64, means []float64, sumW float64, intercept bool) *mat.SymDense {
	d := len(cov)
	off := 0
	if intercept {
		off = 1
	}
	out := mat.NewSymDense(d+off, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			out.SetSym(i+off, j+off, cov[i][j])
		}
	}
	if intercept {
		var mcm float64
		for i := 0; i < d; i++ {
			var s float64
			for j := 0; j < d; j++ {
				s += cov[i][j] * means[j]
			}
			mcm += means[i] * s
			out.SetSym(0, i+1, -s)
		}
		out.SetSym(0, 0, 1/sumW+mcm)
	}
	return out
}

// singularValuesOfR returns the singular values (descending, padded with
// zeros to d) of the kmax×d upper trapezoidal R, and σ_max/σ_min.
func singularValuesOfR(at func(i, j int) float64, kmax, d int) ([]float64, float64) {
	if d == 0 {
		return nil, 1
	}
	if kmax == 0 {
		return make([]float64, d), math.Inf(1)
	}
	r := mat.NewDense(kmax, d, nil)
	for i := 0; i < kmax; i++ {
		for j := i; j < d; j++ {
			r.Set(i, j, at(i, j))
		}
	}
	var svd mat.SVD
	if !svd.Factorize(r, mat.SVDNone) {
		return nil, math.NaN()
	}
	sv := svd.Values(nil)
	out := make([]float64, d)
	copy(out, sv)
	return out, condOf(out)
}

func condOf(sv []float64) float64 {
	if len(sv) == 0 {
		return 1
	}
	last := sv[len(sv)-1]
	if last == 0 {
		return math.Inf(1)
	}
	return sv[0] / last
}

func dfOf(n, rank int, intercept bool) int {
	df := n - rank
	if intercept {
		df--
	}
	return max(df, 0)
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

const eps = 0x1p-53
