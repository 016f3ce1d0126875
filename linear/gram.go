package linear

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

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
// cond·ε (plus cond²·ε·‖r‖/(‖Ã‖‖γ‖)). The path declines (and Fit falls back
// to Householder QR) when the Cholesky factorisation fails or the condition
// number of the standardised design exceeds gramCondLimit, where the
// singular values and the covariance taken from R, whose relative error is
// of order ε_G·cond², would lose more than about six digits.
//
// Determinism: the rows are cut into blocks whose boundaries depend only on
// n and d; every block accumulates in row order into its own slot and the
// slots are added in block order, so the result is bit-identical for any
// GOMAXPROCS.

// gramCondLimit is the largest condition number of the standardised design
// that the Gram path accepts.
const gramCondLimit = 1e4

const (
	gramPanelRows  = 128     // rows per panel: 128·(d+2) values stay in L2 while every tile reads them
	gramMinRows    = 2048    // fewest rows per block
	gramMaxBlocks  = 64      // most blocks: enough to balance any core count in use here
	gramSlotBudget = 1 << 22 // values in all blocks' Gram slots together (32 MiB)
)

// gramTile8Go is the portable gramTile8: the same fused multiply-adds in
// the same order as the assembly.
func gramTile8Go(c []float64, ldc int, pj, pk []float64, ldp, rows int) {
	for a := 0; a < 8; a++ {
		for b := 0; b < 8; b++ {
			s := c[a*ldc+b]
			for i := 0; i < rows; i++ {
				s = math.FMA(pj[i*ldp+a], pk[i*ldp+b], s)
			}
			c[a*ldc+b] = s
		}
	}
}

// gramUpdate adds PᵀP to the upper triangle (8×8 tiles on or above the
// diagonal) of the m×m row-major C, P being rows×m row-major; m must be a
// multiple of 8. Entries below the diagonal inside diagonal tiles are also
// written and must be ignored.
func gramUpdate(c []float64, p []float64, m, rows int) {
	for j0 := 0; j0 < m; j0 += 8 {
		for k0 := j0; k0 < m; k0 += 8 {
			gramTile8(c[j0*m+k0:], m, p[j0:], p[k0:], m, rows)
		}
	}
}

// rowBlocks is a partition of n rows into nb contiguous blocks.
type rowBlocks struct {
	n, nb int
}

func newRowBlocks(n, d int) rowBlocks {
	m := gramWidth(d)
	nb := min(gramMaxBlocks, max(1, n/gramMinRows), max(1, gramSlotBudget/(m*m)))
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

// gramWidth is the padded width of a panel row [√w, √w(x−m̂), √w(y−m̂_y)].
func gramWidth(d int) int { return (d + 2 + 7) &^ 7 }

// fitGram fits by the Gram path. It returns ok = false, with no error, when
// the problem is not one for this path (ridge, d = 0, n ≤ d+1, a singular or
// ill-conditioned design, a rank tolerance near 1/cond): the caller then
// uses Householder QR. The data have been checked to be finite.
func fitGram(x *mat.Dense, y []float64, s *Settings) (res *Result, ok bool, err error) {
	n, d := x.Dims()
	if d == 0 || n <= d+1 || s.Ridge != 0 || s.Method != QR {
		return nil, false, nil
	}
	raw := x.RawMatrix()
	xs, stride := raw.Data, raw.Stride
	w := s.Weights
	intercept := !s.NoIntercept
	rb := newRowBlocks(n, d)
	nb := rb.nb
	wt := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}

	// Pass 1: provisional weighted means m̂ (the Gram pass below measures
	// and removes what is left of the mean exactly).
	sums := make([]float64, nb*(d+2)) // per block: Σw·x_j, Σw·y, Σw
	rb.run(func(_, b int) {
		acc := sums[b*(d+2) : (b+1)*(d+2)]
		lo, hi := rb.bounds(b)
		for i := lo; i < hi; i++ {
			wi := wt(i)
			row := xs[i*stride : i*stride+d]
			if intercept {
				for j, v := range row {
					acc[j] += wi * v
				}
				acc[d] += wi * y[i]
			}
			acc[d+1] += wi
		}
	})
	tot := make([]float64, d+2)
	for b := 0; b < nb; b++ {
		for j, v := range sums[b*(d+2) : (b+1)*(d+2)] {
			tot[j] += v
		}
	}
	sumW := tot[d+1]
	if sumW == 0 {
		return nil, true, fmt.Errorf("linear: all %d weights are zero", n)
	}
	mh := make([]float64, d+1) // m̂ for x then y; zero without intercept
	if intercept {
		for j := range mh {
			mh[j] = tot[j] / sumW
		}
	}

	// Pass 2: G = ZᵀZ, Z's rows [√wᵢ, √wᵢ(xᵢ−m̂), √wᵢ(yᵢ−m̂_y), 0…].
	m := gramWidth(d)
	slots := make([]float64, nb*m*m)
	panels := make([][]float64, rb.workers())
	for k := range panels {
		panels[k] = make([]float64, gramPanelRows*m)
	}
	rb.run(func(k, b int) {
		c := slots[b*m*m : (b+1)*m*m]
		p := panels[k]
		lo, hi := rb.bounds(b)
		for i0 := lo; i0 < hi; i0 += gramPanelRows {
			i1 := min(hi, i0+gramPanelRows)
			for i := i0; i < i1; i++ {
				sw := 1.0
				if w != nil {
					sw = math.Sqrt(w[i])
				}
				row := xs[i*stride : i*stride+d]
				dst := p[(i-i0)*m : (i-i0)*m+d+2]
				dst[0] = sw
				z := dst[1 : d+1]
				mx := mh[:d]
				if w == nil {
					for j, v := range row {
						z[j] = v - mx[j]
					}
					dst[d+1] = y[i] - mh[d]
				} else {
					for j, v := range row {
						z[j] = sw * (v - mx[j])
					}
					dst[d+1] = sw * (y[i] - mh[d])
				}
			}
			gramUpdate(c, p, m, i1-i0)
		}
	})
	g := slots[:m*m]
	for b := 1; b < nb; b++ {
		for t, v := range slots[b*m*m : (b+1)*m*m] {
			g[t] += v
		}
	}

	// Centre exactly: with δ = Σw(z−m̂)/Σw (row 0 of G), the Gram matrix
	// about the true mean is G' − Σw·δδᵀ.
	gz := func(j, k int) float64 { return g[(1+j)*m+1+k] } // j ≤ k, indices into [x…, y]
	delta := make([]float64, d+1)
	means := make([]float64, d)
	var my float64
	if intercept {
		g00 := g[0]
		for j := range delta {
			delta[j] = g[1+j] / g00
		}
		for j := range means {
			means[j] = mh[j] + delta[j]
		}
		my = mh[d] + delta[d]
	}
	cent := func(j, k int) float64 {
		if !intercept {
			return gz(j, k)
		}
		return gz(j, k) - g[0]*delta[j]*delta[k]
	}
	scales := make([]float64, d)
	for j := range scales {
		v := cent(j, j)
		if !(v > 0) {
			return nil, false, nil // a constant column: QR reports it aliased
		}
		scales[j] = math.Sqrt(v / sumW)
	}
	gs := mat.NewSymDense(d, nil)
	rhs := mat.NewVecDense(d, nil)
	for j := 0; j < d; j++ {
		for k := j; k < d; k++ {
			gs.SetSym(j, k, cent(j, k)/(scales[j]*scales[k]))
		}
		rhs.SetVec(j, cent(j, d)/scales[j])
	}
	var ch mat.Cholesky
	if !ch.Factorize(gs) {
		return nil, false, nil
	}
	var u mat.TriDense
	ch.UTo(&u)
	sv, cond := singularValuesOfR(u.At, d, d)
	rcond := s.RCond
	if rcond == 0 {
		rcond = float64(max(n, d)) * eps
	}
	// A pivoted QR keeps every column when rcond < 1/cond, since
	// |R_kk|/|R_11| ≥ σ_min/σ_max for any triangular factor.
	if !(cond <= gramCondLimit) || 2*rcond*cond >= 1 {
		return nil, false, nil
	}

	gamma := mat.NewVecDense(d, nil)
	if err := ch.SolveVecTo(gamma, rhs); err != nil {
		return nil, false, nil
	}
	// Refinement passes: h = Σ wᵢ tᵢ (xᵢ − m), tᵢ = yᵢ − m_y − (xᵢ − m)·β,
	// β = γ/s, so that (Ãᵀr)_j = h_j/s_j.
	beta := make([]float64, d)
	hs := make([]float64, nb*d)
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
			beta[j] = gv[j] / scales[j]
		}
		clear(hs)
		rb.run(func(k, b int) {
			h := hs[b*d : (b+1)*d]
			xc := bufs[k]
			lo, hi := rb.bounds(b)
			for i := lo; i < hi; i++ {
				row := xs[i*stride : i*stride+d]
				t := y[i] - my
				for j, v := range row {
					c := v - means[j]
					xc[j] = c
					t -= c * beta[j]
				}
				t *= wt(i)
				for j, c := range xc {
					h[j] += t * c
				}
			}
		})
		a := atr.RawVector().Data
		clear(a)
		for b := 0; b < nb; b++ {
			for j, v := range hs[b*d : (b+1)*d] {
				a[j] += v
			}
		}
		for j := range a {
			a[j] /= scales[j]
		}
		if err := ch.SolveVecTo(corr, atr); err != nil {
			return nil, false, nil
		}
		cn := mat.Norm(corr, math.Inf(1))
		if !(cn < prev) { // stagnated or grew: the previous iterate stands
			break
		}
		gamma.AddVec(gamma, corr)
		if cn <= eps*mat.Norm(gamma, math.Inf(1)) || cn > 0.5*prev {
			break
		}
		prev = cn
	}

	res = &Result{
		Coef:           make([]float64, d),
		HasIntercept:   intercept,
		Method:         QR,
		Precision:      Double,
		Rank:           d,
		Cond:           cond,
		SingularValues: sv,
		N:              n,
		DF:             dfOf(n, d, intercept),
		SumWeights:     sumW,
		Residuals:      make([]float64, n),
	}
	for j := range res.Coef {
		res.Coef[j] = gv[j] / scales[j]
	}
	if intercept {
		res.Intercept = my
		for j, c := range res.Coef {
			res.Intercept -= means[j] * c
		}
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, false, nil
	}
	cov := make([][]float64, d)
	for i := range cov {
		cov[i] = make([]float64, d)
		for j := range cov[i] {
			cov[i][j] = inv.At(i, j) / (scales[i] * scales[j])
		}
	}
	res.Unscaled = assembleUnscaledFloat(cov, means, sumW, intercept)

	// Residuals in the original units, as fitFloat computes them.
	ss := make([]float64, 2*nb)
	coef, b0 := res.Coef, res.Intercept
	rb.run(func(_, b int) {
		lo, hi := rb.bounds(b)
		var rss, tss float64
		for i := lo; i < hi; i++ {
			r := y[i] - b0
			row := xs[i*stride : i*stride+d]
			for j, c := range coef {
				r -= row[j] * c
			}
			res.Residuals[i] = r
			wi := wt(i)
			rss += wi * r * r
			t := y[i] - my
			tss += wi * t * t
		}
		ss[2*b], ss[2*b+1] = rss, tss
	})
	for b := 0; b < nb; b++ {
		res.RSS += ss[2*b]
		res.TSS += ss[2*b+1]
	}
	return res, true, nil
}
