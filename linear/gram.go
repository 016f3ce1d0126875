package linear

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/lsqgo/lsq/internal/kernel"
	"gonum.org/v1/gonum/mat"
)

// This file is the fast float64 path for tall problems: the Gram matrix of
// the centred design in one parallel, cache-blocked pass, its Cholesky
// factor R, and the corrected semi-normal equations
//
//	RᵀR·γ₀ = Ãᵀb,   r_k = b − Ãγ_k,   RᵀR·δ_k = Ãᵀr_k,   γ_{k+1} = γ_k + δ_k,
//
// iterated while the corrections shrink (Björck, Numerical Methods for Least
// Squares Problems, SIAM 1996, §2.4.6 and §6.6.5). Each refinement costs one
// pass over X. The contraction factor of the iteration is about
// ε_G·cond², ε_G the relative error of the computed Gram matrix, and its
// fixed point has the forward error of a backward-stable QR solve, of order
// cond·ε (plus cond²·ε·‖r‖/(‖Ã‖‖γ‖)). The path declines when the Cholesky
// factorisation fails or the condition number of the standardised design
// exceeds gramCondLimit, where the singular values and the covariance taken
// from R, whose relative error is of order ε_G·cond², would lose more than
// about six digits. Solve then takes a QR factor of the design: for tall
// designs (tsqrEligible) from deflated CholeskyQR2 (cholqr.go), which
// starts from this Gram matrix and needs one more pass, or from TSQR
// (tsqr.go) when that declines; for the others from Householder QR.
//
// Determinism: the rows are cut into blocks whose boundaries depend only on
// n and d; every block accumulates in row order into its own slot and the
// slots are added in block order, so the result is bit-identical for any
// GOMAXPROCS.

// gramCondLimit is the largest condition number of the standardised design
// that the Gram path accepts.
const gramCondLimit = 1e4

const (
	gramPanelRows  = 128     // most rows per panel; a panel of at most gramPanelVals stays in L2 while every tile reads it
	gramPanelVals  = 1 << 16 // values per panel (512 KiB)
	gramMinRows    = 2048    // fewest rows per block
	gramMaxBlocks  = 64      // most blocks: enough to balance any core count in use here
	gramSlotBudget = 1 << 22 // values in all blocks' Gram slots together (32 MiB), or a quarter of X's if more
	gramSample     = 1024    // rows sampled for the provisional means
)

// rowBlocks is a partition of n rows into nb contiguous blocks.
type rowBlocks struct {
	n, nb int
}

func newRowBlocks(n, d int) rowBlocks {
	m := gramWidth(d)
	budget := max(gramSlotBudget, n*d/4)
	nb := min(gramMaxBlocks, max(1, n/gramMinRows), max(1, budget/(m*m)))
	return rowBlocks{n: n, nb: nb}
}

func (rb rowBlocks) bounds(b int) (lo, hi int) {
	return b * rb.n / rb.nb, (b + 1) * rb.n / rb.nb
}

// run calls f(worker, block) for every block on min(GOMAXPROCS, nb)
// goroutines; worker < workers() indexes per-goroutine scratch space.
func (rb rowBlocks) run(f func(worker, block int)) {
	w := rb.workers()
	if w == 1 {
		for b := 0; b < rb.nb; b++ {
			f(0, b)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for {
				b := int(next.Add(1) - 1)
				if b >= rb.nb {
					return
				}
				f(k, b)
			}
		}(k)
	}
	wg.Wait()
}

func (rb rowBlocks) workers() int { return max(1, min(runtime.GOMAXPROCS(0), rb.nb)) }

// packs reports whether a Gram panel of width m is packed: kernel.Packs,
// which tests replace to compare the bits of both layouts.
var packs = kernel.Packs

// gramWidth is the padded width of a panel row [√w, √w(x−m̂), √w(y−m̂_y)].
func gramWidth(d int) int { return (d + 2 + 7) &^ 7 }

// gramEligible reports whether fitGram would try an n×d problem: QR
// without ridge, 0 < d < n−1. Once it tries, it checks every value.
func gramEligible(n, d int, s *Settings) bool {
	return d > 0 && n > d+1 && s.Ridge == 0 && s.Method == QR
}

// fitGram fits by the Gram path. It returns ok = false, with no error, when
// the problem is not one for this path (ridge, d = 0, n ≤ d+1, a singular or
// ill-conditioned design, a rank tolerance near 1/cond, a refinement that
// does not converge): the caller then uses a QR factorisation. With ok = true
// it may return a *DataError for the first non-finite value in row order
// (y before the row's x), as Solve does; when it declines, it has found the
// data finite. The weights have been checked.
func fitGram(x *mat.Dense, y []float64, s *Settings) (res *Result, ok bool, err error) {
	res, _, ok, err = fitGramStart(x, y, s)
	return res, ok, err
}

// gramStart is what a declined Gram attempt hands on to fitTall: the
// weighted means and scales it found (those of parallelMoments, to
// rounding) and the Gram matrix of the standardised [A | b], upper
// triangle with stride cqrWidth(d): the first pass of cholqrFactor.
type gramStart struct {
	m  moments
	g0 []float64
}

// fitGramStart is fitGram, returning also, when it declines after forming
// a finite Gram matrix with no constant column, its gramStart.
func fitGramStart(x *mat.Dense, y []float64, s *Settings) (res *Result, start *gramStart, ok bool, err error) {
	n, d := x.Dims()
	if !gramEligible(n, d, s) {
		return nil, nil, false, nil
	}
	raw := x.RawMatrix()
	f := &gramFit{xs: raw.Data, stride: raw.Stride, y: y, w: s.Weights, n: n, d: d,
		intercept: !s.NoIntercept, rb: newRowBlocks(n, d)}
	mh := f.provisionalMeans()
	g := f.gram(mh)
	if ok, err := f.checkGram(g); !ok || err != nil {
		return nil, nil, err != nil, err
	}
	c, ok := centre(g, mh, d, f.intercept)
	if !ok {
		return nil, nil, false, nil // a constant column: QR reports it aliased
	}
	gs := mat.NewSymDense(d, nil)
	rhs := mat.NewVecDense(d, nil)
	for j := 0; j < d; j++ {
		for k := j; k < d; k++ {
			gs.SetSym(j, k, c.cent(j, k)/(c.scales[j]*c.scales[k]))
		}
		rhs.SetVec(j, c.cent(j, d)/c.scales[j])
	}
	var ch mat.Cholesky
	if !ch.Factorize(gs) {
		return nil, c.start(), false, nil
	}
	var u mat.TriDense
	ch.UTo(&u)
	sv, cond := singularValuesOfR(u.At, d, d)
	rcond := rankTol(s.RCond, observations(s.Weights, n), d)
	// A pivoted QR keeps every column when rcond < 1/cond, since
	// |R_kk|/|R_11| ≥ σ_min/σ_max for any triangular factor.
	if !(cond <= gramCondLimit) || 2*rcond*cond >= 1 {
		return nil, c.start(), false, nil
	}
	gamma := mat.NewVecDense(d, nil)
	if err := ch.SolveVecTo(gamma, rhs); err != nil || !f.refine(&ch, gamma, c) {
		return nil, c.start(), false, nil
	}
	res, ok = f.result(&ch, gamma, c, sv, cond, observations(s.Weights, n))
	if !ok {
		return nil, c.start(), false, nil
	}
	return res, nil, true, nil
}

// gramFit is the data of one Gram-path fit and its fixed row blocks.
type gramFit struct {
	xs        []float64
	stride    int
	y, w      []float64
	n, d      int
	intercept bool
	rb        rowBlocks
}

// wts is the weights of rows [lo, hi), nil for none.
func (f *gramFit) wts(lo, hi int) []float64 {
	if f.w == nil {
		return nil
	}
	return f.w[lo:hi]
}

// provisionalMeans returns m̂ (x then y; zero without intercept), the
// shift of the Gram pass: kernel.SampleMeans of gramSample rows.
func (f *gramFit) provisionalMeans() []float64 {
	if !f.intercept {
		return make([]float64, f.d+1)
	}
	return kernel.SampleMeans(f.xs, f.stride, f.n, f.d, f.y, f.w, gramSample)
}

// gram is the Gram pass: G = ZᵀZ (upper triangle, stride gramWidth(d)),
// Z's rows [√wᵢ, √wᵢ(xᵢ−m̂), √wᵢ(yᵢ−m̂_y), 0…], each block's panels
// accumulated in row order and the blocks added in block order. The panels
// are kernel.Panels, packed when wide (packs): the same bits either way.
func (f *gramFit) gram(mh []float64) []float64 {
	d, xs, stride, y, rb := f.d, f.xs, f.stride, f.y, f.rb
	m := gramWidth(d)
	slots := make([]float64, rb.nb*m*m)
	pr := max(8, min(gramPanelRows, gramPanelVals/m)) // rows per panel
	panels := make([]*kernel.Panel, rb.workers())
	for k := range panels {
		panels[k] = kernel.NewPanel(m, pr, packs(m))
	}
	rb.run(func(k, b int) {
		c := slots[b*m*m : (b+1)*m*m]
		lo, hi := rb.bounds(b)
		for i0 := lo; i0 < hi; i0 += pr {
			panels[k].AddGram(c, min(hi, i0+pr)-i0, func(p []float64, r0, r1 int) {
				a, z := i0+r0, i0+r1
				kernel.ShiftedRows(p, m, xs[a*stride:], stride, z-a, mh, y[a:z], f.wts(a, z))
			})
		}
	})
	g := slots[:m*m]
	for b := 1; b < rb.nb; b++ {
		for t, v := range slots[b*m*m : (b+1)*m*m] {
			g[t] += v
		}
	}
	return g
}

// centredGram is the Gram matrix G of the pass, centred exactly on the
// weighted means: with δ = Σw(z−m̂)/Σw (row 0 of G), the Gram matrix about
// the true mean is G' − Σw·δδᵀ.
type centredGram struct {
	g                    []float64
	m, d                 int
	intercept            bool
	delta, means, scales []float64
	my, sumW             float64
}

// centre returns the centred Gram matrix with the means and scales, and
// false for a constant column.
func centre(g, mh []float64, d int, intercept bool) (*centredGram, bool) {
	c := &centredGram{g: g, m: gramWidth(d), d: d, intercept: intercept, sumW: g[0],
		delta: make([]float64, d+1), means: make([]float64, d), scales: make([]float64, d)}
	if intercept {
		for j := range c.delta {
			c.delta[j] = g[1+j] / g[0]
		}
		for j := range c.means {
			c.means[j] = mh[j] + c.delta[j]
		}
		c.my = mh[d] + c.delta[d]
	}
	for j := range c.scales {
		v := c.cent(j, j)
		if !(v > 0) {
			return nil, false
		}
		c.scales[j] = math.Sqrt(v / c.sumW)
	}
	return c, true
}

// cent is entry (j, k), j ≤ k, of the centred Gram matrix of [x…, y].
func (c *centredGram) cent(j, k int) float64 {
	gz := c.g[(1+j)*c.m+1+k]
	if !c.intercept {
		return gz
	}
	return gz - c.g[0]*c.delta[j]*c.delta[k]
}

// start is what a declined attempt hands on: the moments and the Gram
// matrix of the standardised [A | b].
func (c *centredGram) start() *gramStart {
	d := c.d
	p, mw := d+1, cqrWidth(d)
	g0 := make([]float64, mw*mw)
	sc := func(j int) float64 {
		if j < d {
			return c.scales[j]
		}
		return 1
	}
	for j := 0; j < p; j++ {
		for k := j; k < p; k++ {
			g0[j*mw+k] = c.cent(j, k) / (sc(j) * sc(k))
		}
	}
	return &gramStart{m: moments{means: c.means, scales: c.scales, my: c.my, sumW: c.sumW}, g0: g0}
}

// refine runs the corrected semi-normal equations on gamma in place, one
// pass over X per correction: h = Σ wᵢ tᵢ (xᵢ − m), tᵢ = yᵢ − m_y −
// (xᵢ − m)·β, β = γ/s, so that (Ãᵀr)_j = h_j/s_j. It reports whether the
// corrections converged.
func (f *gramFit) refine(ch *mat.Cholesky, gamma *mat.VecDense, c *centredGram) bool {
	d, xs, stride, y, rb := f.d, f.xs, f.stride, f.y, f.rb
	beta := make([]float64, d)
	hs := make([]float64, rb.nb*d)
	bufs := make([][]float64, rb.workers())
	for k := range bufs {
		bufs[k] = make([]float64, d)
	}
	corr := mat.NewVecDense(d, nil)
	atr := mat.NewVecDense(d, nil)
	prev := math.Inf(1)
	gv := gamma.RawVector().Data
	for iter := 0; iter < 8; iter++ {
		for j := range beta {
			beta[j] = gv[j] / c.scales[j]
		}
		clear(hs)
		rb.run(func(k, b int) {
			lo, hi := rb.bounds(b)
			kernel.RefineRows(hs[b*d:(b+1)*d], bufs[k], xs[lo*stride:], stride, hi-lo, c.means, beta, y[lo:hi], f.wts(lo, hi), c.my)
		})
		a := atr.RawVector().Data
		clear(a)
		for b := 0; b < rb.nb; b++ {
			for j, v := range hs[b*d : (b+1)*d] {
				a[j] += v
			}
		}
		for j := range a {
			a[j] /= c.scales[j]
		}
		if err := ch.SolveVecTo(corr, atr); err != nil {
			return false
		}
		// Accept a correction while they shrink. The iteration converges
		// linearly at a rate q ≈ ε_G·cond² (the relative error of the
		// first solve, then the ratio of successive corrections): stop
		// when the next correction, ≈ q·‖δ‖, would be below ε·‖γ‖.
		cn := mat.Norm(corr, math.Inf(1))
		if !(cn < prev) {
			return cn <= 2*eps*mat.Norm(gamma, math.Inf(1)) // stalled at rounding level
		}
		gamma.AddVec(gamma, corr)
		gn := mat.Norm(gamma, math.Inf(1))
		q := cn / gn
		if iter > 0 {
			q = cn / prev
		}
		if q*cn <= eps*gn {
			return true
		}
		if q > 0.5 {
			// Converging too slowly to trust: the Gram matrix is too far
			// from the data's (Householder QR decides).
			return false
		}
		prev = cn
	}
	return false
}

// checkGram reports whether the Gram matrix of the pass is one to go on
// with: a NaN or ±Inf anywhere makes a diagonal entry non-finite (0·Inf is
// NaN, so zero-weight rows count too), and only then is the data searched
// for it (a *DataError; finite data whose squares overflow declines without
// one); all weights zero is an error.
func (f *gramFit) checkGram(g []float64) (bool, error) {
	m := gramWidth(f.d)
	for j := 0; j < f.d+2; j++ {
		if !isFinite(g[j*m+j]) {
			if i, j := firstNonFinite(f.xs, f.stride, f.n, f.d, f.y); i >= 0 {
				v := f.y[i]
				if j >= 0 {
					v = f.xs[i*f.stride+j]
				}
				return false, &DataError{Row: i, Col: j, Value: fmt.Sprint(v), Reason: "not a finite number"}
			}
			return false, nil
		}
	}
	if g[0] == 0 { // Σ√wᵢ·√wᵢ
		return false, fmt.Errorf("linear: all %d weights are zero", f.n)
	}
	return true, nil
}

// result is the fit from the refined γ on the standardised scale: the
// coefficients and intercept in the original units, the unscaled
// covariance from the inverse of the Cholesky factor's matrix, and the
// residuals (one pass). It reports false when that inverse fails.
func (f *gramFit) result(ch *mat.Cholesky, gamma *mat.VecDense, c *centredGram, sv []float64, cond float64, nobs int) (*Result, bool) {
	d := f.d
	res := &Result{
		Coef:           make([]float64, d),
		HasIntercept:   f.intercept,
		Method:         QR,
		Precision:      Double,
		Rank:           d,
		Cond:           cond,
		SingularValues: sv,
		N:              nobs,
		DF:             dfOf(nobs, d, f.intercept),
		SumWeights:     c.sumW,
		Residuals:      make([]float64, f.n),
	}
	for j := range res.Coef {
		res.Coef[j] = gamma.AtVec(j) / c.scales[j]
	}
	if f.intercept {
		res.Intercept = c.my
		for j, b := range res.Coef {
			res.Intercept -= c.means[j] * b
		}
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, false
	}
	cov := make([][]float64, d)
	for i := range cov {
		cov[i] = make([]float64, d)
		for j := range cov[i] {
			cov[i][j] = inv.At(i, j) / (c.scales[i] * c.scales[j])
		}
	}
	res.Unscaled = assembleUnscaledFloat(cov, c.means, c.sumW, f.intercept)
	f.residuals(res, c.my)
	return res, true
}

// residuals fills res.Residuals, yᵢ − b − xᵢ·β in the original units, and
// res.RSS and res.TSS (about the weighted mean my), in one pass.
func (f *gramFit) residuals(res *Result, my float64) {
	xs, stride, y, rb := f.xs, f.stride, f.y, f.rb
	ss := make([]float64, 2*rb.nb)
	coef, b0 := res.Coef, res.Intercept
	rb.run(func(_, b int) {
		lo, hi := rb.bounds(b)
		ss[2*b], ss[2*b+1] = kernel.ResidualRows(res.Residuals[lo:hi], xs[lo*stride:], stride, hi-lo, coef, b0, y[lo:hi], f.wts(lo, hi), my)
	})
	for b := 0; b < rb.nb; b++ {
		res.RSS += ss[2*b]
		res.TSS += ss[2*b+1]
	}
}

// firstNonFinite returns the first non-finite value of the data in row
// order (y before the row's x), as Solve reports it, checking row blocks in
// parallel: row −1 when all are finite, col −1 for y.
func firstNonFinite(xs []float64, stride, n, d int, y []float64) (row, col int) {
	rb := rowBlocks{n: n, nb: min(gramMaxBlocks, max(1, n/gramMinRows))}
	type hit struct{ row, col int }
	hits := make([]hit, rb.nb)
	rb.run(func(_, b int) {
		hits[b] = hit{-1, 0}
		lo, hi := rb.bounds(b)
		for i := lo; i < hi; i++ {
			if !isFinite(y[i]) {
				hits[b] = hit{i, -1}
				return
			}
			for j, v := range xs[i*stride : i*stride+d] {
				if v-v != 0 { // NaN or ±Inf
					hits[b] = hit{i, j}
					return
				}
			}
		}
	})
	for _, h := range hits {
		if h.row >= 0 {
			return h.row, h.col
		}
	}
	return -1, 0
}
