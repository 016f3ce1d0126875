package linear

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	xdd "github.com/lsqgo/lsq/internal/dd"
)

// This file is the accurate path: everything in double-double.

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

// fitDD is the accurate path (Precision DoubleDouble): the standardised
// problem (standardizeDD) is reduced by Householder QR with column pivoting,
// A·P = Q·R (householderDD; Businger & Golub 1965, Golub & Van Loan 2013,
// §5.4.2), the rank is read from R's diagonal (rankDD), and the solution
// (standardizedDD.solve), intercept and residuals of the original data
// follow. Everything is double-double except the singular values and the
// minimum-norm solution of a rank-deficient design, which are float64.
func fitDD(p *problem) (*Result, error) {
	st, err := standardizeDD(p)
	if err != nil {
		return nil, err
	}
	perm := householderDD(st.a, p.n, true, st.b)
	kmax := min(p.n, p.d)
	nobs := observations(p.w, p.n)
	rank := rankDD(st.a, kmax, rankTol(p.rcond, nobs, p.d))
	res := &Result{
		HasIntercept: p.intercept,
		Method:       QR,
		Precision:    DoubleDouble,
		Rank:         rank,
		Aliased:      aliasedDD(perm, rank),
		N:            nobs,
		DF:           dfOf(nobs, rank, p.intercept),
		SumWeights:   st.sumW.Float(),
	}
	res.SingularValues, res.Cond = singularValuesOfR(func(i, j int) float64 { return st.a[j][i].Float() }, kmax, p.d)
	beta, unscaled := st.solve(p, perm, rank)
	b := st.intercept(p, beta)
	res.Intercept, res.Coef = b.Float(), floatsDD(beta)
	var rss, tss dd
	res.Residuals, rss, tss = residualsDD(p, b, beta, st.my)
	res.RSS, res.TSS = rss.Float(), tss.Float()
	res.Unscaled = unscaled
	return res, nil
}

// standardizedDD is the least-squares problem of fitDD after centring and
// scaling, in double-double (the counterpart of standardized, float.go):
//
//	A_ij = √wᵢ·(x_ij − m_j)/s_j,   bᵢ = √wᵢ·(yᵢ − ȳ)
//
// with m_j and ȳ the weighted means (zero without intercept) and s_j the
// weighted population standard deviation of column j (its weighted root
// mean square without intercept; 1 for a column that is zero after
// centring). Least squares on (A, b) gives γ = S·β, S = diag(s), and
// b = ȳ − mᵀβ.
type standardizedDD struct {
	a      [][]dd // columns of A; R (by columns) after householderDD
	b      []dd   // b; Qᵀb after householderDD
	sw     []dd   // √wᵢ
	means  []dd   // m_j
	scales []dd   // s_j
	my     dd     // ȳ
	sumW   dd     // W = Σ wᵢ
}

// weight returns wᵢ, 1 when the problem is unweighted.
func (p *problem) weight(i int) float64 {
	if p.w == nil {
		return 1
	}
	return p.w[i]
}

// standardizeDD forms (A, b) of p, or returns an error when every weight is
// zero: W = 0 leaves no observation to fit.
func standardizeDD(p *problem) (*standardizedDD, error) {
	st := &standardizedDD{sw: make([]dd, p.n)}
	for i := range st.sw {
		wi := p.weight(i)
		st.sw[i] = xdd.Sqrt(dd{Hi: wi, Lo: 0})
		st.sumW = xdd.Add(st.sumW, dd{Hi: wi, Lo: 0})
	}
	if st.sumW.Hi == 0 {
		return nil, fmt.Errorf("linear: all %d weights are zero", p.n)
	}
	st.a = make([][]dd, p.d)
	st.means = make([]dd, p.d)
	st.scales = make([]dd, p.d)
	for j, c := range p.cols {
		st.a[j], st.means[j], st.scales[j] = st.column(p, c)
	}
	st.my = st.mean(p, p.y)
	st.b = make([]dd, p.n)
	for i, v := range p.y {
		st.b[i] = xdd.Mul(st.sw[i], xdd.Sub(v, st.my))
	}
	return st, nil
}

// mean returns the weighted mean Σ wᵢcᵢ/W of c, or zero without intercept:
// a model through the origin is fitted to the data as they are.
func (st *standardizedDD) mean(p *problem, c []dd) dd {
	if !p.intercept {
		return dd{}
	}
	var s dd
	for i, v := range c {
		s = xdd.Add(s, xdd.MulF(v, p.weight(i)))
	}
	return xdd.Div(s, st.sumW)
}

// column returns the standardised column √w∘(c − m)/s of the design column
// c, its weighted mean m and its scale s = √(Σ wᵢ(cᵢ − m)²/W). A column with
// s = 0 keeps scale 1, so that it stays zero and the rank decision, not a
// division by zero, deals with it.
func (st *standardizedDD) column(p *problem, c []dd) (col []dd, m, s dd) {
	m = st.mean(p, c)
	col = make([]dd, len(c))
	var ss dd
	for i, v := range c {
		col[i] = xdd.Mul(st.sw[i], xdd.Sub(v, m))
		ss = xdd.Add(ss, xdd.Mul(col[i], col[i]))
	}
	s = xdd.Sqrt(xdd.Div(ss, st.sumW))
	if s.Hi == 0 {
		s = dd{Hi: 1, Lo: 0}
	}
	inv := xdd.Div(dd{Hi: 1, Lo: 0}, s)
	for i := range col {
		col[i] = xdd.Mul(col[i], inv)
	}
	return col, m, s
}

// rankTol is the relative rank tolerance of every QR path: rcond
// (Settings.RCond) when set, else max(N, d)·ε with N the number of
// observations, numpy's default. In double-double too: the data are
// float64 or measured to fewer digits, so a column whose sine of angle to
// the span of the others is that small is aliased in any practical sense;
// what double-double adds is that the computed ratio |R_kk|/|R_11| is exact
// to many digits rather than noise at the ε level, so the decision is made
// on the design's true geometry. (Filip's standardised design has
// σ_min/σ_max ≈ 2.6e-10 and is kept whole.)
func rankTol(rcond float64, nobs, d int) float64 {
	if rcond != 0 {
		return rcond
	}
	return float64(max(nobs, d)) * eps
}

// rankDD returns the numerical rank of the pivoted factor R (columns r,
// kmax = min(n, d) rows): the number of leading diagonal entries with
// |R_kk| > rcond·|R_11|, counting stopped at the first that is not (Golub &
// Van Loan 2013, §5.4.2). It is 0 when R_11 = 0, the design being zero.
func rankDD(r [][]dd, kmax int, rcond float64) int {
	rank := 0
	if len(r) > 0 {
		r00 := math.Abs(r[0][0].Hi)
		for rank < kmax && r00 > 0 && math.Abs(r[rank][rank].Hi) > rcond*r00 {
			rank++
		}
	}
	return rank
}

// aliasedDD returns, ascending, the original indices of the columns the
// pivoting placed beyond the rank, perm[rank:]: Result.Aliased (nil when
// the design has full rank).
func aliasedDD(perm []int, rank int) []int {
	var out []int
	for k := rank; k < len(perm); k++ {
		out = append(out, perm[k])
	}
	sortInts(out)
	return out
}

// solve returns β, in the original columns and scale, and Result.Unscaled
// from the factorised problem (R and Qᵀb in st, columns in the order perm):
// the ridge solution (no Unscaled), the float64 minimum-norm solution of a
// rank-deficient design with the pseudo-inverse, or the full-rank solution
// with (X̃ᵀWX̃)⁻¹.
func (st *standardizedDD) solve(p *problem, perm []int, rank int) ([]dd, *mat.SymDense) {
	switch {
	case p.ridge > 0:
		return st.ridge(p, perm), nil
	case rank < p.d:
		return st.minNorm(p, rank)
	default:
		return st.full(p, perm)
	}
}

// ridge minimises ‖b − Aγ‖² + Wα‖S⁻¹γ‖², which is Settings.Ridge's
// objective (1/2W)Σwᵢrᵢ² + (α/2)‖β‖² times 2W with β = S⁻¹γ. As
// ‖b − APγ‖² = ‖Qᵀb − Rγ‖² up to a constant, that is the least-squares
// problem
//
//	[R; λ·S_P⁻¹]·γ ≈ [Qᵀb; 0],   λ = √(Wα),  S_P = diag(s_perm[k]),
//
// solved by an unpivoted Householder QR of the (kmax + d)×d augmented
// matrix and back substitution, never through the normal equations (ridge
// regression, Hoerl & Kennard 1970, as an augmented least-squares problem;
// Golub & Van Loan 2013, ch. 6).
func (st *standardizedDD) ridge(p *problem, perm []int) []dd {
	d := p.d
	kmax := min(p.n, d)
	lam := math.Sqrt(st.sumW.Float() * p.ridge)
	m2 := kmax + d
	aug := make([][]dd, d)
	for k := range aug {
		c := make([]dd, m2)
		copy(c, st.a[k][:min(k+1, kmax)])
		c[kmax+k] = xdd.Div(dd{Hi: lam, Lo: 0}, st.scales[perm[k]])
		aug[k] = c
	}
	rhs := make([]dd, m2)
	copy(rhs, st.b[:kmax])
	householderDD(aug, m2, false, rhs)
	return st.unscale(backSubDD(aug, rhs, d), perm)
}

// minNorm is the rank-deficient case: the minimum-norm solution and the
// pseudo-inverse, by SVD in float64 (minNormFloat), keeping the rank that
// the double-double R decided.
func (st *standardizedDD) minNorm(p *problem, rank int) ([]dd, *mat.SymDense) {
	bf, cov := minNormFloat(p, st, rank)
	beta := make([]dd, p.d)
	for j := range beta {
		beta[j] = dd{Hi: bf[j], Lo: 0}
	}
	return beta, cov
}

// full solves Rγ = Qᵀb by back substitution and returns β with Unscaled
// assembled from C = (RᵀR)⁻¹ = (AᵀA)⁻¹ of the standardised, pivoted design.
func (st *standardizedDD) full(p *problem, perm []int) ([]dd, *mat.SymDense) {
	beta := st.unscale(backSubDD(st.a, st.b, p.d), perm)
	c := inverseGramDD(st.a, p.d)
	return beta, assembleUnscaledDD(c, perm, st.scales, st.means, st.sumW, p.intercept)
}

// unscale maps γ, in pivoted order and standardised scale, to β in the
// original columns and scale: β_perm[k] = γ_k/s_perm[k].
func (st *standardizedDD) unscale(g []dd, perm []int) []dd {
	beta := make([]dd, len(perm))
	for k, j := range perm {
		beta[j] = xdd.Div(g[k], st.scales[j])
	}
	return beta
}

// intercept returns b = ȳ − Σ m_j·β_j, or zero without intercept.
func (st *standardizedDD) intercept(p *problem, beta []dd) dd {
	if !p.intercept {
		return dd{}
	}
	b := st.my
	for j := range beta {
		b = xdd.Sub(b, xdd.Mul(st.means[j], beta[j]))
	}
	return b
}

// residualsDD returns the residuals rᵢ = yᵢ − b − xᵢβ of the original data
// at the double-double solution, rounded to float64, and RSS = Σ wᵢrᵢ² and
// TSS = Σ wᵢ(yᵢ − ȳ)² summed in double-double from the unrounded values.
func residualsDD(p *problem, b dd, beta []dd, my dd) (res []float64, rss, tss dd) {
	res = make([]float64, p.n)
	for i := range res {
		r := xdd.Sub(p.y[i], b)
		for j := range beta {
			r = xdd.Sub(r, xdd.Mul(p.cols[j][i], beta[j]))
		}
		res[i] = r.Float()
		wi := p.weight(i)
		rss = xdd.Add(rss, xdd.MulF(xdd.Mul(r, r), wi))
		t := xdd.Sub(p.y[i], my)
		tss = xdd.Add(tss, xdd.MulF(xdd.Mul(t, t), wi))
	}
	return res, rss, tss
}

// floatsDD rounds each element of x to float64.
func floatsDD(x []dd) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v.Float()
	}
	return out
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
// standardised design. W is st.sumW, the sum of the weights that every
// other path's Unscaled uses.
func minNormFloat(p *problem, st *standardizedDD, rank int) ([]float64, *mat.SymDense) {
	n, d := p.n, p.d
	sw, means, my := st.sw, st.means, st.my
	a := mat.NewDense(n, d, nil)
	bv := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			a.Set(i, j, xdd.Mul(sw[i], xdd.Sub(p.cols[j][i], means[j])).Float())
		}
		bv[i] = xdd.Mul(sw[i], xdd.Sub(p.y[i], my)).Float()
	}
	mf := make([]float64, d)
	for j := range mf {
		mf[j] = means[j].Float()
	}
	return pinvSolve(a, bv, rank, mf, st.sumW.Float(), p.intercept)
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
