package nls

import (
	"context"
	"fmt"
	"math"

	"github.com/lsqgo/lsq"
)

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
			return lsq.Failure, st.jacFailure(st.iter == 1), nil
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
		slope := 2 * dot(st.qtf, st.jacStep(st.p)) / (st.fnorm * st.fnorm)
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
