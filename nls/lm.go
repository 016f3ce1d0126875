package nls

import (
	"context"
	"fmt"
	"math"

	"github.com/lsqgo/lsq"
)

// lm runs Moré's Levenberg–Marquardt iteration (MINPACK lmder), extended to
// box bounds: each iteration holds the parameters whose bound is active, and
// projects the trial point onto the box; the predicted reduction is then
// that of the projected step under the linear model.
//
// Each major iteration evaluates and factorises J at x, tests the gradient
// (lmder's gtol), updates the scaling D, and then tries steps within the
// trust region until one is accepted (lmIteration).
func (st *state) lm(ctx context.Context) (lsq.Status, string, error) {
	var tr trustRegion
	for st.iter = 1; ; {
		if err := ctx.Err(); err != nil {
			return lsq.Canceled, "canceled", err
		}
		if !st.factor() {
			return lsq.Failure, st.jacFailure(st.iter == 1), nil
		}
		if st.iter == 1 {
			st.initRegion(&tr)
		}
		if err := st.record(); err != nil {
			return lsq.Failure, err.Error(), err
		}
		gnorm := st.gradCos()
		if gnorm <= st.s.gtol {
			return lsq.GradientTolerance, "gradient tolerance", nil
		}
		st.rescale()
		if status, msg, err := st.lmIteration(ctx, &tr, gnorm); status != lsq.NotTerminated {
			return status, msg, err
		}
	}
}

// trustRegion is what lmder carries from one trial step to the next (Moré
// 1978, §§2–4): the Levenberg–Marquardt parameter λ (par), the radius Δ of
// the region ‖D·p‖ ≤ Δ (delta), and ‖D·x‖ (xnorm), to which the step tests
// compare Δ.
type trustRegion struct {
	par, delta, xnorm float64
}

// initRegion sets the scaling and the region of the first iteration, as
// lmder does: D_j = ‖J_j‖, the norm of column j of J (1 for a zero column,
// and for every column without scaling), and Δ₀ = Factor·‖D·x₀‖, or Factor
// when x₀ = 0.
func (st *state) initRegion(tr *trustRegion) {
	q := st.qr
	for j := 0; j < st.n; j++ {
		st.diag[j] = 1
		if st.s.scale && q.acnrm[j] != 0 {
			st.diag[j] = q.acnrm[j]
		}
	}
	tr.xnorm = scaledNorm(st.diag, st.x)
	tr.delta = st.s.factor * tr.xnorm
	if tr.delta == 0 {
		tr.delta = st.s.factor
	}
}

// rescale raises each D_j to ‖J_j‖ when that is larger, so that D is the
// largest column norm seen so far (lmder's mode 1, Moré 1978, §6); without
// scaling D stays I.
func (st *state) rescale() {
	if !st.s.scale {
		return
	}
	for j := 0; j < st.n; j++ {
		st.diag[j] = math.Max(st.diag[j], st.qr.acnrm[j])
	}
}

// lmIteration is lmder's inner loop: it solves the trust-region subproblem
// for a step p, evaluates r at the trial point, and updates the region from
// the ratio ρ of the actual to the predicted reduction of S, until a step is
// accepted (ρ ≥ 10⁻⁴), for which it returns lsq.NotTerminated, or a stopping
// test holds. gnorm is the cosine gradient test of the current point
// (gradCos), recomputed when a bound changes the free parameters.
func (st *state) lmIteration(ctx context.Context, tr *trustRegion, gnorm float64) (lsq.Status, string, error) {
	for {
		if st.lmStep(tr) {
			// A bound blocks the step: hold that parameter too and
			// solve again without it.
			st.refactor()
			gnorm = st.gradCos()
			continue
		}
		projected := st.trialPoint()
		pnorm := scaledNorm(st.diag, st.p)
		if st.iter == 1 {
			tr.delta = math.Min(tr.delta, pnorm)
		}
		fnorm1 := st.evalTrial()
		actred := actualReduction(fnorm1, st.fnorm)
		prered, dirder := st.predictedReduction(tr.par, pnorm, projected)
		ratio := 0.0
		if prered != 0 {
			ratio = actred / prered
		}
		tr.update(ratio, actred, dirder, pnorm, 0.1*fnorm1 >= st.fnorm)
		if ratio >= 1e-4 {
			st.accept(fnorm1)
			tr.xnorm = scaledNorm(st.diag, st.x)
			st.iter++
		}
		if status, msg := st.lmStopTest(tr, actred, prered, ratio, gnorm); status != lsq.NotTerminated {
			return status, msg, nil
		}
		if ratio >= 1e-4 {
			return lsq.NotTerminated, "", nil
		}
		if err := ctx.Err(); err != nil {
			return lsq.Canceled, "canceled", err
		}
	}
}

// lmStep finds λ and the step p = −x(λ) that solves
//
//	min ‖J·p + r‖²  subject to  ‖D·p‖ ≤ Δ
//
// in the free parameters (Moré's lmpar, warm-started from the last λ), sets
// tr.par to that λ and st.p to p, and reports whether p would move a free
// parameter that sits on a bound out of the box (st.blocked, which then
// holds it).
func (st *state) lmStep(tr *trustRegion) bool {
	tr.par = st.sub.lmpar(st.qr, st.diag, st.qtf, tr.delta, tr.par)
	for j := 0; j < st.n; j++ {
		st.p[j] = -st.sub.x[j]
	}
	return st.blocked(st.p)
}

// trialPoint sets st.xt to x + p projected onto the box and st.p to the
// step actually taken, xt − x, and reports whether the projection moved the
// point.
func (st *state) trialPoint() bool {
	for j := 0; j < st.n; j++ {
		st.xt[j] = st.x[j] - st.sub.x[j]
	}
	projected := st.project(st.xt)
	for j := 0; j < st.n; j++ {
		st.p[j] = st.xt[j] - st.x[j]
	}
	return projected
}

// actualReduction is lmder's actred, the relative reduction of S at the
// trial point, 1 − (‖r(x+p)‖/‖r(x)‖)², or −1 when ‖r(x+p)‖ ≥ 10·‖r(x)‖
// (a bad step whose size need not be resolved, and which could overflow).
func actualReduction(fnorm1, fnorm float64) float64 {
	if 0.1*fnorm1 < fnorm {
		return 1 - (fnorm1/fnorm)*(fnorm1/fnorm)
	}
	return -1
}

// predictedReduction returns lmder's prered, the reduction of S relative to
// ‖r‖² that the linear model r + J·p predicts for the step st.p, and dirder,
// the directional derivative that the update of the region interpolates
// with. With w = R·Pᵀ·p (jacStep), ‖J·p‖ = ‖w‖ and rᵀJ·p = qtfᵀw.
//
// For the step of the subproblem (not projected), rᵀJ·p = −‖J·p‖² −
// λ‖D·p‖², and lmder's forms are used, which do not suffer cancellation:
//
//	prered = ‖J·p‖²/‖r‖² + 2λ‖D·p‖²/‖r‖²,   dirder = −(‖J·p‖² + λ‖D·p‖²)/‖r‖².
//
// A projected step solves no subproblem, and the general forms are taken
// instead, with qw = rᵀJ·p/‖r‖² = qtfᵀw/‖r‖²:
//
//	prered = −(2·qw + ‖J·p‖²/‖r‖²),   dirder = qw.
func (st *state) predictedReduction(par, pnorm float64, projected bool) (prered, dirder float64) {
	w := st.jacStep(st.p)
	if !projected {
		t1 := enorm(w) / st.fnorm
		t2 := math.Sqrt(par) * pnorm / st.fnorm
		return t1*t1 + t2*t2/0.5, -(t1*t1 + t2*t2)
	}
	qw := dot(st.qtf, w) / st.fnorm / st.fnorm
	ww := enorm(w) / st.fnorm
	return -(2*qw + ww*ww), qw
}

// jacStep returns w = R·Pᵀ·p (in st.w), the first n entries of Qᵀ·J·p for
// the current factorisation J·P = Q·R, so that ‖J·p‖ = ‖w‖ and
// rᵀJ·p = qtfᵀw.
func (st *state) jacStep(p []float64) []float64 {
	q, w := st.qr, st.w
	for i := range w {
		w[i] = 0
	}
	for j := 0; j < st.n; j++ {
		pl := p[q.ipvt[j]]
		for i := 0; i <= j; i++ {
			w[i] += q.r(i, j) * pl
		}
	}
	return w
}

// update adjusts the region to the ratio ρ of the actual to the predicted
// reduction, as lmder does (Moré 1978, §4). For ρ ≤ ¼ the radius shrinks to
// t·min(Δ, 10‖D·p‖) and λ grows to λ/t, where t = ½ unless S rose, and
// then t minimises the quadratic through S(x), its directional derivative
// and S(x+p); t is raised to 0.1 when smaller, and set to 0.1 when it is
// not a number or when grew (‖r(x+p)‖ ≥ 10·‖r(x)‖). For ρ ≥ ¾, or λ = 0,
// the radius becomes 2‖D·p‖ and λ halves.
func (tr *trustRegion) update(ratio, actred, dirder, pnorm float64, grew bool) {
	switch {
	case ratio <= 0.25:
		t := 0.5
		if actred < 0 {
			t = 0.5 * dirder / (dirder + 0.5*actred)
		}
		if grew || t < 0.1 || math.IsNaN(t) {
			t = 0.1
		}
		tr.delta = t * math.Min(tr.delta, pnorm/0.1)
		tr.par /= t
	case tr.par == 0 || ratio >= 0.75:
		tr.delta = pnorm / 0.5
		tr.par *= 0.5
	}
}

// lmStopTest returns the status of the first of lmder's stopping tests
// that holds after a trial step, or lsq.NotTerminated:
//
//   - |actred| ≤ FTol, prered ≤ FTol and ρ ≤ 2: S cannot drop by more than
//     FTol relative (lmder's info 1);
//   - Δ ≤ XTol·‖D·x‖ (info 2);
//   - the evaluation limit (info 5);
//   - the first two with ε in place of FTol and XTol, and a gradient test
//     gnorm ≤ ε: no progress is possible in floating point (info 6–8).
func (st *state) lmStopTest(tr *trustRegion, actred, prered, ratio, gnorm float64) (lsq.Status, string) {
	s := st.s
	switch {
	case math.Abs(actred) <= s.ftol && prered <= s.ftol && 0.5*ratio <= 1:
		return lsq.ObjectiveTolerance, "relative reduction of the sum of squares at most ftol"
	case tr.delta <= s.xtol*tr.xnorm:
		return lsq.StepTolerance, "trust region at most xtol relative to the parameters"
	case st.ev.nfev >= s.maxfev:
		return lsq.IterationLimit, fmt.Sprintf("evaluation limit %d reached", s.maxfev)
	case math.Abs(actred) <= epsmch && prered <= epsmch && 0.5*ratio <= 1:
		return lsq.ObjectiveTolerance, "no further reduction of the sum of squares is possible (rounding level)"
	case tr.delta <= epsmch*tr.xnorm:
		return lsq.StepTolerance, "no further improvement of the parameters is possible (rounding level)"
	case gnorm <= epsmch:
		return lsq.GradientTolerance, "residuals orthogonal to the Jacobian to rounding level"
	}
	return lsq.NotTerminated, ""
}

func scaledNorm(d, x []float64) float64 {
	scale, ssq := 0.0, 1.0
	for j, v := range x {
		v *= d[j]
		if v == 0 {
			continue
		}
		av := math.Abs(v)
		if scale < av {
			ssq = 1 + ssq*(scale/av)*(scale/av)
			scale = av
		} else {
			ssq += (av / scale) * (av / scale)
		}
	}
	return scale * math.Sqrt(ssq)
}
