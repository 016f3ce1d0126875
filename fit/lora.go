package fit

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
)

// LoRASettings configure LoRA. The zero value (with Rank set) trains the
// adapter by Adam with PyTorch's defaults.
type LoRASettings struct {
	Rank        int     // r ≥ 1, the rank of the update
	Alpha       float64 // LoRA's α: the update is (α/r)·A·B; 0 means r (scale 1)
	Solver      Solver  // an iterative solver; the zero value (QR) means Adam
	NoIntercept bool
	Weights     []float64
	Raw         bool // adapt on the raw inputs instead of the standardised ones
	GapTol      float64
	Optim       optim.Settings // Optim.Seed draws A; Optim.Penalty must be nil
}

// LoRAResult is a low-rank adaptation beside its exact optimum.
type LoRAResult struct {
	Targets              // the adapted model, B₀ + ΔB, on the original scale
	Exact   *MultiResult // the best rank-r update (reduced-rank regression on the base's residuals)
	Optim   *optim.Result
	Status  lsq.Status
	// Gap is the relative objective gap (F − F*)/D (optim.Optimum.Gap) of the
	// adapter to the exact rank-r optimum, and CoefRel ‖ΔB − ΔB*‖_F/‖ΔB*‖_F on the
	// original scale (the denominator at least 1e-8 of ‖B₀ + ΔB*‖_F:
	// updateDistance).
	Gap, CoefRel float64
	A, B         *mat.Dense // the factors, d×r and r×k, on the working scale
}

// LoRA adapts a trained linear map to new data by a low-rank update learnt
// by gradient descent, as Hu et al. do for the layers of large models
// ("LoRA: Low-Rank Adaptation of Large Language Models", ICLR 2022): the
// coefficients are B₀ + (α/r)·S⁻¹·A·B with A (d×r) drawn from a Gaussian
// and B (r×k) zero at the start, so that the update starts at zero, and A,
// B and the intercepts are trained by the chosen optimiser on
//
//	(1/2W)·Σᵢ wᵢ‖yᵢ − (B₀ + ΔB)ᵀxᵢ − b‖²,
//
// S the standardisation of x (lsq.Moments; the identity when Raw). For a
// linear map the best update of rank ≤ r has a closed form, reduced-rank
// regression of the base model's residuals (MultiTarget with Rank and
// Base), and the factorised problem has no spurious local minima (Baldi &
// Hornik, Neural Networks 2(1), 1989; Kawaguchi, NeurIPS 2016), so the
// adapter's run is measured against that optimum as every iterative fit in
// lsq is: it stops with lsq.GapTolerance within GapTol of it, or reports how
// far it stopped.
func LoRA(ctx context.Context, x, y *mat.Dense, base *Targets, s *LoRASettings) (*LoRAResult, error) {
	if s == nil || s.Rank < 1 {
		return nil, &SettingsError{"Rank", "LoRA needs a rank r ≥ 1"}
	}
	if s.Optim.Penalty != nil {
		return nil, &SettingsError{"Optim.Penalty", "LoRA's objective is the least-squares loss of the adapted model"}
	}
	solver := s.Solver
	if solver == QR {
		solver = Adam
	}
	if solver.Exact() || solver.Penalized() {
		return nil, &SettingsError{"Solver", solver.String() + " is not an optimiser; LoRA trains its factors by gd, sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw or lbfgs"}
	}
	if err := CheckOptim(solver, false, s.Optim); err != nil {
		return nil, err
	}
	n, d := x.Dims()
	_, k := y.Dims()
	if ny, _ := y.Dims(); ny != n {
		panic(fmt.Sprintf("fit: %d rows of x, %d of y", n, ny))
	}
	if base == nil {
		base = &Targets{Coef: mat.NewDense(d, k, nil), Intercept: make([]float64, k)}
	}
	r := s.Rank
	if r > min(d, k) {
		return nil, &SettingsError{"Rank", fmt.Sprintf("rank %d exceeds min(d, k) = %d", r, min(d, k))}
	}
	exact, err := MultiTarget(ctx, x, y, &MultiSettings{NoIntercept: s.NoIntercept, Weights: s.Weights, Raw: s.Raw, Rank: r, Base: base})
	if err != nil {
		return nil, err
	}
	intercept := !s.NoIntercept
	center, scale := lsq.Moments(x, s.Weights, intercept)
	if s.Raw {
		center, scale = nil, nil
	}
	p := newLoRAProblem(x, residualsOf(x, y, base.Coef), s.Weights, center, scale, r, s.Alpha, intercept)
	x0 := make([]float64, p.dim)
	rng := rand.New(rand.NewPCG(s.Optim.Seed, 0x10a))
	std := 1 / math.Sqrt(float64(d)) // A's columns give features of unit scale on standardised inputs
	for i := range d * r {
		x0[i] = std * rng.NormFloat64()
	}
	if intercept && base.Intercept != nil {
		// ΔB = 0: the adapter starts at the base model.
		copy(x0[d*r+r*k:], base.Intercept)
	}
	settings := s.Optim
	settings.Optimum = &optim.Optimum{Objective: exact.Objective, Tol: s.GapTol}
	opt := NewOptimizer(solver, &Settings{Solver: solver})
	or, err := optim.Minimize(ctx, p.problem(), x0, &settings, opt)
	res := &LoRAResult{Exact: exact, Optim: or, Status: or.Status}
	res.A, res.B, res.Coef, res.Intercept = p.model(or.X, base)
	res.Features, res.Names = base.Features, base.Names
	res.Gap = settings.Optimum.Gap(or.Objective, or.First)
	res.CoefRel = updateDistance(res.Coef, exact.Coef, base.Coef)
	return res, err
}

// updateDistance is ‖(C − B₀) − (C* − B₀)‖_F / D, D = max(‖C* − B₀‖_F,
// 1e-8·‖C*‖_F): the distance of the update from the exact one relative to
// the exact update, except where the exact update is itself at the
// rounding level of the coefficients (a base model already at the optimum
// of the new data), whose relative error would be of order one however
// close the adapter came; the floor, as the objective gap's (optim.Optimum
// Scale), measures it against the coefficients instead. D = 0 (all zero)
// gives the absolute distance.
func updateDistance(c, cStar, b0 *mat.Dense) float64 {
	var diff, ref mat.Dense
	diff.Sub(c, cStar)
	ref.Sub(cStar, b0)
	den := max(mat.Norm(&ref, 2), 1e-8*mat.Norm(cStar, 2))
	if den == 0 {
		return mat.Norm(&diff, 2)
	}
	return mat.Norm(&diff, 2) / den
}

// loraProblem is the adapter's loss on the working scale z = (x − μ)/s with
// parameters θ = [A (d×r, row-major), B (r×k), b (k)].
type loraProblem struct {
	z         *mat.Dense // n×d standardised inputs
	y         *mat.Dense // n×k residual targets of the base model
	w         []float64
	sw        float64
	d, r, k   int
	c         float64 // α/r
	intercept bool
	dim       int
	center    []float64
	scale     []float64
	ws        map[int]*loraWork // work space by the number of rows of a call
}

// loraWork is the work space of lossGrad for calls of m rows, reused
// across steps: the products and the gathered rows are allocated once per
// batch size, not per step (only the small matrix headers of the factors
// are).
type loraWork struct {
	z, y       *mat.Dense // gathered mini-batch rows; nil for the full batch
	w          []float64
	pz, e, tmp *mat.Dense // Z·A (m×r), the weighted residuals (m×k), Zᵀ·E (d×k)
}

// work returns the work space for calls of m rows.
func (p *loraProblem) work(m int) *loraWork {
	if ws, ok := p.ws[m]; ok {
		return ws
	}
	ws := &loraWork{pz: mat.NewDense(m, p.r, nil), e: mat.NewDense(m, p.k, nil), tmp: mat.NewDense(p.d, p.k, nil)}
	p.ws[m] = ws
	return ws
}

func newLoRAProblem(x, y *mat.Dense, w, center, scale []float64, r int, alpha float64, intercept bool) *loraProblem {
	n, d := x.Dims()
	_, k := y.Dims()
	z := mat.NewDense(n, d, nil)
	for i := range n {
		row := z.RawRowView(i)
		for j, v := range x.RawRowView(i) {
			if center != nil {
				v -= center[j]
			}
			if scale != nil {
				v /= scale[j]
			}
			row[j] = v
		}
	}
	if alpha == 0 {
		alpha = float64(r)
	}
	p := &loraProblem{z: z, y: y, w: w, d: d, r: r, k: k, c: alpha / float64(r), intercept: intercept, center: center, scale: scale,
		ws: map[int]*loraWork{}}
	p.dim = d*r + r*k
	if intercept {
		p.dim += k
	}
	for i := range n {
		p.sw += weight(w, i)
	}
	return p
}

// factors views θ as A, B and b.
func (p *loraProblem) factors(th []float64) (a, b *mat.Dense, icpt []float64) {
	a = mat.NewDense(p.d, p.r, th[:p.d*p.r])
	b = mat.NewDense(p.r, p.k, th[p.d*p.r:p.d*p.r+p.r*p.k])
	if p.intercept {
		icpt = th[p.d*p.r+p.r*p.k:]
	}
	return a, b, icpt
}

// lossGrad is the loss over rows (all when rows is nil), normalised by their
// weight, and its gradient: with E = c·Z·A·B + 1bᵀ − Y (weighted by w/W),
// ∂/∂A = c·Zᵀ·E·Bᵀ, ∂/∂B = c·(ZA)ᵀ·E, ∂/∂b = Σ E.
func (p *loraProblem) lossGrad(g, th []float64, rows []int) float64 {
	a, bf, icpt := p.factors(th)
	zb, yb, wb := p.z, p.y, p.w
	n, _ := zb.Dims()
	ws := p.work(n)
	if rows != nil {
		ws = p.work(len(rows))
		zb, yb, wb = p.gather(ws, rows)
	}
	m, _ := zb.Dims()
	pz, e := ws.pz, ws.e
	pz.Mul(zb, a) // m×r
	e.Mul(pz, bf)
	e.Scale(p.c, e)
	var loss, sw float64
	for i := range m {
		wi := weight(wb, i)
		sw += wi
	}
	for i := range m {
		wi := weight(wb, i) / sw
		row := e.RawRowView(i)
		for t := range p.k {
			v := row[t] - yb.At(i, t)
			if p.intercept {
				v += icpt[t]
			}
			loss += wi * v * v
			row[t] = wi * v
		}
	}
	if g == nil {
		return loss / 2
	}
	ga, gb, gi := p.factors(g)
	tmp := ws.tmp
	tmp.Mul(zb.T(), e) // d×k
	ga.Mul(tmp, bf.T())
	ga.Scale(p.c, ga)
	gb.Mul(pz.T(), e)
	gb.Scale(p.c, gb)
	if p.intercept {
		clear(gi)
		for i := range m {
			for t, v := range e.RawRowView(i) {
				gi[t] += v
			}
		}
	}
	return loss / 2
}

// gather copies the listed rows into the work space.
func (p *loraProblem) gather(ws *loraWork, rows []int) (*mat.Dense, *mat.Dense, []float64) {
	if ws.z == nil {
		ws.z, ws.y = mat.NewDense(len(rows), p.d, nil), mat.NewDense(len(rows), p.k, nil)
		if p.w != nil {
			ws.w = make([]float64, len(rows))
		}
	}
	for m, i := range rows {
		copy(ws.z.RawRowView(m), p.z.RawRowView(i))
		copy(ws.y.RawRowView(m), p.y.RawRowView(i))
		if ws.w != nil {
			ws.w[m] = p.w[i]
		}
	}
	return ws.z, ws.y, ws.w
}

func (p *loraProblem) problem() optim.Problem {
	n, _ := p.z.Dims()
	return optim.Problem{
		Dim:           p.dim,
		LossGrad:      func(g, th []float64) float64 { return p.lossGrad(g, th, nil) },
		Samples:       n,
		BatchLossGrad: p.lossGrad,
	}
}

// model returns the factors and the adapted model on the original scale:
// ΔB = c·S⁻¹·A·B, and the intercept moved by the centring.
func (p *loraProblem) model(th []float64, base *Targets) (a, b, coef *mat.Dense, icpt []float64) {
	fa, fb, fi := p.factors(th)
	a, b = mat.DenseCopyOf(fa), mat.DenseCopyOf(fb)
	var delta mat.Dense
	delta.Mul(fa, fb)
	delta.Scale(p.c, &delta)
	dz := scaledCoef(&delta, p.scale, true)
	coef = mat.NewDense(p.d, p.k, nil)
	coef.Add(base.Coef, dz)
	icpt = make([]float64, p.k)
	if p.intercept {
		copy(icpt, fi)
		for t := range p.k {
			for j := range p.d {
				if p.center != nil {
					icpt[t] -= p.center[j] * dz.At(j, t)
				}
			}
		}
	}
	return a, b, coef, icpt
}
