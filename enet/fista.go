package enet

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/lsqgo/lsq"
)

// fista is the proximal-gradient state for one problem, carried along a
// path. It works on the raw rows of X: each iteration costs two passes,
// Zβ and ZᵀVr.
type fista struct {
	p     *problem
	beta  []float64 // current iterate
	y     []float64 // extrapolated point
	prev  []float64
	g     []float64
	r     []float64
	u     []float64 // scratch, d
	lipZ  float64   // largest eigenvalue of ZᵀVZ (with margin)
	ready bool
}

func newFISTA(p *problem) *fista {
	return &fista{
		p:    p,
		beta: make([]float64, p.d),
		y:    make([]float64, p.d),
		prev: make([]float64, p.d),
		g:    make([]float64, p.d),
		r:    make([]float64, p.n),
		u:    make([]float64, p.d),
	}
}

// gapEvery is how often (in iterations) FISTA computes the duality gap even
// when its steps are not yet small: iterates that hover at rounding level
// around zero never satisfy the relative step test.
const gapEvery = 50

// powerIterations bounds the power iteration for the Lipschitz constant.
const powerIterations = 1000

// lipschitz estimates the largest eigenvalue of ZᵀVZ by power iteration
// from a fixed pseudo-random start, to a relative change of 1e-10, and adds
// a 1% margin because the iteration approaches it from below.
func (f *fista) lipschitz(ctx context.Context) error {
	p := f.p
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, p.d)
	for j := range x {
		if !p.excluded[j] {
			x[j] = rng.Float64() + 0.5
		}
	}
	var lam float64
	for it := 0; it < powerIterations; it++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		var nx float64
		for _, v := range x {
			nx += v * v
		}
		nx = math.Sqrt(nx)
		if nx == 0 {
			break
		}
		for j := range x {
			x[j] /= nx
		}
		// r = Zx (as yc − Zβ with β = −x, less yc).
		p.residual(f.r, x, f.u)
		for i := range f.r {
			f.r[i] = p.yc[i] - f.r[i]
		}
		p.gradient(x, f.r)
		var nl float64
		for _, v := range x {
			nl += v * v
		}
		nl = math.Sqrt(nl)
		if math.Abs(nl-lam) <= 1e-10*nl {
			lam = nl
			break
		}
		lam = nl
	}
	f.lipZ = 1.01 * lam
	f.ready = true
	return nil
}

// solve runs FISTA from the current β at (α, ρ).
func (f *fista) solve(ctx context.Context, alpha, rho, tol float64, maxIter int) (outcome, error) {
	p := f.p
	var o outcome
	if !f.ready {
		if err := f.lipschitz(ctx); err != nil {
			o.status = lsq.Canceled
			return o, err
		}
	}
	l1, l2 := alpha*rho, alpha*(1-rho)
	L := f.lipZ + l2
	if L == 0 {
		o.status = lsq.Converged
		return o, nil
	}
	step := 1 / L
	copy(f.y, f.beta)
	t := 1.0
	finish := func(status lsq.Status) {
		p.residual(f.r, f.beta, f.u)
		p.gradient(f.g, f.r)
		r2, ryc := f.sums()
		o.objective, o.gap = p.dualGap(f.beta, f.g, nil, l1, l2, r2, ryc)
		o.status = status
	}
	for {
		if o.iters >= maxIter {
			finish(lsq.IterationLimit)
			return o, nil
		}
		if err := ctx.Err(); err != nil {
			finish(lsq.Canceled)
			return o, err
		}
		// Gradient of the smooth part at y: −ZᵀV(yc − Zy) + l2·y.
		p.residual(f.r, f.y, f.u)
		p.gradient(f.g, f.r)
		copy(f.prev, f.beta)
		var dmax, bmax, restart float64
		for j := range f.beta {
			if p.excluded[j] {
				continue
			}
			nb := soft(f.y[j]+step*(f.g[j]-l2*f.y[j]), step*l1)
			f.beta[j] = nb
			dmax = math.Max(dmax, math.Abs(nb-f.y[j]))
			bmax = math.Max(bmax, math.Abs(nb))
			// Gradient restart test: (y − β⁺)ᵀ(β⁺ − β) > 0.
			restart += (f.y[j] - nb) * (nb - f.prev[j])
		}
		o.iters++
		if restart > 0 {
			t = 1
		}
		tn := (1 + math.Sqrt(1+4*t*t)) / 2
		mom := (t - 1) / tn
		t = tn
		for j := range f.y {
			f.y[j] = f.beta[j] + mom*(f.beta[j]-f.prev[j])
		}
		if dmax > tol*bmax && o.iters%gapEvery != 0 {
			continue
		}
		p.residual(f.r, f.beta, f.u)
		p.gradient(f.g, f.r)
		r2, ryc := f.sums()
		obj, gap := p.dualGap(f.beta, f.g, nil, l1, l2, r2, ryc)
		if gap > tol*p.ycc {
			continue
		}
		o.objective, o.gap, o.status = obj, gap, lsq.Converged
		return o, nil
	}
}

func (f *fista) sums() (r2, ryc float64) {
	p := f.p
	for i, ri := range f.r {
		vr := p.v[i] * ri
		r2 += vr * ri
		ryc += vr * p.yc[i]
	}
	return r2, ryc
}
