package enet

import (
	"context"
	"math"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/kernel"
)

// outcome is what a solver reports for one value of α.
type outcome struct {
	iters     int
	objective float64
	gap       float64
	status    lsq.Status
}

// cd is the coordinate-descent state for one problem, carried along a path.
type cd struct {
	p    *problem
	beta []float64   // standardised coefficients
	g    []float64   // ZᵀVr: kept current for every j (covariance), or refreshed by fullGradient (naive)
	r    []float64   // residual yc − Zβ, naive updates only
	cols [][]float64 // naive updates: contiguous centred copies of the columns used so far
	inS  []bool      // candidate (strong) set membership
	set  []int       // candidate set
	act  []int       // active subset, scratch
}

func newCD(p *problem) *cd {
	c := &cd{
		p:    p,
		beta: make([]float64, p.d),
		g:    make([]float64, p.d),
		inS:  make([]bool, p.d),
	}
	copy(c.g, p.c) // at β = 0 the gradient is ZᵀV yc
	if p.gram == nil {
		c.r = make([]float64, p.n)
		copy(c.r, p.yc)
		c.cols = make([][]float64, p.d)
	}
	return c
}

// setAll makes every non-constant column a candidate.
func (c *cd) setAll() {
	c.set = c.set[:0]
	for j := range c.inS {
		c.inS[j] = !c.p.excluded[j]
		if c.inS[j] {
			c.set = append(c.set, j)
		}
	}
}

// setStrong applies the sequential strong rule for the step from α_prev to
// α: keep j if β_j ≠ 0 or |g_j| ≥ ρ(2α − α_prev), with g at the previous
// solution (Tibshirani et al. 2012, eq. (7) in the elastic-net form).
func (c *cd) setStrong(alpha, alphaPrev, rho float64) {
	thr := rho * (2*alpha - alphaPrev)
	c.set = c.set[:0]
	for j := range c.inS {
		c.inS[j] = !c.p.excluded[j] && (c.beta[j] != 0 || math.Abs(c.g[j]) >= thr)
		if c.inS[j] {
			c.set = append(c.set, j)
		}
	}
}

func soft(z, t float64) float64 {
	switch {
	case z > t:
		return z - t
	case z < -t:
		return z + t
	}
	return 0
}

// sweep updates each coordinate of set once, in order, and returns the
// largest change and the largest coefficient, both in units of √G_jj.
func (c *cd) sweep(set []int, l1, l2 float64) (dmax, bmax float64) {
	p := c.p
	d := p.d
	for _, j := range set {
		dj := p.diag[j]
		old := c.beta[j]
		var gj float64
		if p.gram != nil {
			gj = c.g[j]
		} else {
			gj = c.zDot(j)
		}
		nb := soft(gj+dj*old, l1) / (dj + l2)
		sd := math.Sqrt(dj)
		if nb != old {
			delta := nb - old
			c.beta[j] = nb
			if p.gram != nil {
				// g −= δ·G_j, vectorised (the row is contiguous).
				kernel.Axpy(c.g, -delta, p.gram[j*d:(j+1)*d])
			} else {
				c.zAxpy(j, delta)
			}
			dmax = math.Max(dmax, math.Abs(delta)*sd)
		}
		bmax = math.Max(bmax, math.Abs(nb)*sd)
	}
	return dmax, bmax
}

// column returns column j of X centred, x_ij − m_j, copying it out of the
// row-major X the first time it is needed. Coordinate descent reads one
// column at a time; on row-major data that would touch a cache line per
// row per update, so naive updates keep these copies (at most n·d values,
// only for columns that ever become candidates).
func (c *cd) column(j int) []float64 {
	if col := c.cols[j]; col != nil {
		return col
	}
	p := c.p
	col := make([]float64, p.n)
	x := p.x[j:]
	mj := p.m[j]
	for i := range col {
		col[i] = x[i*p.stride] - mj
	}
	c.cols[j] = col
	return col
}

// zDot returns z_jᵀ V r, with four partial sums to break the dependency
// chain of one running sum.
func (c *cd) zDot(j int) float64 {
	col := c.column(j)
	v := c.p.v[:len(col)]
	r := c.r[:len(col)]
	var t0, t1, t2, t3 float64
	i := 0
	for ; i+4 <= len(col); i += 4 {
		t0 += (v[i] * r[i]) * col[i]
		t1 += (v[i+1] * r[i+1]) * col[i+1]
		t2 += (v[i+2] * r[i+2]) * col[i+2]
		t3 += (v[i+3] * r[i+3]) * col[i+3]
	}
	for ; i < len(col); i++ {
		t0 += (v[i] * r[i]) * col[i]
	}
	return ((t0 + t1) + (t2 + t3)) / c.p.s[j]
}

// zAxpy performs r −= δ·z_j.
func (c *cd) zAxpy(j int, delta float64) {
	col := c.column(j)
	a := delta / c.p.s[j]
	r := c.r[:len(col)]
	for i, xc := range col {
		r[i] -= a * xc
	}
}

// refresh makes c.g current for every j and returns R² = Σv r² and rᵀV yc.
func (c *cd) refresh() (r2, ryc float64) {
	p := c.p
	if p.gram != nil {
		var bc, bg float64
		for j, b := range c.beta {
			if b != 0 {
				bc += b * p.c[j]
				bg += b * c.g[j]
			}
		}
		ryc = p.ycc - bc
		return math.Max(ryc-bg, 0), ryc
	}
	p.gradient(c.g, c.r)
	for i, ri := range c.r {
		vr := p.v[i] * ri
		r2 += vr * ri
		ryc += vr * p.yc[i]
	}
	return r2, ryc
}

// solve minimises the objective at (α, ρ) from the current β over the
// current candidate set, then checks the KKT conditions on the other
// columns and adds violators until none remain.
//
// Sweeps alternate as in glmnet: a sweep over the candidates, then sweeps
// over the active (non-zero) ones until they settle, then a sweep over the
// candidates again. When a candidate sweep changes no coefficient by more
// than tol·max|β|, the duality gap is computed, and the solve ends when it
// is at most tol·Σv yc².
func (c *cd) solve(ctx context.Context, alpha, rho, tol float64, maxIter int) (outcome, error) {
	l1, l2 := alpha*rho, alpha*(1-rho)
	p := c.p
	var o outcome
	if c.zeroOptimal(l1) {
		// β = 0 satisfies the KKT conditions with the gradient in hand
		// (at the start of a path it is ZᵀV yc, from which α_max was
		// computed): zero is the solution, exactly, and the gap is 0.
		r2, ryc := c.refresh()
		o.objective, o.gap = p.dualGap(c.beta, c.g, nil, l1, l2, r2, ryc)
		o.status = lsq.Converged
		return o, nil
	}
	full := true
	for {
		if o.iters >= maxIter {
			r2, ryc := c.refresh()
			o.objective, o.gap = p.dualGap(c.beta, c.g, nil, l1, l2, r2, ryc)
			o.status = lsq.IterationLimit
			return o, nil
		}
		if err := ctx.Err(); err != nil {
			r2, ryc := c.refresh()
			o.objective, o.gap = p.dualGap(c.beta, c.g, nil, l1, l2, r2, ryc)
			o.status = lsq.Canceled
			return o, err
		}
		set := c.set
		if !full {
			c.act = c.act[:0]
			for _, j := range c.set {
				if c.beta[j] != 0 {
					c.act = append(c.act, j)
				}
			}
			set = c.act
		}
		dmax, bmax := c.sweep(set, l1, l2)
		o.iters++
		if dmax > tol*bmax {
			full = false // settle the active set
			continue
		}
		if !full {
			full = true // active set settled: sweep all candidates
			continue
		}
		r2, ryc := c.refresh()
		obj, gap := p.dualGap(c.beta, c.g, c.set, l1, l2, r2, ryc)
		if gap > tol*p.ycc {
			continue
		}
		// KKT on the columns outside the candidate set: |g_j| ≤ l1.
		added := false
		for j, in := range c.inS {
			if !in && !p.excluded[j] && math.Abs(c.g[j]) > l1 {
				c.inS[j] = true
				c.set = append(c.set, j)
				added = true
			}
		}
		if added {
			sortInts(c.set)
			continue
		}
		o.objective, o.gap = obj, gap
		o.status = lsq.Converged
		return o, nil
	}
}

// zeroOptimal reports whether β is zero and |g_j| ≤ l1 for every j, g being
// current for β = 0 (it is: c.g is refreshed at the end of every solve and
// starts as ZᵀV yc).
func (c *cd) zeroOptimal(l1 float64) bool {
	for j, b := range c.beta {
		if b != 0 || (!c.p.excluded[j] && math.Abs(c.g[j]) > l1) {
			return false
		}
	}
	return true
}

// sortInts sorts a short slice of column indices in place (insertion sort:
// the set is nearly sorted, with a few indices appended).
func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for k := i; k > 0 && a[k] < a[k-1]; k-- {
			a[k], a[k-1] = a[k-1], a[k]
		}
	}
}
