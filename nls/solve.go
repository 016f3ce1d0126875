package nls

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
)

// state is the solver state shared by the methods, the refinement and the
// inference.
type state struct {
	ev     *evaluator
	s      settings
	m, n   int
	x      []float64 // current point
	r      []float64 // residuals at x
	fnorm  float64   // ‖r‖
	qr     *pivQR
	sub    *lmSolver
	fixed  []bool      // parameters held at an active bound in the current iteration
	jc     [][]float64 // with bounds: the columns of J, kept for refactor
	iter   int
	start  time.Time
	names  []string // parameter names for messages, or nil
	badJac string   // where the Jacobian was last found not finite

	// work space
	xt, rt, qtf, w, p, diag, g []float64
	rq                         []float64
}

func newState(p *Problem, x0 []float64, s settings) *state {
	n, m := len(x0), p.M
	st := &state{ev: newEvaluator(p, n), s: s, m: m, n: n,
		x: append([]float64(nil), x0...), r: make([]float64, m),
		qr: newPivQR(m, n), sub: newLMSolver(n), fixed: make([]bool, n),
		xt: make([]float64, n), rt: make([]float64, m), qtf: make([]float64, n),
		w: make([]float64, n), p: make([]float64, n), diag: make([]float64, n),
		g: make([]float64, n), rq: make([]float64, m), start: time.Now()}
	st.project(st.x)
	return st
}

// project clamps x into the box.
func (st *state) project(x []float64) bool {
	if st.s.lower == nil {
		return false
	}
	moved := false
	for j := range x {
		if x[j] < st.s.lower[j] {
			x[j] = st.s.lower[j]
			moved = true
		} else if x[j] > st.s.upper[j] {
			x[j] = st.s.upper[j]
			moved = true
		}
	}
	return moved
}

// factor evaluates J at st.x, finds the active bounds, factorises J with
// the columns of the fixed parameters zeroed, and sets st.qtf = (Qᵀr)[:n]
// and st.g = Jᵀr (zero for fixed parameters). It returns false when J is
// not finite.
func (st *state) factor() bool {
	j := st.ev.jacobian(st.x)
	raw := j.RawMatrix()
	// One pass over the rows of J, writing the n columns side by side.
	for i := 0; i < st.m; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+st.n]
		for c, v := range row {
			st.qr.a[c][i] = v
		}
	}
	for c := 0; c < st.n; c++ {
		col := st.qr.a[c]
		if i := firstBad(col); i >= 0 {
			st.badJac = fmt.Sprintf("the Jacobian is %v at residual %d, parameter %s", col[i], i+1, st.name(c))
			return false
		}
		st.g[c] = dot(col, st.r)
	}
	for c := 0; c < st.n; c++ {
		st.fixed[c] = false
		if st.s.lower != nil {
			// A parameter is held when it sits on a bound and the negative
			// gradient points out of the box.
			if (st.x[c] <= st.s.lower[c] && st.g[c] > 0) || (st.x[c] >= st.s.upper[c] && st.g[c] < 0) {
				st.fixed[c] = true
			}
		}
	}
	if st.s.lower != nil {
		if st.jc == nil {
			st.jc = make([][]float64, st.n)
			for c := range st.jc {
				st.jc[c] = make([]float64, st.m)
			}
		}
		for c := range st.jc {
			copy(st.jc[c], st.qr.a[c])
		}
	}
	st.refactor()
	return true
}

// refactor factorises the Jacobian of the last factor call with the columns
// of the fixed parameters zeroed, and sets st.qtf = (Qᵀr)[:n] and st.g = Jᵀr
// (zero for fixed parameters).
func (st *state) refactor() {
	if st.jc != nil {
		for c := range st.jc {
			copy(st.qr.a[c], st.jc[c])
			st.g[c] = dot(st.jc[c], st.r)
		}
	}
	for c := 0; c < st.n; c++ {
		if st.fixed[c] {
			st.g[c] = 0
			col := st.qr.a[c]
			for i := range col {
				col[i] = 0
			}
		}
	}
	st.qr.factorize()
	copy(st.rq, st.r)
	st.qr.qtb(st.rq)
	copy(st.qtf, st.rq[:st.n])
}

// blocked holds, in addition, the free parameters that sit on a bound and
// that the step p would move out of the box, and reports whether there were
// any: the step must then be recomputed without them (otherwise projection
// would cut it to nothing).
func (st *state) blocked(p []float64) bool {
	if st.s.lower == nil {
		return false
	}
	any := false
	for j := 0; j < st.n; j++ {
		if !st.fixed[j] && ((st.x[j] <= st.s.lower[j] && p[j] < 0) || (st.x[j] >= st.s.upper[j] && p[j] > 0)) {
			st.fixed[j] = true
			any = true
		}
	}
	return any
}

// gradCos returns max_j |J_jᵀr| / (‖J_j‖·‖r‖): the cosine of the largest
// angle between r and a column of J (MINPACK's gnorm).
func (st *state) gradCos() float64 {
	if st.fnorm == 0 {
		return 0
	}
	g := 0.0
	q := st.qr
	for j := 0; j < st.n; j++ {
		l := q.ipvt[j]
		if q.acnrm[l] == 0 {
			continue
		}
		sum := 0.0
		for i := 0; i <= j; i++ {
			sum += q.r(i, j) * (st.qtf[i] / st.fnorm)
		}
		g = math.Max(g, math.Abs(sum/q.acnrm[l]))
	}
	return g
}

func (st *state) record() error {
	if st.s.rec == nil {
		return nil
	}
	half := 0.5 * st.fnorm * st.fnorm
	return st.s.rec.Record(lsq.Iteration{
		Epoch: st.iter, Step: st.ev.nfev, Loss: half, Objective: half,
		GradNorm: enorm(st.g), ValLoss: math.NaN(), Elapsed: time.Since(st.start),
	})
}

// evalTrial evaluates the residuals at st.xt into st.rt and returns their
// norm, +Inf when one is not finite.
func (st *state) evalTrial() float64 {
	st.ev.residuals(st.rt, st.xt)
	if firstBad(st.rt) >= 0 {
		return math.Inf(1)
	}
	return enorm(st.rt)
}

func (st *state) accept(fnorm float64) {
	copy(st.x, st.xt)
	copy(st.r, st.rt)
	st.fnorm = fnorm
}

// lm runs Moré's Levenberg–Marquardt iteration (MINPACK lmder), extended to
// box bounds: each iteration holds the parameters whose bound is active, and
// projects the trial point onto the box; the predicted reduction is then
// that of the projected step under the linear model.
func (st *state) lm(ctx context.Context) (lsq.Status, string, error) {
	n, s := st.n, st.s
	diag := st.diag
	par, delta, xnorm := 0.0, 0.0, 0.0
	for st.iter = 1; ; {
		if err := ctx.Err(); err != nil {
			return lsq.Canceled, "canceled", err
		}
		if !st.factor() {
			return lsq.Failure, fmt.Sprintf("%s (iteration %d)", st.badJac, st.iter), nil
		}
		q := st.qr
		if st.iter == 1 {
			for j := 0; j < n; j++ {
				diag[j] = 1
				if s.scale && q.acnrm[j] != 0 {
					diag[j] = q.acnrm[j]
				}
			}
			xnorm = scaledNorm(diag, st.x)
			delta = s.factor * xnorm
			if delta == 0 {
				delta = s.factor
			}
		}
		if err := st.record(); err != nil {
			return lsq.Failure, err.Error(), err
		}
		gnorm := st.gradCos()
		if gnorm <= s.gtol {
			return lsq.GradientTolerance, "gradient tolerance", nil
		}
		if s.scale {
			for j := 0; j < n; j++ {
				diag[j] = math.Max(diag[j], q.acnrm[j])
			}
		}
		for {
			par = st.sub.lmpar(q, diag, st.qtf, delta, par)
			for j := 0; j < n; j++ {
				st.p[j] = -st.sub.x[j]
			}
			if st.blocked(st.p) {
				st.refactor()
				gnorm = st.gradCos()
				continue
			}
			for j := 0; j < n; j++ {
				st.xt[j] = st.x[j] - st.sub.x[j]
			}
			projected := st.project(st.xt)
			p := st.p
			for j := 0; j < n; j++ {
				p[j] = st.xt[j] - st.x[j]
			}
			pnorm := scaledNorm(diag, p)
			if st.iter == 1 {
				delta = math.Min(delta, pnorm)
			}
			fnorm1 := st.evalTrial()
			actred := -1.0
			if 0.1*fnorm1 < st.fnorm {
				actred = 1 - (fnorm1/st.fnorm)*(fnorm1/st.fnorm)
			}
			// w = R·Pᵀ·p, so that ‖J·p‖ = ‖w‖ and rᵀJ·p = qtfᵀw.
			w := st.w
			for i := range w {
				w[i] = 0
			}
			for j := 0; j < n; j++ {
				pl := p[q.ipvt[j]]
				for i := 0; i <= j; i++ {
					w[i] += q.r(i, j) * pl
				}
			}
			var prered, dirder float64
			if !projected {
				t1 := enorm(w) / st.fnorm
				t2 := math.Sqrt(par) * pnorm / st.fnorm
				prered = t1*t1 + t2*t2/0.5
				dirder = -(t1*t1 + t2*t2)
			} else {
				qw := dot(st.qtf, w) / st.fnorm
				ww := enorm(w) / st.fnorm
				prered = -(2*qw + ww*ww)
				dirder = qw
			}
			ratio := 0.0
			if prered != 0 {
				ratio = actred / prered
			}
			switch {
			case ratio <= 0.25:
				t := 0.5
				if actred < 0 {
					t = 0.5 * dirder / (dirder + 0.5*actred)
				}
				if 0.1*fnorm1 >= st.fnorm || t < 0.1 || math.IsNaN(t) {
					t = 0.1
				}
				delta = t * math.Min(delta, pnorm/0.1)
				par /= t
			case par == 0 || ratio >= 0.75:
				delta = pnorm / 0.5
				par *= 0.5
			}
			if ratio >= 1e-4 {
				st.accept(fnorm1)
				xnorm = scaledNorm(diag, st.x)
				st.iter++
			}
			fconv := math.Abs(actred) <= s.ftol && prered <= s.ftol && 0.5*ratio <= 1
			xconv := delta <= s.xtol*xnorm
			switch {
			case fconv:
				return lsq.ObjectiveTolerance, "relative reduction of the sum of squares at most ftol", nil
			case xconv:
				return lsq.StepTolerance, "trust region at most xtol relative to the parameters", nil
			case st.ev.nfev >= s.maxfev:
				return lsq.IterationLimit, fmt.Sprintf("evaluation limit %d reached", s.maxfev), nil
			case math.Abs(actred) <= epsmch && prered <= epsmch && 0.5*ratio <= 1:
				return lsq.ObjectiveTolerance, "no further reduction of the sum of squares is possible (rounding level)", nil
			case delta <= epsmch*xnorm:
				return lsq.StepTolerance, "no further improvement of the parameters is possible (rounding level)", nil
			case gnorm <= epsmch:
				return lsq.GradientTolerance, "residuals orthogonal to the Jacobian to rounding level", nil
			}
			if ratio >= 1e-4 {
				break
			}
			if err := ctx.Err(); err != nil {
				return lsq.Canceled, "canceled", err
			}
		}
	}
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

// gnStep sets st.p to the Gauss–Newton step −J⁺r from the current
// factorisation (basic solution on the numerically nonsingular leading block
// of the pivoted R) and returns the rank used.
func (st *state) gnStep() int {
	q := st.qr
	n := st.n
	rank := q.rank(float64(st.m) * epsmch)
	z := st.w
	copy(z, st.qtf)
	for j := rank; j < n; j++ {
		z[j] = 0
	}
	for j := rank - 1; j >= 0; j-- {
		z[j] /= q.rdiag[j]
		t := z[j]
		for i := 0; i < j; i++ {
			z[i] -= q.a[j][i] * t
		}
	}
	for j := 0; j < n; j++ {
		st.p[q.ipvt[j]] = -z[j]
	}
	return rank
}

// refine polishes a converged point.
//
// The trust-region tests compare sums of squares, and S is flat at a
// minimum: a parameter error δ changes S only by O(δ²), so a test on S
// cannot see errors below about √ε relative, and the estimates stall near 8
// correct digits. A Newton-type step computed from the residuals themselves
// is accurate to about cond(J)·ε instead. So refine takes full steps while
// their length (relative to the parameters) keeps shrinking, at most 30,
// stopping when the step is below 4ε relative to every parameter or stops
// contracting (the rounding floor). A step that raises S by more than a
// relative 1e-8 — far above rounding, so the local model no longer holds —
// is rejected and ends the refinement.
//
// The steps are Gauss–Newton steps −J⁺r while those contract quickly (by at
// least a factor 4 per step). On large-residual problems the Gauss–Newton
// iteration converges slowly or not at all — its rate is the size of
// (JᵀJ)⁻¹·Σ rᵢ∇²rᵢ — and refine switches to Newton steps on S with the full
// Hessian JᵀJ + Σ rᵢ∇²rᵢ, whose second term is estimated by central
// differences of the exact Jacobian (its error, O(h²), only slows the
// convergence; the fixed point is still Jᵀr = 0). The Newton system is solved
// through the pivoted QR factor R of J, as
//
//	(I + R⁻ᵀ·S·R⁻¹)·z = −Qᵀr,   p = R⁻¹·z,
//
// which is the Gauss–Newton step exactly when the second-order term is
// zero, and does not square the condition number of J.
func (st *state) refine(ctx context.Context) error {
	prev := math.Inf(1)
	newton := false
	for k := 0; k < 30; k++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !st.factor() {
			return nil
		}
		for {
			if !newton || !st.newtonStep() {
				st.gnStep()
			}
			if !st.blocked(st.p) {
				break
			}
			st.refactor()
		}
		size := 0.0
		for j := 0; j < st.n; j++ {
			st.xt[j] = st.x[j] + st.p[j]
			size = math.Max(size, math.Abs(st.p[j])/math.Max(math.Abs(st.x[j]), dwarf))
		}
		st.project(st.xt)
		if size <= 4*epsmch {
			return nil
		}
		if size > 0.25*prev && !newton {
			newton = true
			prev = math.Inf(1)
			k--
			continue
		}
		if size >= prev {
			return nil
		}
		prev = size
		fnorm1 := st.evalTrial()
		if !(fnorm1*fnorm1 <= st.fnorm*st.fnorm*(1+1e-8)) {
			if !newton {
				newton = true
				prev = math.Inf(1)
				continue
			}
			return nil
		}
		st.accept(fnorm1)
	}
	return nil
}

// newtonStep sets st.p to the Newton step on S, using the current
// factorisation of J (see refine). It returns false, leaving st.p alone,
// when the second-order term or the system is not usable.
func (st *state) newtonStep() bool {
	q := st.qr
	n := st.n
	k := q.rank(float64(st.m) * epsmch)
	if k == 0 {
		return false
	}
	// Second-order term in pivoted coordinates, leading k×k block:
	// S_ab = Σᵢ rᵢ ∂²rᵢ/∂x_a∂x_b = column b of (∂J/∂x_b)ᵀ·r by central differences.
	x := st.x
	sm := mat.NewDense(k, k, nil)
	xs := make([]float64, n)
	gp := make([]float64, k)
	for b := 0; b < k; b++ {
		l := q.ipvt[b]
		h := 6e-6 * math.Abs(x[l]) // ≈ ε^(1/3)·|x|: balances O(h²) truncation and O(ε/h) rounding
		if h == 0 {
			h = 6e-6
		}
		copy(xs, x)
		xs[l] = x[l] + h
		h1 := xs[l] - x[l]
		jp := st.ev.jacobian(xs)
		for a := 0; a < k; a++ {
			gp[a] = colDot(jp, q.ipvt[a], st.r)
		}
		xs[l] = x[l] - h
		h2 := x[l] - xs[l]
		jm := st.ev.jacobian(xs)
		for a := 0; a < k; a++ {
			v := (gp[a] - colDot(jm, q.ipvt[a], st.r)) / (h1 + h2)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
			sm.Set(a, b, v)
		}
	}
	// Symmetrise.
	for a := 0; a < k; a++ {
		for b := a + 1; b < k; b++ {
			v := 0.5 * (sm.At(a, b) + sm.At(b, a))
			sm.Set(a, b, v)
			sm.Set(b, a, v)
		}
	}
	r := mat.NewTriDense(k, mat.Upper, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			r.SetTri(i, j, q.r(i, j))
		}
	}
	var ri mat.TriDense
	if err := ri.InverseTri(r); err != nil {
		return false
	}
	var tmp, a mat.Dense
	tmp.Mul(sm, &ri)
	a.Mul(ri.T(), &tmp)
	for i := 0; i < k; i++ {
		a.Set(i, i, a.At(i, i)+1)
	}
	rhs := mat.NewVecDense(k, nil)
	for i := 0; i < k; i++ {
		rhs.SetVec(i, -st.qtf[i])
	}
	var z, pp mat.VecDense
	if err := z.SolveVec(&a, rhs); err != nil {
		return false
	}
	pp.MulVec(&ri, &z)
	for j := 0; j < n; j++ {
		st.p[j] = 0
	}
	for b := 0; b < k; b++ {
		v := pp.AtVec(b)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
		st.p[q.ipvt[b]] = v
	}
	return true
}

// colDot returns column c of j dotted with r.
func colDot(j *mat.Dense, c int, r []float64) float64 {
	raw := j.RawMatrix()
	s := 0.0
	for i, v := range r {
		s += raw.Data[i*raw.Stride+c] * v
	}
	return s
}

// gn runs Gauss–Newton with a backtracking line search: the step t·d, d the
// Gauss–Newton direction, t halved from 1 until S decreases by the Armijo
// condition S(x+t·d) ≤ S(x) + 10⁻⁴·t·∇S·d, where ∇S·d = 2rᵀJd = −2‖J d‖²
// for the Gauss–Newton direction.
func (st *state) gn(ctx context.Context) (lsq.Status, string, error) {
	n, s := st.n, st.s
	ones := st.diag
	for j := range ones {
		ones[j] = 1
	}
	for st.iter = 1; ; st.iter++ {
		if err := ctx.Err(); err != nil {
			return lsq.Canceled, "canceled", err
		}
		if !st.factor() {
			return lsq.Failure, fmt.Sprintf("%s (iteration %d)", st.badJac, st.iter), nil
		}
		if err := st.record(); err != nil {
			return lsq.Failure, err.Error(), err
		}
		if st.gradCos() <= s.gtol {
			return lsq.GradientTolerance, "gradient tolerance", nil
		}
		st.gnStep()
		for st.blocked(st.p) {
			st.refactor()
			st.gnStep()
		}
		// slope = ∇(‖r‖²)·p / ‖r‖² = 2 qtfᵀ(R Pᵀ p) / ‖r‖²
		q := st.qr
		w := st.w
		for i := range w {
			w[i] = 0
		}
		for j := 0; j < n; j++ {
			pl := st.p[q.ipvt[j]]
			for i := 0; i <= j; i++ {
				w[i] += q.r(i, j) * pl
			}
		}
		slope := 2 * dot(st.qtf, w) / (st.fnorm * st.fnorm)
		if !(slope < 0) {
			return lsq.GradientTolerance, "no descent direction: the Gauss–Newton step is zero", nil
		}
		// −slope/2 = ‖J·p‖²/‖r‖² is the relative reduction the linear model
		// predicts for the full step.
		if -0.5*slope <= s.ftol {
			return lsq.ObjectiveTolerance, "predicted relative reduction of the sum of squares at most ftol", nil
		}
		t := 1.0
		for {
			for j := 0; j < n; j++ {
				st.xt[j] = st.x[j] + t*st.p[j]
			}
			st.project(st.xt)
			fnorm1 := st.evalTrial()
			red := 1 - (fnorm1/st.fnorm)*(fnorm1/st.fnorm) // relative reduction
			if red >= -1e-4*t*slope {
				stepNorm := 0.0
				for j := 0; j < n; j++ {
					stepNorm = math.Max(stepNorm, math.Abs(st.xt[j]-st.x[j])/math.Max(math.Abs(st.x[j]), epsmch))
				}
				st.accept(fnorm1)
				switch {
				case red <= s.ftol:
					return lsq.ObjectiveTolerance, "relative reduction of the sum of squares at most ftol", nil
				case stepNorm <= s.xtol:
					return lsq.StepTolerance, "relative step at most xtol", nil
				}
				break
			}
			if st.ev.nfev >= s.maxfev {
				return lsq.IterationLimit, fmt.Sprintf("evaluation limit %d reached", s.maxfev), nil
			}
			t *= 0.5
			if t < 1e-10 {
				full := 0.0 // relative size of the full step
				for j := 0; j < n; j++ {
					full = math.Max(full, math.Abs(st.p[j])/math.Max(math.Abs(st.x[j]), dwarf))
				}
				if -0.5*slope <= 1e-10 || full <= 1e-8 {
					// The predicted gain is below what rounding in S lets
					// us observe, or the step is already at the 8th digit
					// of every parameter where a change of S is below
					// rounding: the floor of the line search, not a
					// failure (the refinement takes it from here).
					return lsq.ObjectiveTolerance, "no further reduction of the sum of squares is possible (rounding level)", nil
				}
				return lsq.Failure, "line search failed: no decrease along the Gauss–Newton direction", nil
			}
		}
		if st.ev.nfev >= s.maxfev {
			return lsq.IterationLimit, fmt.Sprintf("evaluation limit %d reached", s.maxfev), nil
		}
	}
}

// Solve minimises ‖r(x)‖² from x0 and returns the estimates with their
// standard errors.
//
// The default method is Levenberg–Marquardt in the scaled trust-region form
// of Moré (1978), with MINPACK lmder's stopping contract (FTol, XTol, GTol,
// an evaluation limit, Factor for the initial radius): each step solves
//
//	min ‖J·p + r‖²  subject to  ‖D·p‖ ≤ Δ
//
// through the Levenberg–Marquardt parameter λ, found by Moré's safeguarded
// Newton iteration, with the QR factorisation of J (column pivoting) reused
// for every λ. Δ grows and shrinks with the ratio of the actual to the
// predicted reduction. The defaults (FTol = XTol = GTol = 1e-15) run the
// iteration to the rounding level of S. Unless NoRefine is set, a converged
// run is then polished by at most 30 full Gauss–Newton steps (or, when those
// contract slowly, as on large-residual problems, Newton steps with the
// second-order term estimated from differences of the exact Jacobian), while
// the steps keep shrinking and until they fall below 4ε relative to every
// parameter: S is flat at a minimum and cannot resolve the last digits of
// the parameters, the residual-based step can.
//
// Bounds: with Lower/Upper, x0 is first clamped into the box. Each
// iteration holds fixed the parameters that sit on a bound with the negative
// gradient pointing outward (an active set), solves the trust-region
// subproblem in the others, and projects the trial point onto the box; the
// predicted reduction used to accept a step is that of the projected step.
// Working in the original coordinates (rather than through a transformation
// such as x = l + (u−l)(1+sin z)/2) keeps the Jacobian, the stopping tests and
// the standard errors on the user's scale; parameters on an active bound at
// the end are reported in Result.AtBound and get no standard error.
//
// Other paths: Settings.Weights gives weighted least squares; a robust
// Settings.Loss (Huber, SoftL1, Cauchy) is minimised by iteratively
// reweighted least squares around the chosen method (see Loss); and
// Settings.Optimizer runs a first-order method of package optim (GD, Adam,
// L-BFGS, ...) on ½‖r(x)‖² instead, in relative coordinates u = x/|x0| so
// that one learning rate suits parameters of different sizes.
//
// Solve returns an error only when x0 gives a non-finite residual or the
// Recorder fails; otherwise the Result's Status says why it stopped. A stop
// at a point that cannot be a well-determined minimum — a Jacobian that is
// singular there (a flat region, or parameters the data do not determine) —
// has Status lsq.Failure and an explaining Message, whatever test stopped
// the iteration. If ctx is cancelled the Result holds the best point so far,
// with Status lsq.Canceled, and the error is ctx.Err().
//
// Reference: J. J. Moré, "The Levenberg–Marquardt algorithm: implementation
// and theory", in G. A. Watson (ed.), Numerical Analysis, Lecture Notes in
// Mathematics 630, Springer, 1978, pp. 105–116.
func Solve(ctx context.Context, p Problem, x0 []float64, s *Settings) (*Result, error) {
	return solve(ctx, p, x0, s, nil)
}

func solve(ctx context.Context, p Problem, x0 []float64, s *Settings, names []string) (*Result, error) {
	p.check(len(x0))
	set := s.resolve(len(x0))
	if set.weights != nil {
		if len(set.weights) != p.M {
			panic(fmt.Sprintf("nls: %d weights for %d residuals", len(set.weights), p.M))
		}
		if k := positive(set.weights); k < len(x0) {
			return nil, fmt.Errorf("only %d positive weights for %d parameters", k, len(x0))
		}
	}
	if set.loss != Linear {
		return robust(ctx, p, x0, set, names)
	}
	if set.weights != nil {
		res, err := solveCore(ctx, weighted(p, set.weights), x0, set, names)
		if res != nil {
			res.Cost = res.RSS
			res.Residuals = make([]float64, p.M)
			p.Residuals(res.Residuals, res.X)
			res.Evaluations++
		}
		return res, err
	}
	res, err := solveCore(ctx, p, x0, set, names)
	if res != nil {
		res.Cost = res.RSS
	}
	return res, err
}

func solveCore(ctx context.Context, p Problem, x0 []float64, set settings, names []string) (*Result, error) {
	st := newState(&p, x0, set)
	st.names = names
	st.ev.residuals(st.r, st.x)
	if i := firstBad(st.r); i >= 0 {
		return nil, fmt.Errorf("residual %d is %v at the starting point", i+1, st.r[i])
	}
	st.fnorm = enorm(st.r)
	var (
		status lsq.Status
		msg    string
		err    error
	)
	if st.fnorm == 0 {
		status, msg = lsq.ObjectiveTolerance, "zero residuals at the starting point"
	} else if set.optimizer != nil {
		status, msg, err = st.descend(ctx)
	} else if set.method == GaussNewton {
		status, msg, err = st.gn(ctx)
	} else {
		status, msg, err = st.lm(ctx)
	}
	if err == nil && status.Converged() && set.refine {
		err = st.refine(ctx)
		if err != nil {
			status, msg = lsq.Canceled, "canceled"
		}
	}
	res := st.result(status, msg)
	res.Names = names
	if err == nil && status != lsq.Canceled {
		res.check()
	}
	res.Gap = math.NaN()
	if set.optimizer != nil && err == nil && res.RSS > 0 {
		// The gap to the exact answer: Levenberg–Marquardt (default
		// settings, the same bounds) from the optimiser's final point.
		exact := set
		exact.optimizer, exact.refine, exact.rec, exact.method = nil, true, nil, LevenbergMarquardt
		exact.ftol, exact.xtol, exact.gtol, exact.maxfev, exact.factor, exact.scale = 1e-15, 1e-15, 1e-15, 1000*(st.n+1), 100, true
		if ref, e := solveCore(ctx, p, res.X, exact, names); e == nil && ref.Status.Converged() {
			res.Gap = (res.RSS - ref.RSS) / ref.RSS
			res.Message += fmt.Sprintf("; relative excess of the sum of squares over the Levenberg–Marquardt optimum from this point: %.3g", res.Gap)
		}
	}
	return res, err
}

// check turns a tolerance stop at a point where the Jacobian is singular
// into a Failure.
func (res *Result) check() {
	if !res.Status.Converged() && res.Status != lsq.IterationLimit {
		return
	}
	free := 0
	for _, b := range res.AtBound {
		if !b {
			free++
		}
	}
	if res.Rank < free {
		var names []string
		for j, undet := range res.undetermined {
			if undet {
				names = append(names, res.name(j))
			}
		}
		res.Status = lsq.Failure
		res.Message = fmt.Sprintf("the Jacobian is singular at the final point (rank %d of %d; not determined: %s): "+
			"a flat region or an over-parameterised model, not a well-determined minimum",
			res.Rank, free, strings.Join(names, ", "))
	}
}

func (st *state) name(j int) string {
	if st.names != nil {
		return st.names[j]
	}
	return fmt.Sprintf("x[%d]", j)
}

func (res *Result) name(j int) string {
	if res.Names != nil {
		return res.Names[j]
	}
	return fmt.Sprintf("x[%d]", j)
}
