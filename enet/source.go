package enet

import (
	"context"
	"fmt"
	"math"
)

// Moments are the weighted first and second moments of the rows of a
// problem: everything coordinate descent with covariance updates reads, so
// that a problem whose rows are not at hand (streamed from files, summed
// over machines) is fitted as Fit and Path fit rows in memory. With
// v_i = w_i/Σw the normalised weights and, with an intercept, x̄ = Σv_i x_i
// and ȳ = Σv_i y_i:
//
//	Gram_jk = Σ v_i (x_ij − x̄_j)(x_ik − x̄_k)
//	XTy_j   = Σ v_i (x_ij − x̄_j)(y_i − ȳ)
//	YY      = Σ v_i (y_i − ȳ)²
//
// the weighted covariances (the 1/Σw convention of the package's
// standardisation). Without an intercept they are the second moments about
// the origin (x̄ and ȳ taken as zero; Mean and YMean are not read), glmnet's
// intercept=FALSE convention. Only ratios of the weights enter: the moments
// are those of the normalised weights.
type Moments struct {
	// N is the number of rows with positive weight; at least 2.
	N int

	// Intercept says which moments these are: centred (true) or about the
	// origin (false). It must agree with Settings.NoIntercept.
	Intercept bool

	Mean  []float64 // x̄, length d (intercept only)
	YMean float64   // ȳ (intercept only)
	Gram  []float64 // d×d row-major, symmetric; the upper triangle is read
	XTy   []float64 // length d
	YY    float64
}

// momentsSettings resolves the settings of a fit from moments: coordinate
// descent with covariance updates is the one solver that needs no rows,
// so FISTA, naive updates and per-row weights are refused by name.
func momentsSettings(m *Moments, s *Settings) (settings, error) {
	d := len(m.XTy)
	if d == 0 {
		panic("enet: moments of no columns")
	}
	if len(m.Gram) != d*d || (m.Intercept && len(m.Mean) != d) {
		panic(fmt.Sprintf("enet: moments with %d values of XTy, %d of Gram and %d means", d, len(m.Gram), len(m.Mean)))
	}
	var c Settings
	if s != nil {
		c = *s
	}
	switch {
	case c.Weights != nil:
		return settings{}, fmt.Errorf("enet: Settings.Weights: the moments already carry the weights of their rows")
	case c.Solver == ProximalGradient:
		return settings{}, fmt.Errorf("enet: Settings.Solver %v reads the rows at every iteration; moments are fitted by %v with covariance updates", ProximalGradient, CoordinateDescent)
	case c.Update == Naive:
		return settings{}, fmt.Errorf("enet: Settings.Update %v reads the rows at every update; moments are fitted with %v updates", Naive, Covariance)
	case c.NoIntercept == m.Intercept:
		return settings{}, fmt.Errorf("enet: Settings.NoIntercept is %t but the moments are %s", c.NoIntercept, map[bool]string{true: "centred (with intercept)", false: "about the origin (without intercept)"}[m.Intercept])
	}
	c.Update = Covariance
	return resolve(&c, m.N, d), nil
}

// momentsProblem is the problem whose rows have the moments m: the moments
// enter fromMoments as the augmented moments of normalised weights (total
// weight 1) about the shift (x̄, ȳ), whose residual means are zero, so the
// means, covariances and the constant-target rule reach the problem as
// given, and standardise scales them as it scales every problem's.
func momentsProblem(m *Moments, st *settings) (*problem, error) {
	if m.N < 2 {
		// normWeights's error for these rows.
		return nil, fmt.Errorf("enet: %d rows have positive weight, need at least 2", m.N)
	}
	if err := m.nonFinite(); err != nil {
		return nil, err
	}
	d := len(m.XTy)
	w := momentWidth(d)
	a := make([]float64, w*w)
	a[0] = 1
	for j := range d {
		for k := j; k < d; k++ {
			a[(1+j)*w+1+k] = m.Gram[j*d+k]
		}
		a[(1+j)*w+1+d] = m.XTy[j]
	}
	a[(1+d)*w+1+d] = m.YY
	shift := make([]float64, d+1)
	if m.Intercept {
		copy(shift, m.Mean)
		shift[d] = m.YMean
	}
	p := emptyProblem(m.N, d, st)
	p.fromMoments(a, shift)
	p.standardise(st)
	return p, nil
}

// nonFinite returns an error for the first moment that is NaN or ±Inf (in
// the order YY, Gram, XTy, means), saying what to rescale.
func (m *Moments) nonFinite() error {
	bad := func(name, fix string, vs ...float64) error {
		for k, v := range vs {
			if !finite(v) {
				return fmt.Errorf("enet: moment %s[%d] is %v: %s", name, k, v, fix)
			}
		}
		return nil
	}
	for _, e := range []error{
		bad("YY", "the target overflows float64 when squared; divide y by a power of ten and fit again", m.YY),
		bad("Gram", "the weighted squares of X overflow float64; divide the large columns by a power of ten", m.Gram...),
		bad("XTy", "the products of X and y overflow float64; divide the large columns by a power of ten", m.XTy...),
	} {
		if e != nil {
			return e
		}
	}
	if m.Intercept {
		return bad("Mean", "the means are not finite numbers", append(m.Mean, m.YMean)...)
	}
	return nil
}

// FitMoments is Fit for the rows whose moments are m: the same objective,
// standardisation (the scales are the square roots of Gram's diagonal),
// solver and duality-gap stopping rule, so it returns Fit's result for
// those rows up to the rounding of their moments. Only coordinate descent
// with covariance updates needs no rows: Settings.Solver ProximalGradient,
// Settings.Update Naive and Settings.Weights (the moments carry the
// weights) are errors, as is a Settings.NoIntercept that disagrees with
// m.Intercept. It panics as Fit does and if the lengths of m's slices
// disagree.
func FitMoments(ctx context.Context, m *Moments, alpha, l1Ratio float64, s *Settings) (*Result, error) {
	checkPenalty(alpha, l1Ratio)
	st, err := momentsSettings(m, s)
	if err != nil {
		return nil, err
	}
	p, err := momentsProblem(m, &st)
	if err != nil {
		return nil, err
	}
	return p.fit(ctx, &st, alpha, l1Ratio)
}

// PathMoments is Path for the rows whose moments are m, with the same grid
// (α_max from XTy, or s.Alphas), strong rules and stopping rule; its
// settings are refused as FitMoments refuses them.
func PathMoments(ctx context.Context, m *Moments, l1Ratio float64, s *PathSettings) (*PathResult, error) {
	checkRatio(l1Ratio)
	var fs *Settings
	if s != nil {
		fs = &s.Settings
	}
	st, err := momentsSettings(m, fs)
	if err == nil {
		err = s.unused()
	}
	if err != nil {
		return nil, err
	}
	p, err := momentsProblem(m, &st)
	if err != nil {
		return nil, err
	}
	return p.pathOn(ctx, &st, l1Ratio, s)
}

// MSE returns the weighted mean squared residual Σv_i(y_i − b − x_iᵀw)² of
// the coefficients w (original scale) with the intercept b = ȳ − x̄ᵀw of
// Result (no intercept without one), as the quadratic form
//
//	YY − 2wᵀXTy + wᵀ·Gram·w
//
// clamped at zero. The form subtracts sums of the size of YY, so its
// absolute error is a few units of rounding of YY + 2|w|ᵀ|XTy| + |w|ᵀ|Gram||w|:
// relative to the MSE about ε/(1 − R²) for a fit that explains a fraction
// R² of the variance — full precision unless the fit is nearly exact.
func (m *Moments) MSE(coef []float64) float64 {
	d := len(m.XTy)
	if len(coef) != d {
		panic(fmt.Sprintf("enet: MSE of %d coefficients for %d columns", len(coef), d))
	}
	var cy, cgc float64
	for j, cj := range coef {
		if cj == 0 {
			continue
		}
		cy += cj * m.XTy[j]
		var gc float64
		for k, ck := range coef {
			gc += m.Gram[min(j, k)*d+max(j, k)] * ck
		}
		cgc += cj * gc
	}
	return math.Max(m.YY-2*cy+cgc, 0)
}
