package enet

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
)

// problem is the centred, scaled least-squares problem in the coordinates
// β_j = s_j·w_j, held as statistics of the raw data:
//
//	minimise ½ Σ v_i (yc_i − Σ_j z_ij β_j)² + penalty(β),   z_ij = (x_ij − m_j)/s_j
//
// with v_i = w_i/Σw summing to one and yc = y − ȳ. X itself is read in place.
// A training set of CV with covariance updates is built from moments alone
// (foldSet.train) and has v and yc nil: covariance updates never read them.
type problem struct {
	x         []float64 // raw row-major data of X
	stride    int
	n, d      int
	v         []float64 // normalised weights, Σv = 1
	m         []float64 // column means (zero without intercept)
	s         []float64 // column scales (one when unstandardised)
	ymean     float64
	yc        []float64 // centred response
	ycc       float64   // Σ v yc²
	c         []float64 // Zᵀ V yc
	diag      []float64 // G_jj = Σ v z_ij²
	excluded  []bool    // constant columns, coefficient fixed at zero
	gram      []float64 // G = ZᵀVZ, d×d row-major; nil for naive updates
	intercept bool
}

// newProblem computes the statistics of (x, y) under the settings. With
// withGram (covariance updates), the means, variances, Gram matrix and
// ZᵀV yc all come from one blocked pass over the rows (moments.go);
// otherwise the means and then the variances and ZᵀV yc take one pass each.
// It returns an error for non-finite data or weights.
func newProblem(x *mat.Dense, y []float64, st *settings, withGram bool) (*problem, error) {
	n, _ := x.Dims()
	if len(y) != n {
		panic(fmt.Sprintf("enet: %d responses for %d rows", len(y), n))
	}
	v, err := normWeights(st.weights, n)
	if err != nil {
		return nil, err
	}
	if withGram {
		return gramProblem(x, y, st, v)
	}
	p := bareProblem(x, st)
	p.v = v
	if err := nonFinite(p.x, p.stride, n, p.d, y); err != nil {
		return nil, err
	}
	if p.intercept {
		p.means(y)
	}
	if err := p.centreY(y); err != nil {
		return nil, err
	}
	// Variances and Zᵀ V yc (unscaled) in one pass over the rows.
	for i := 0; i < n; i++ {
		vi := p.v[i]
		if vi == 0 {
			continue
		}
		row := p.x[i*p.stride : i*p.stride+p.d]
		vy := vi * p.yc[i]
		for j, xv := range row {
			t := xv - p.m[j]
			p.diag[j] += vi * t * t
			p.c[j] += vy * t
		}
	}
	p.standardise(st)
	return p, nil
}

// gramProblem is newProblem with the Gram matrix, from the moments of one
// pass over the rows about a provisional shift. The centred response yc is
// formed for the callers that read rows (RidgeLOO).
func gramProblem(x *mat.Dense, y []float64, st *settings, v []float64) (*problem, error) {
	p := bareProblem(x, st)
	shift := provisionalShift(p.x, p.stride, p.n, p.d, y, v, p.intercept)
	a, ok, _ := moments(p.x, p.stride, p.n, p.d, y, st.weights, v, shift, nil)
	if !ok {
		return nil, momentError(x, y, st, v)
	}
	return momentProblem(x, y, st, v, a, shift), nil
}

// momentProblem is the problem whose rows have the augmented moments a
// about shift, with weights v and centred response yc.
func momentProblem(x *mat.Dense, y []float64, st *settings, v, a, shift []float64) *problem {
	p := bareProblem(x, st)
	p.v = v
	p.fromMoments(a, shift)
	p.standardise(st)
	p.yc = make([]float64, p.n)
	if p.ycc > 0 {
		for i, yi := range y {
			p.yc[i] = yi - p.ymean
		}
	}
	return p
}

// momentError explains non-finite moments: a NaN or ±Inf in the data, a
// target whose variance overflows (centreY's error), or else squares of X
// beyond float64.
func momentError(x *mat.Dense, y []float64, st *settings, v []float64) error {
	p := bareProblem(x, st)
	p.v = v
	if err := nonFinite(p.x, p.stride, p.n, p.d, y); err != nil {
		return err
	}
	if p.intercept {
		p.means(y)
	}
	if err := p.centreY(y); err != nil {
		return err
	}
	return fmt.Errorf("enet: the weighted squares of X overflow float64; divide the large columns by a power of ten")
}

// bareProblem allocates the statistics of an n×d problem, all zero.
func bareProblem(x *mat.Dense, st *settings) *problem {
	n, d := x.Dims()
	raw := x.RawMatrix()
	p := emptyProblem(n, d, st)
	p.x, p.stride = raw.Data, raw.Stride
	return p
}

// emptyProblem is bareProblem without rows: the statistics of an n×d
// problem, all zero, and no X (a problem built from moments alone).
func emptyProblem(n, d int, st *settings) *problem {
	return &problem{
		n: n, d: d,
		m: make([]float64, d), s: make([]float64, d),
		c: make([]float64, d), diag: make([]float64, d),
		excluded:  make([]bool, d),
		intercept: !st.noIntercept,
	}
}

// normWeights returns the weights normalised to sum to one (1/n each when
// w is nil), or an error for a negative or non-finite weight or fewer than
// two positive ones.
func normWeights(w []float64, n int) ([]float64, error) {
	v := make([]float64, n)
	if w == nil {
		for i := range v {
			v[i] = 1 / float64(n)
		}
		return v, nil
	}
	var sum float64
	positive := 0
	for i, wi := range w {
		if !(wi >= 0) || math.IsInf(wi, 0) {
			return nil, fmt.Errorf("enet: weight %v at row %d is not finite and non-negative", wi, i)
		}
		if wi > 0 {
			positive++
		}
		sum += wi
	}
	if positive < 2 {
		return nil, fmt.Errorf("enet: %d rows have positive weight, need at least 2", positive)
	}
	for i, wi := range w {
		v[i] = wi / sum
	}
	return v, nil
}

// nonFinite returns an error for the first NaN or ±Inf in row order, the
// response before the row's values, or nil.
func nonFinite(x []float64, stride, n, d int, y []float64) error {
	for i := 0; i < n; i++ {
		if !finite(y[i]) {
			return fmt.Errorf("enet: response %v at row %d is not finite", y[i], i)
		}
		for j, xv := range x[i*stride : i*stride+d] {
			if !finite(xv) {
				return fmt.Errorf("enet: value %v at row %d, column %d is not finite", xv, i, j)
			}
		}
	}
	return nil
}

// means sets the weighted column means and ȳ in one pass over the rows.
func (p *problem) means(y []float64) {
	for i := 0; i < p.n; i++ {
		vi := p.v[i]
		for j, xv := range p.x[i*p.stride : i*p.stride+p.d] {
			p.m[j] += vi * xv
		}
		p.ymean += vi * y[i]
	}
}

// centreY sets yc = y − ȳ and Σ v yc², zeroing both for a constant y, or
// returns an *OverflowError when that variance is beyond float64.
func (p *problem) centreY(y []float64) error {
	p.yc = make([]float64, p.n)
	var ymax float64 // max |yc|, to scale Σ v yc² if it overflows
	for i := range y {
		p.yc[i] = y[i] - p.ymean
		p.ycc += p.v[i] * p.yc[i] * p.yc[i]
		ymax = math.Max(ymax, math.Abs(p.yc[i]))
	}
	if math.IsInf(p.ycc, 0) || math.IsNaN(p.ycc) {
		// The squares overflow although the data are finite (|y| beyond
		// about 1e154): Σ v yc² = s²·Σ v (yc/s)² with s a power of two
		// near max |yc|, exact scaling, is finite when the variance is.
		s := math.Ldexp(1, math.Ilogb(ymax))
		var q float64
		for i, t := range p.yc {
			q += p.v[i] * (t / s) * (t / s)
		}
		// The variance itself may still be beyond float64, and the
		// solvers work with it and with squared residuals of its size.
		if p.ycc = q * s * s; math.IsInf(p.ycc, 0) || math.IsNaN(p.ycc) || math.IsInf(p.ymean, 0) || math.IsNaN(p.ymean) {
			return &OverflowError{MaxDeviation: ymax, ScaledVariance: q, Scale: s}
		}
	}
	if constantTarget(p.ycc, p.ymean) {
		// Constant y, to rounding: nothing to explain.
		clear(p.yc)
		p.ycc = 0
	}
	return nil
}

// constantTarget reports whether y is constant to rounding, from its
// centred sum of squares ycc and its mean, compared as √ycc ≤ 1e-14|ȳ| so
// that a large ȳ cannot overflow the test (ȳ² would for |ȳ| > 1.3e154).
func constantTarget(ycc, ymean float64) bool {
	return math.Sqrt(ycc) <= 1e-14*math.Abs(ymean)
}

// standardise excludes the constant columns and scales the statistics to
// the coordinates β_j = s_j·w_j. On entry p.diag holds the weighted
// variances (second moments without intercept), and p.c and p.gram (if
// any) are unscaled.
func (p *problem) standardise(st *settings) {
	d := p.d
	for j := 0; j < d; j++ {
		p.s[j] = 1
		vj := p.diag[j]
		if lsq.ConstantColumn(vj, p.m[j]) {
			// Constant column, by the convention of every lsq solver:
			// nothing to learn from it.
			p.excluded[j] = true
			p.diag[j] = 1
			p.c[j] = 0
			continue
		}
		if !st.unstandardized {
			p.s[j] = math.Sqrt(vj)
		}
	}
	for j := 0; j < d; j++ {
		if p.excluded[j] {
			continue
		}
		sj := p.s[j]
		p.c[j] /= sj
		p.diag[j] /= sj * sj
		if p.gram != nil {
			for k := 0; k < d; k++ {
				p.gram[j*d+k] /= sj * p.s[k]
			}
		}
	}
	if !st.unstandardized {
		for j := range p.diag {
			if !p.excluded[j] {
				p.diag[j] = 1 // exactly, not to rounding
			}
		}
	}
	if p.gram != nil {
		for j := 0; j < d; j++ {
			if p.excluded[j] {
				for k := 0; k < d; k++ {
					p.gram[j*d+k], p.gram[k*d+j] = 0, 0
				}
			}
			p.gram[j*d+j] = p.diag[j]
		}
	}
}

// gramBlock is the number of rows shifted at a time in momentRows: a
// panel of at most 128 rows of d+2 values (rounded up to a multiple of 8)
// that stays in L2 while kernel.GramUpdatePacked reads it once per 8×8
// tile.
const gramBlock = 128

// gramChunk is the least number of rows per partial sum of the moments;
// a group of rows has at most gramParts of them. Both are fixed, so the
// summation order, and the result to the last bit, depend on the sizes
// only and not on GOMAXPROCS. The chunk is small enough that a group of
// 10⁵ rows makes all 16 parts: the cores share the parts as they come, and
// 7 parts of 16384 rows left one of two cores idle for a seventh of the
// pass.
const (
	gramChunk = 4096
	gramParts = 16
)

// residual sets r = yc − Zβ in one pass over the rows; u is d scratch.
func (p *problem) residual(r, beta, u []float64) {
	var off float64
	for j, b := range beta {
		u[j] = b / p.s[j]
		off += p.m[j] * u[j]
	}
	d := p.d
	for i := range r {
		row := p.x[i*p.stride : i*p.stride+d]
		var t float64
		for j, xv := range row {
			t += xv * u[j]
		}
		r[i] = p.yc[i] - (t - off)
	}
}

// gradient sets g = ZᵀVr in one pass over the rows (row-wise axpy, cache
// friendly on row-major X). The centring is applied per element, in the
// same order as the pass that computes ZᵀV yc, so at β = 0 the two agree
// to the last bit and α_max gives exact zeros.
func (p *problem) gradient(g, r []float64) {
	clear(g)
	d := p.d
	m := p.m[:d]
	for i, ri := range r {
		a := p.v[i] * ri
		if a == 0 {
			continue
		}
		row := p.x[i*p.stride : i*p.stride+d]
		for j, xv := range row {
			g[j] += a * (xv - m[j])
		}
	}
	for j := range g {
		if p.excluded[j] {
			g[j] = 0
			continue
		}
		g[j] /= p.s[j]
	}
}

// alphaMax is the smallest α with all-zero coefficients for mixing ρ,
// with ρ floored at 1e-3 (glmnet's convention for ridge).
func (p *problem) alphaMax(l1Ratio float64) float64 {
	var mx float64
	for j, cj := range p.c {
		if !p.excluded[j] {
			mx = math.Max(mx, math.Abs(cj))
		}
	}
	r := math.Max(l1Ratio, ridgeFloor)
	a := mx / r
	// Round up until α·ρ ≥ max|c_j| in floating point, so the soft
	// threshold at α_max gives exact zeros.
	for a*r < mx {
		a = math.Nextafter(a, math.Inf(1))
	}
	return a
}

// ridgeFloor is the least ρ used to compute α_max, glmnet's 1e-3.
const ridgeFloor = 1e-3

// original converts standardised coefficients β to the original scale.
func (p *problem) original(beta []float64) (coef []float64, intercept float64) {
	coef = make([]float64, p.d)
	intercept = p.ymean
	for j, b := range beta {
		if p.excluded[j] || b == 0 {
			continue
		}
		coef[j] = b / p.s[j]
		intercept -= p.m[j] * coef[j]
	}
	return coef, intercept
}

// dualGap returns the primal objective and the duality gap at β, given the
// data-term gradient g = ZᵀVr on the coordinates in set (nil = all),
// R² = Σv r² and rᵀV yc. β must be zero outside set.
//
// The primal is P(β) = ½R² + l1‖β‖₁ + ½l2‖β‖². The Fenchel dual of it is
//
//	D(θ) = θᵀV yc − ½‖θ‖²_V − (1/2l2) Σ_j (|z_jᵀVθ| − l1)₊²
//
// (for l2 = 0 the last term is the constraint ‖ZᵀVθ‖∞ ≤ l1). Two dual
// points are tried and the better bound kept: θ = κr with κ = min(1, l1/‖g‖∞),
// which is feasible for any l2 (scikit-learn's choice for the lasso), and,
// when l2 > 0, θ = r itself, which is exact at the optimum for any l1.
func (p *problem) dualGap(beta, g []float64, set []int, l1, l2, r2, ryc float64) (primal, gap float64) {
	var l1n, l2n, gmax float64
	each := func(f func(j int)) {
		if set == nil {
			for j := range beta {
				f(j)
			}
			return
		}
		for _, j := range set {
			f(j)
		}
	}
	each(func(j int) {
		l1n += math.Abs(beta[j])
		l2n += beta[j] * beta[j]
		gmax = math.Max(gmax, math.Abs(g[j]))
	})
	primal = 0.5*r2 + l1*l1n + 0.5*l2*l2n
	if l1 == 0 && l2 == 0 {
		// Unpenalised least squares: no bounded dual; convergence rests
		// on the coefficient changes alone.
		return primal, math.NaN()
	}
	dual := math.Inf(-1)
	if gmax <= l1 || l1 > 0 {
		k := 1.0
		if gmax > l1 {
			k = l1 / gmax
		}
		dual = k*ryc - 0.5*k*k*r2
	}
	if l2 > 0 {
		var pen float64
		each(func(j int) {
			if t := math.Abs(g[j]) - l1; t > 0 {
				pen += t * t
			}
		})
		dual = math.Max(dual, ryc-0.5*r2-pen/(2*l2))
	}
	return primal, primal - dual
}

// OverflowError reports a target y whose weighted variance Σ vᵢ(yᵢ − ȳ)²
// (vᵢ the normalised weights) is finite in exact arithmetic but beyond
// float64 (it is Scale²·ScaledVariance): the coordinate-descent and FISTA
// objectives and duality gaps are sums of squares of that size. Dividing y
// by a power of ten fits the same model, with coefficients and α scaled by
// it.
type OverflowError struct {
	MaxDeviation   float64 // max |yᵢ − ȳ|
	ScaledVariance float64 // Σ vᵢ((yᵢ − ȳ)/Scale)²
	Scale          float64 // a power of two
}

func (e *OverflowError) Error() string {
	sd := math.Sqrt(e.ScaledVariance) * e.Scale
	return fmt.Sprintf("enet: the target overflows float64 when squared: its weighted variance is %.3g² (y deviates from its mean by up to %.3g), beyond the largest float64 1.8e308; divide y by a power of ten and fit again", sd, e.MaxDeviation)
}
