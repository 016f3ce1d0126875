package nls

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"
)

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
