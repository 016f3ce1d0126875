package fit

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// Gap is how far an iterative fit stopped from the exact optimum of the
// same objective.
type Gap struct {
	ObjectiveRel float64 // (F − F*)/D, D = max(|F*|, 1e-8·(F₀ − F*)): optim.Optimum.Gap, which GapTol bounds
	CoefRel      float64 // ‖(β, b) − (β*, b*)‖/‖(β*, b*)‖ on the original scale
	GradNorm     float64 // ‖∇F‖ at the iterate, in the solver's coordinates
}

// Why explains the pace of a gradient method from the curvature of its
// objective (see the package documentation).
type Why struct {
	L, Mu        float64 // largest and smallest eigenvalues of the Hessian the solver sees
	Cond         float64 // L/μ
	Bound        float64 // 2/L: constant-rate GD diverges above it
	LR           float64 // the base learning rate used
	Contraction  float64 // max(|1−ημ|, |1−ηL|): error factor per full-batch GD step
	StepsFor1e6  float64 // steps of constant-rate GD to cut the error by 1e6 (Inf if none)
	Standardized bool
}

// objectiveAt is the objective of the problem (loss plus penalty) at an
// original-scale model.
func objectiveAt(prob optim.Problem, pen penalty.Penalty, m *lsq.Linear, center, scale []float64, intercept bool) float64 {
	th := standardizeParams(m, center, scale, intercept)
	f := prob.LossGrad(nil, th)
	if pen != nil {
		f += pen.Value(th[:prob.Penalized])
	}
	return f
}

// gapTol resolves Settings.GapTol's default (optim.Optimum's).
func gapTol(t float64) float64 {
	return (&optim.Optimum{Tol: t}).Tolerance()
}

// gap compares the iterate with the reference solution of the same
// objective, whose value res.ExactObjective already holds.
func gap(res *Result, intercept bool) *Gap {
	ex := res.Reference
	fStar := res.ExactObjective
	g := &Gap{GradNorm: res.Optim.GradNorm}
	g.ObjectiveRel = (&optim.Optimum{Objective: fStar}).Gap(res.Objective, res.Optim.First)
	var num, den float64
	for j := range ex.Coef {
		e := res.Coef[j] - ex.Coef[j]
		num += e * e
		den += ex.Coef[j] * ex.Coef[j]
	}
	if intercept {
		e := res.Intercept - ex.Intercept
		num += e * e
		den += ex.Intercept * ex.Intercept
	}
	if den > 0 {
		g.CoefRel = math.Sqrt(num / den)
	} else {
		g.CoefRel = math.Sqrt(num)
	}
	return g
}

// explain computes the extreme eigenvalues of the Hessian the solver sees.
// It forms the (d+1)×(d+1) Hessian in one pass (cost n·d², the same order as
// the exact solve it accompanies) and is skipped above ExactLimit.
// When sv holds the singular values of the design standardised as here
// (weighted centring and scaling, intercept fitted), the Hessian
// (1/W)Z̃ᵀdiag(w)Z̃ is block diagonal — the intercept column is orthogonal to
// the centred columns — with eigenvalues 1 and σ_k²/W (plus the penalty's
// curvature on the coefficients), so no pass over x is needed.
func explain(x *mat.Dense, w []float64, intercept bool, center, scale []float64, or *optim.Result, pen penalty.Penalty, sv []float64) *Why {
	n, d := x.Dims()
	why := &Why{LR: or.LR, L: or.Lipschitz, Mu: math.NaN(), Cond: math.NaN(), Contraction: math.NaN(), StepsFor1e6: math.NaN(), Standardized: scale != nil}
	if float64(n)*float64(d)*float64(d) > ExactLimit {
		if why.L > 0 {
			why.Bound = 2 / why.L
		}
		return why
	}
	var mu, l float64
	if len(sv) == d && d > 0 {
		mu, l = spectrumExtremes(sv, sumWeights(w, n), penalty.Curvature(pen))
	} else {
		var ok bool
		if mu, l, ok = HessianExtremes(x, w, intercept, center, scale, penalty.Curvature(pen)); !ok {
			return why
		}
	}
	why.fill(mu, l)
	return why
}

// spectrumExtremes returns the smallest and largest eigenvalues of the
// Hessian of the loss plus c‖β‖²/2 on the standardised scale with an
// intercept, from the singular values σ_j of the centred, scaled design
// (weights included) and W = Σ wᵢ: the centred columns are orthogonal to the
// intercept's, so the Hessian is diag((1/W)ZᵀWZ + c·I, 1) and its
// eigenvalues are σ_j²/W + c and 1.
func spectrumExtremes(sv []float64, sumW, c float64) (mu, l float64) {
	mu, l = 1, 1
	for _, v := range sv {
		e := v*v/sumW + c
		mu, l = math.Min(mu, e), math.Max(l, e)
	}
	return mu, l
}

// fill sets the curvature numbers of a Why from the Hessian's extreme
// eigenvalues and the rate in why.LR.
func (why *Why) fill(mu, l float64) {
	why.Mu, why.L = mu, l
	why.Cond = why.L / why.Mu
	why.Bound = 2 / why.L
	eta := why.LR
	why.Contraction = math.Max(math.Abs(1-eta*why.Mu), math.Abs(1-eta*why.L))
	if why.Contraction < 1 {
		why.StepsFor1e6 = math.Ceil(math.Log(1e-6) / math.Log(why.Contraction))
	} else {
		why.StepsFor1e6 = math.Inf(1)
	}
}

// HessianExtremes returns the smallest and largest eigenvalues of the
// Hessian (1/W) Z̃ᵀdiag(w)Z̃ + c·I_d of the least-squares loss, Z̃ the design
// standardised by center and scale (nil for none) with the intercept column
// when intercept is set, and c the curvature of a smooth penalty on the
// coefficients. It forms the (d+1)×(d+1) matrix in one pass over x (cost
// n·d²); ok is false when the eigendecomposition fails.
func HessianExtremes(x *mat.Dense, w []float64, intercept bool, center, scale []float64, curvature float64) (mu, l float64, ok bool) {
	n, d := x.Dims()
	k := d
	if intercept {
		k++
	}
	h := mat.NewSymDense(k, nil)
	z := make([]float64, k)
	zv := mat.NewVecDense(k, z)
	sw := sumWeights(w, n)
	for i := range n {
		for j, v := range x.RawRowView(i) {
			if center != nil {
				v -= center[j]
			}
			if scale != nil {
				v /= scale[j]
			}
			z[j] = v
		}
		if intercept {
			z[d] = 1
		}
		h.SymRankOne(h, weight(w, i)/sw, zv)
	}
	for j := range d {
		h.SetSym(j, j, h.At(j, j)+curvature)
	}
	var eig mat.EigenSym
	if !eig.Factorize(h, false) {
		return math.NaN(), math.NaN(), false
	}
	vals := eig.Values(nil)
	return math.Max(vals[0], 0), vals[len(vals)-1], true
}
