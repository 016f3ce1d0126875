package nls

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// ErrNoProfile is returned by Profile for a fit that keeps no problem to
// profile: a robust Loss (whose objective is not a sum of squares) or a
// first-order Optimizer.
var ErrNoProfile = errors.New("nls: profile intervals need a least-squares fit by lm or gn (no robust loss, no first-order optimizer)")

// ProfileError reports that profiling found a smaller sum of squares than
// the fit: the fit is not at the minimum (R's "profiling has found a better
// solution").
type ProfileError struct {
	Param string
	X     []float64 // where the smaller sum of squares was found
	RSS   float64
}

func (e *ProfileError) Error() string {
	return fmt.Sprintf("nls: profiling %s found a smaller sum of squares %.10g than the fit's, at %v: the fit is not at the minimum; fit again from there", e.Param, e.RSS, e.X)
}

// Profile returns the profile-likelihood confidence interval of parameter j
// at the given level (0.95 if zero): the values θ where the profile t
// statistic
//
//	τ(θ) = sign(θ − θ̂)·√((S̃(θ) − S(θ̂))/s²),  S̃(θ) = min S over the others with x_j = θ,
//
// s² = RSS/DF, equals the Student t quantile ±t_{(1+level)/2, DF}. This is
// the interval of MASS's confint.nls (and of confint for nls in R ≥ 4.4;
// Bates & Watts 1988, §6.1; Venables & Ripley 2002, §8.4), which it
// approximates by spline interpolation through a few profile points: here
// each end is the root of τ(θ) ∓ t found by a safeguarded secant iteration
// (Illinois) to the rounding level of θ, each S̃ a Levenberg–Marquardt fit
// of the other parameters, warm-started from the last.
//
// An end that the profile does not reach within the bounds (or within
// 100 standard errors) is NaN, as R reports NA. The error is ErrNoProfile,
// a *ProfileError, or the context's error.
func (r *Result) Profile(ctx context.Context, j int, level float64) (lo, hi float64, err error) {
	if r.prob == nil {
		return math.NaN(), math.NaN(), ErrNoProfile
	}
	if level == 0 {
		level = 0.95
	}
	if !(level > 0 && level < 1) || j < 0 || j >= len(r.X) {
		panic(fmt.Sprintf("nls: Profile(%d, %v) of %d parameters", j, level, len(r.X)))
	}
	if r.DF <= 0 || !(r.ResidualSD > 0) {
		return math.NaN(), math.NaN(), fmt.Errorf("nls: no profile without residual degrees of freedom and a positive residual SD")
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(r.DF)}.Quantile(1 - (1-level)/2)
	pr := &profiler{r: r, j: j, cut: t}
	if lo, err = pr.end(ctx, -1); err != nil {
		return math.NaN(), math.NaN(), err
	}
	if hi, err = pr.end(ctx, 1); err != nil {
		return math.NaN(), math.NaN(), err
	}
	return lo, hi, nil
}

// profiler evaluates τ for parameter j of a fit.
type profiler struct {
	r    *Result
	j    int
	cut  float64
	warm []float64 // the other parameters at the last profile point
}

// tau returns τ(θ) and refreshes warm.
func (p *profiler) tau(ctx context.Context, theta float64) (float64, error) {
	r := p.r
	n := len(r.X)
	x := make([]float64, n)
	copy(x, r.X)
	x[p.j] = theta
	var rss float64
	if n == 1 {
		res := make([]float64, r.prob.M)
		r.prob.Residuals(res, x)
		rss = enorm(res)
		rss *= rss
	} else {
		sub, x0, set := p.reduced(theta)
		res, err := solveCore(ctx, sub, x0, set, nil)
		if err != nil {
			return 0, err
		}
		if !res.Status.Converged() {
			return 0, fmt.Errorf("nls: profiling %s at %.10g: the fit of the other parameters did not converge: %s", r.name(p.j), theta, res.Message)
		}
		p.warm = res.X
		rss = res.fnorm * res.fnorm
		for k, l := 0, 0; k < n; k++ {
			if k != p.j {
				x[k] = res.X[l]
				l++
			}
		}
	}
	s0 := r.fnorm * r.fnorm
	d := rss - s0
	if d < -1e-12*s0 { // a smaller sum of squares beyond rounding
		return 0, &ProfileError{Param: r.name(p.j), X: x, RSS: rss}
	}
	s2 := r.ResidualSD * r.ResidualSD
	return math.Copysign(math.Sqrt(math.Max(d, 0)/s2), theta-r.X[p.j]), nil
}

// reduced is the problem in the parameters other than j, with x_j = θ.
func (p *profiler) reduced(theta float64) (Problem, []float64, settings) {
	r := p.r
	n := len(r.X)
	full := make([]float64, n)
	expand := func(x []float64) []float64 {
		for k, l := 0, 0; k < n; k++ {
			if k == p.j {
				full[k] = theta
			} else {
				full[k] = x[l]
				l++
			}
		}
		return full
	}
	jac := mat.NewDense(r.prob.M, n, nil)
	sub := Problem{
		M:         r.prob.M,
		Residuals: func(res, x []float64) { r.prob.Residuals(res, expand(x)) },
	}
	if r.prob.Jacobian != nil {
		sub.Jacobian = func(dst *mat.Dense, x []float64) {
			r.prob.Jacobian(jac, expand(x))
			for i := 0; i < r.prob.M; i++ {
				row := jac.RawRowView(i)
				out := dst.RawRowView(i)
				for k, l := 0, 0; k < n; k++ {
					if k != p.j {
						out[l] = row[k]
						l++
					}
				}
			}
		}
	}
	x0 := p.warm
	if x0 == nil {
		for k, v := range r.X {
			if k != p.j {
				x0 = append(x0, v)
			}
		}
	}
	s := &Settings{}
	if r.set.lower != nil {
		for k := 0; k < n; k++ {
			if k != p.j {
				s.Lower = append(s.Lower, r.set.lower[k])
				s.Upper = append(s.Upper, r.set.upper[k])
			}
		}
	}
	return sub, append([]float64(nil), x0...), s.resolve(n - 1)
}

// end finds the end of the interval on the side sgn (−1 or +1).
func (p *profiler) end(ctx context.Context, sgn float64) (float64, error) {
	r := p.r
	p.warm = nil
	th0 := r.X[p.j]
	se := r.StdErr[p.j]
	if !(se > 0) || math.IsInf(se, 0) {
		se = math.Max(math.Abs(th0)*0.1, 1e-3)
	}
	lim := math.Inf(int(sgn))
	if r.set.lower != nil {
		if sgn < 0 {
			lim = r.set.lower[p.j]
		} else {
			lim = r.set.upper[p.j]
		}
	}
	far := th0 + sgn*100*se
	if sgn*(far-lim) > 0 {
		far = lim
	}
	// Expand from θ̂ until |τ| passes the cut-off, stepping by the Wald
	// estimate of the distance left (τ is nearly linear in θ).
	a, ta := th0, 0.0
	b := th0 + sgn*p.cut*se
	for k := 0; ; k++ {
		if sgn*(b-far) > 0 {
			b = far
		}
		tb, err := p.tau(ctx, b)
		if err != nil {
			return 0, err
		}
		if math.Abs(tb) >= p.cut {
			return p.root(ctx, a, ta, b, tb)
		}
		if b == far || k == 60 {
			return math.NaN(), nil
		}
		slope := (math.Abs(tb) - math.Abs(ta)) / math.Abs(b-a)
		next := b + sgn*2*math.Abs(b-a) // τ flattening: double the step
		if slope > 0 {
			step := 1.2 * (p.cut - math.Abs(tb)) / slope
			next = b + sgn*math.Min(step, 4*math.Abs(b-a))
		}
		a, ta, b = b, tb, next
	}
}

// root solves |τ(θ)| = cut for θ between a and b (|τ(a)| < cut ≤ |τ(b)|)
// by the Illinois variant of regula falsi, to the rounding level of θ.
func (p *profiler) root(ctx context.Context, a, ta, b, tb float64) (float64, error) {
	fa, fb := math.Abs(ta)-p.cut, math.Abs(tb)-p.cut
	side := 0
	for k := 0; k < 200; k++ {
		if fb == 0 {
			return b, nil
		}
		c := b - fb*(b-a)/(fb-fa)
		if math.Abs(b-a) <= 4e-16*math.Max(math.Abs(a), math.Abs(b)) || c == a || c == b {
			break
		}
		tc, err := p.tau(ctx, c)
		if err != nil {
			return 0, err
		}
		fc := math.Abs(tc) - p.cut
		if (fc > 0) == (fb > 0) {
			b, fb = c, fc
			if side == -1 {
				fa /= 2
			}
			side = -1
		} else {
			a, fa = c, fc
			if side == 1 {
				fb /= 2
			}
			side = 1
		}
	}
	if math.Abs(fa) < math.Abs(fb) {
		return a, nil
	}
	return b, nil
}
