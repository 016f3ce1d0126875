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
func (st *state) lm(ctx context.Context) (lsq.Status, string, error) {
	n, s := st.n, st.s
	diag := st.diag
	par, delta, xnorm := 0.0, 0.0, 0.0
	for st.iter = 1; ; {
		if err := ctx.Err(); err != nil {
			return lsq.Canceled, "canceled", err
		}
		if !st.factor() {
			return lsq.Failure, st.jacFailure(st.iter == 1), nil
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
