package stats

import (
	"errors"
	"fmt"
	"math"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// AutoLags as Settings.Lags chooses the Newey–West lag from the data: the
// lag is ⌊b̂⌋, b̂ the bandwidth of Newey & West (1994) for the Bartlett
// kernel (see bandwidth), as sandwich::NeweyWest does with lag = NULL.
const AutoLags = -1

// DefaultLags is the Newey–West truncation lag L used when Settings.Lags
// is zero: ⌊4(n/100)^{2/9}⌋, the rule of thumb for the Bartlett kernel
// that follows from Newey and West (1994), Review of Economic Studies
// 61(4), with its constant 4. sandwich::NeweyWest instead chooses the lag
// from the data (Settings.Lags = AutoLags) and prewhitens
// (Settings.Prewhite) by default.
func DefaultLags(n int) int { return lagRule(4, n) }

// lagRule is ⌊c(n/100)^{2/9}⌋, the growth rate of the Bartlett kernel's
// lag window in Newey & West (1994).
func lagRule(c float64, n int) int {
	return int(math.Floor(c * math.Pow(float64(n)/100, 2.0/9)))
}

// hacInfo is what the Newey–West covariance chose: the lag L, the
// bandwidth b̂ (NaN unless the lag was automatic) and whether it
// prewhitened.
type hacInfo struct {
	lag       int
	bandwidth float64
	prewhite  bool
}

// neweyWest writes into dst the Newey–West meat of the influence rows
// psi[rows] (the rows in their order as the time order):
//
//	without prewhitening  Ω(ψ, L) = Σ_{|l|≤L} (1 − |l|/(L+1)) Σ_t ψₜψₜ₋ₗᵀ
//	with prewhitening     (I − Â)⁻¹ Ω(ê, L) (I − Â)⁻ᵀ
//
// where Â and ê are the VAR(1) ψₜ = Aψₜ₋₁ + eₜ fitted by least squares
// without intercept (t = 2..n, so ê has n − 1 rows; var1). This is the
// prewhitened estimator of Andrews & Monahan (1992), Econometrica 60(4),
// as sandwich::vcovHAC(prewhite = 1) computes it: Ω(ê, L) is summed over
// the n − 1 residuals, with no n/(n − 1) or n/(n − k) factor. The VAR is
// fitted in the orthonormal coordinates qₜ of ψₜ = Mqₜ (whiten) and the
// result mapped back, M(I − Â_q)⁻¹Ω(ê_q, L)(I − Â_q)⁻ᵀMᵀ.
//
// The lag L is set.Lags; zero means DefaultLags(n) and AutoLags ⌊b̂⌋, b̂
// the bandwidth of the estimating functions x̃ᵢwᵢrᵢ (estfun) after the
// same prewhitening. Since ψᵢ = (X̃ᵀWX̃)⁻¹x̃ᵢwᵢrᵢ is a fixed linear map of
// them, and the least-squares VAR is equivariant under such maps (Â_ψ =
// BÂB⁻¹, ê_ψ = Bê for ψ = Bg, B injective, with B⁻¹ a left inverse),
// prewhitening ψ, or q, gives the same covariance as prewhitening
// x̃ᵢwᵢrᵢ and sandwiching; it keeps the accuracy of ψ.
func neweyWest(dst *mat.SymDense, psi *mat.Dense, rows []int, res *linear.Result, x *mat.Dense, weights []float64, set *Settings) (hacInfo, error) {
	info := hacInfo{lag: set.Lags, bandwidth: math.NaN(), prewhite: set.Prewhite}
	n := len(rows)
	switch set.Lags {
	case 0:
		info.lag = DefaultLags(n)
	case AutoLags:
		if g, v := estfun(res, x, weights, rows); g != nil {
			bw, err := bandwidth(g, v, set.Prewhite)
			if err != nil {
				return info, err
			}
			info.bandwidth = bw
		}
		// NaN (all estimating functions zero, where R stops) gives lag 0.
		// A lag beyond the series keeps its kernel weights 1 − l/(L+1),
		// the lags l ≥ n adding nothing (R: "only first n used").
		bw := info.bandwidth
		if math.IsInf(bw, 0) || bw > math.MaxInt32 {
			return info, fmt.Errorf("stats: the Newey–West bandwidth is %g (ŝ⁽⁰⁾ = 0): no automatic lag", bw)
		}
		info.lag = 0
		if bw >= 1 {
			info.lag = int(math.Floor(bw))
		}
	}
	if !set.Prewhite {
		bartlett(dst, psi, rows, info.lag)
		return info, nil
	}
	_, p := psi.Dims()
	u := mat.NewDense(n, p, nil)
	for t, i := range rows {
		u.SetRow(t, psi.RawRowView(i))
	}
	q, m, err := whiten(u)
	if err != nil || q == nil { // q nil: every ψ zero, and so the covariance
		return info, err
	}
	a, e, err := var1(q)
	if err != nil {
		return info, err
	}
	_, r := q.Dims()
	omega := mat.NewSymDense(r, nil)
	bartlett(omega, e, seq(n-1), info.lag)
	// D = (I − Â)⁻¹, then dst = M D Ω Dᵀ Mᵀ.
	var ia, d mat.Dense
	ia.Sub(eye(r), a)
	if err := d.Inverse(&ia); err != nil {
		return info, fmt.Errorf("stats: prewhitening: I − A of the VAR(1) of the influence rows is singular (a unit root): %w", err)
	}
	var md, mdo, v mat.Dense
	md.Mul(m, &d)
	mdo.Mul(&md, omega)
	v.Mul(&mdo, md.T())
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			dst.SetSym(i, j, (v.At(i, j)+v.At(j, i))/2)
		}
	}
	return info, nil
}

// whiten writes the rows of u (n×p) as uₜ = Mqₜ, q (n×r) with orthonormal
// columns and M (p×r), r the numerical rank of u: from the SVD
// uS⁻¹ = UΣVᵀ of u with unit-norm columns (S their norms), q = U and
// M = SVΣ over the singular values above max(n, p)·ε of the largest. The
// VAR(1) of prewhitening is fitted to q instead of u: by its equivariance
// the covariance is the same, but the influence rows of an ill-conditioned
// design are nearly collinear and the VAR in their coordinates has an
// I − Â as ill-conditioned as X̃ᵀWX̃ (on Longley 10¹⁷, 8 digits left),
// where in those of q it is as well conditioned as the autocorrelation.
// It also leaves out the directions that the influence rows of a
// rank-deficient fit do not span. q is nil when u is zero.
func whiten(u *mat.Dense) (q, m *mat.Dense, err error) {
	n, p := u.Dims()
	s := make([]float64, p)
	for j := range s {
		s[j] = mat.Norm(u.ColView(j), 2)
		if s[j] == 0 {
			s[j] = 1
		}
	}
	scaled := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		src, dst := u.RawRowView(i), scaled.RawRowView(i)
		for j, v := range src {
			dst[j] = v / s[j]
		}
	}
	var svd mat.SVD
	if !svd.Factorize(scaled, mat.SVDThin) {
		return nil, nil, errors.New("stats: prewhitening: the SVD of the influence rows failed")
	}
	sv := svd.Values(nil)
	if sv[0] == 0 {
		return nil, nil, nil
	}
	r := svd.Rank(float64(max(n, p)) * eps)
	var uu, vv mat.Dense
	svd.UTo(&uu)
	svd.VTo(&vv)
	q = mat.DenseCopyOf(uu.Slice(0, n, 0, r))
	m = mat.NewDense(p, r, nil)
	for i := 0; i < p; i++ {
		for k := 0; k < r; k++ {
			m.Set(i, k, s[i]*vv.At(i, k)*sv[k])
		}
	}
	return q, m, nil
}

// bartlett sets dst to Σ_{|l|≤L} (1 − |l|/(L+1)) Σ_t uₜuₜ₋ₗᵀ over the rows
// u_t = a[rows[t]] (Newey & West 1987; lags beyond the series add nothing).
func bartlett(dst *mat.SymDense, a *mat.Dense, rows []int, L int) {
	_, p := a.Dims()
	outer(dst, a, rows)
	for l := 1; l <= L && l < len(rows); l++ {
		wl := 1 - float64(l)/float64(L+1)
		for i := 0; i < p; i++ {
			for j := i; j < p; j++ {
				var s float64
				for t := l; t < len(rows); t++ {
					u, v := a.RawRowView(rows[t]), a.RawRowView(rows[t-l])
					s += u[i]*v[j] + v[i]*u[j]
				}
				dst.SetSym(i, j, dst.At(i, j)+wl*s)
			}
		}
	}
}

// var1 fits the first-order vector autoregression uₜ = Auₜ₋₁ + eₜ,
// t = 2..n, without intercept by least squares (R's ar(u, order.max = 1,
// aic = FALSE, demean = FALSE, method = "ols"), which sandwich uses to
// prewhiten) and returns Â (k×k) and the residual rows ê ((n − 1)×k).
//
// Âᵀ = U₀⁺U₁ (U₀ the rows 1..n−1, U₁ the rows 2..n) through the SVD of U₀
// with unit-norm columns (as ar's rescaling, which leaves Â and ê
// unchanged); singular values below max(n, k)·ε of the largest count as
// zero, so should the lagged rows be collinear (the callers pass
// independent columns) Â is the minimum-norm fit. It returns an error when
// the VAR has no residual degrees of freedom (n − 1 ≤ rank U₀).
func var1(u *mat.Dense) (a, e *mat.Dense, err error) {
	n, k := u.Dims()
	if n < 2 {
		return nil, nil, errors.New("stats: prewhitening needs at least 2 observations")
	}
	prev := mat.DenseCopyOf(u.Slice(0, n-1, 0, k))
	next := u.Slice(1, n, 0, k)
	s := make([]float64, k)
	for j := range s {
		s[j] = mat.Norm(prev.ColView(j), 2)
		if s[j] == 0 {
			s[j] = 1
		}
	}
	for i := 0; i < n-1; i++ {
		row := prev.RawRowView(i)
		for j := range row {
			row[j] /= s[j]
		}
	}
	var svd mat.SVD
	if !svd.Factorize(prev, mat.SVDThin) {
		return nil, nil, errors.New("stats: prewhitening: the SVD of the lagged influence rows failed")
	}
	rank := 0
	if svd.Values(nil)[0] > 0 {
		rank = svd.Rank(float64(max(n, k)) * eps)
	}
	if n-1 <= rank {
		return nil, nil, fmt.Errorf("stats: prewhitening needs more than %d observations (the VAR(1) of %d coefficients' estimating functions has no residual degrees of freedom)", rank+1, rank)
	}
	ct := mat.NewDense(k, k, nil) // Âᵀ for the scaled columns
	if rank > 0 {
		svd.SolveTo(ct, next, rank)
	}
	e = mat.NewDense(n-1, k, nil)
	e.Mul(prev, ct)
	e.Sub(next, e)
	a = mat.NewDense(k, k, nil)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			a.Set(i, j, ct.At(j, i)/s[j])
		}
	}
	return a, e, nil
}

// bandwidth is the automatic bandwidth of Newey & West (1994), section 3,
// for the Bartlett kernel, with the choices of sandwich::bwNeweyWest: the
// scalar series hₜ = vᵀgₜ of the estimating functions g (n rows in time
// order) weighted by v, after VAR(1) prewhitening of g when prewhite (var1;
// then N = n − 1 residual rows, otherwise N = n), and with
//
//	m    = ⌊c(n/100)^{2/9}⌋,  c = 4, or 3 with prewhitening (lagRule)
//	σ̂ⱼ   = Σ_{t>j} hₜhₜ₋ⱼ / N,  j = 0..m
//	ŝ⁽⁰⁾ = σ̂₀ + 2Σ_{j=1}^m σ̂ⱼ,  ŝ⁽¹⁾ = 2Σ_{j=1}^m j·σ̂ⱼ
//	γ̂    = 1.1447·((ŝ⁽¹⁾/ŝ⁽⁰⁾)²)^{1/3}
//
// it returns b̂ = γ̂·n^{1/3} (n the observations before prewhitening). It is
// NaN when h is zero (a perfect fit). Lags j ≥ N, which only very short
// series reach, add nothing.
func bandwidth(g *mat.Dense, v []float64, prewhite bool) (float64, error) {
	n, _ := g.Dims()
	c := 4.0
	series := g
	if prewhite {
		c = 3
		_, e, err := var1(g)
		if err != nil {
			return 0, err
		}
		series = e
	}
	nr, _ := series.Dims()
	h := mat.NewVecDense(nr, nil)
	h.MulVec(series, mat.NewVecDense(len(v), v))
	m := lagRule(c, n)
	var s0, s1 float64
	for j := 0; j <= m && j < nr; j++ {
		var sj float64
		for t := j; t < nr; t++ {
			sj += h.AtVec(t) * h.AtVec(t-j)
		}
		sj /= float64(nr)
		if j == 0 {
			s0 += sj
		} else {
			s0 += 2 * sj
			s1 += 2 * float64(j) * sj
		}
	}
	r := s1 / s0
	return 1.1447 * math.Cbrt(r*r) * math.Cbrt(float64(n)), nil
}

// estfun returns the estimating functions gᵢ = x̃ᵢwᵢrᵢ of the observations
// rows (sandwich::estfun of an lm) over the columns of x̃ that are not
// aliased, scaled by their largest magnitude (b̂ is invariant under it, and
// sums of their squares cannot overflow), and the weights v of
// bwNeweyWest: 1 for every coefficient but 0 for the intercept; without an
// intercept, 0 for a column of X equal to 1 in every observation (an
// intercept by another name, which bwNeweyWest recognises by gᵢⱼ = wᵢrᵢ);
// all 1 if that leaves none, and 1 for a single coefficient. g is nil when
// no coefficient is estimated (every column aliased, no intercept).
func estfun(res *linear.Result, x *mat.Dense, weights []float64, rows []int) (*mat.Dense, []float64) {
	_, d := x.Dims()
	aliased := make([]bool, d)
	for _, j := range res.Aliased {
		aliased[j] = true
	}
	var cols []int // columns of X kept; −1 the intercept
	if res.HasIntercept {
		cols = append(cols, -1)
	}
	for j := 0; j < d; j++ {
		if !aliased[j] {
			cols = append(cols, j)
		}
	}
	if len(cols) == 0 {
		return nil, nil
	}
	g := mat.NewDense(len(rows), len(cols), nil)
	v := make([]float64, len(cols))
	for k, j := range cols {
		v[k] = 1
		if j < 0 {
			v[k] = 0
		} else if !res.HasIntercept {
			ones := true
			for _, i := range rows {
				ones = ones && x.At(i, j) == 1
			}
			if ones {
				v[k] = 0
			}
		}
	}
	if len(v) < 2 || allZero(v) {
		for k := range v {
			v[k] = 1
		}
	}
	big := 0.0
	for t, i := range rows {
		wr := weight(weights, i) * res.Residuals[i]
		row := g.RawRowView(t)
		for k, j := range cols {
			row[k] = wr
			if j >= 0 {
				row[k] *= x.At(i, j)
			}
			big = math.Max(big, math.Abs(row[k]))
		}
	}
	if big > 0 && !math.IsInf(big, 0) {
		g.Scale(1/big, g)
	}
	return g, v
}

func allZero(v []float64) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// seq is 0, 1, …, n−1.
func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// eye is the k×k identity.
func eye(k int) *mat.Dense {
	m := mat.NewDense(k, k, nil)
	for i := 0; i < k; i++ {
		m.Set(i, i, 1)
	}
	return m
}
