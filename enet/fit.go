package enet

import (
	"context"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
)

// Result is one fit: the coefficients on the original scale and how the
// solver got there.
type Result struct {
	Alpha      float64    `json:"alpha"`      // penalty strength α
	L1Ratio    float64    `json:"l1_ratio"`   // mixing ρ
	Coef       []float64  `json:"coef"`       // coefficients w on the original scale
	Intercept  float64    `json:"intercept"`  // intercept b (0 with NoIntercept)
	NonZero    int        `json:"nonzero"`    // number of non-zero coefficients
	Objective  float64    `json:"objective"`  // the objective at (w, b), penalty on the standardised coefficients unless Unstandardized
	Gap        float64    `json:"gap"`        // duality gap at (w, b), an upper bound on Objective − optimum; NaN (not JSON-encodable) when α = 0
	Iterations int        `json:"iterations"` // sweeps (coordinate descent) or iterations (FISTA) for this α
	Status     lsq.Status `json:"status"`     // Converged, IterationLimit or Canceled
	// R2 is the fraction of the weighted variance of y the fit explains,
	// 1 − Σwᵢrᵢ²/Σwᵢ(yᵢ − ȳ)² (ȳ = 0 without an intercept) on the rows it
	// was fitted to: glmnet's dev.ratio. It is read off the objective, less
	// the penalty, so the fit from moments (FitMoments, PathMoments) gives
	// the one from rows; NaN for a constant y.
	R2 float64 `json:"r2"`
}

// Linear returns the fit as an lsq.Linear with the given feature names
// (nil means "x1", "x2", …), by lsq.NewLinear: the coefficients are copied.
func (r *Result) Linear(features []string) lsq.Linear {
	return *lsq.NewLinear(features, r.Coef, r.Intercept)
}

// solver is coordinate descent or FISTA, carrying β from one α to the next.
type solver interface {
	solve(ctx context.Context, alpha, rho, tol float64, maxIter int) (outcome, error)
	coef() []float64
	grad() []float64 // ZᵀVr at coef() after solve
}

func (c *cd) coef() []float64    { return c.beta }
func (f *fista) coef() []float64 { return f.beta }
func (c *cd) grad() []float64    { return c.g }
func (f *fista) grad() []float64 { return f.g }

// iteration summarises the fit at one α for a Recorder: the data loss
// ½Σv r², the objective, and the norm of the minimum-norm subgradient of
// the objective in standardised coordinates (zero exactly at the optimum).
func iteration(k, steps int, alpha, rho float64, beta, g []float64, o outcome, start time.Time) lsq.Iteration {
	l1, l2 := alpha*rho, alpha*(1-rho)
	pen := penaltyAt(beta, alpha, rho)
	var sub float64
	for j, b := range beta {
		var t float64
		if b != 0 {
			t = g[j] - l2*b - math.Copysign(l1, b)
		} else {
			t = math.Max(math.Abs(g[j])-l1, 0)
		}
		sub += t * t
	}
	return lsq.Iteration{
		Epoch: k + 1, Step: steps, LR: math.NaN(),
		Loss: o.objective - pen, Objective: o.objective, GradNorm: math.Sqrt(sub),
		ValLoss: math.NaN(), PreClipNorm: math.NaN(), Gap: math.NaN(), Elapsed: time.Since(start),
	}
}

func newSolver(p *problem, st *settings) solver {
	if st.solver == ProximalGradient {
		return newFISTA(p)
	}
	return newCD(p)
}

func setup(x *mat.Dense, y []float64, s *Settings) (*problem, settings, error) {
	n, d := x.Dims()
	if d == 0 {
		panic("enet: X has no columns")
	}
	st := resolve(s, n, d)
	p, err := newProblem(x, y, &st, st.solver == CoordinateDescent && st.update == Covariance)
	return p, st, err
}

func (p *problem) result(beta []float64, alpha, rho float64, o outcome) Result {
	coef, b := p.original(beta)
	nz := 0
	for _, c := range coef {
		if c != 0 {
			nz++
		}
	}
	return Result{
		Alpha: alpha, L1Ratio: rho, Coef: coef, Intercept: b, NonZero: nz,
		Objective: o.objective, Gap: o.gap, Iterations: o.iters, Status: o.status,
		R2: p.explained(beta, alpha, rho, o.objective),
	}
}

// explained is Result.R2 at the standardised β whose objective is obj:
// 1 − Σv r²/Σv yc², the data term ½Σv r² being obj less the penalty.
func (p *problem) explained(beta []float64, alpha, rho, obj float64) float64 {
	if !(p.ycc > 0) {
		return math.NaN()
	}
	return 1 - 2*(obj-penaltyAt(beta, alpha, rho))/p.ycc
}

// penaltyAt is α(ρ‖β‖₁ + (1−ρ)/2‖β‖²).
func penaltyAt(beta []float64, alpha, rho float64) float64 {
	l1, l2 := alpha*rho, alpha*(1-rho)
	var pen float64
	for _, b := range beta {
		pen += l1*math.Abs(b) + 0.5*l2*b*b
	}
	return pen
}

// Fit minimises the objective of the package documentation at one (α, ρ)
// from zero coefficients. It panics if α is negative or not finite, ρ is
// outside [0, 1], len(y) differs from the rows of x or x has no columns; it
// returns an error for non-finite data or bad weights, a *SettingsError for
// a setting the solver does not read (Update with FISTA), and the context's
// error (with the fit so far, Status Canceled) when ctx is done. A fit that
// reaches MaxIter has Status IterationLimit and a nil error.
func Fit(ctx context.Context, x *mat.Dense, y []float64, alpha, l1Ratio float64, s *Settings) (*Result, error) {
	checkPenalty(alpha, l1Ratio)
	if err := s.unused(); err != nil {
		return nil, err
	}
	p, st, err := setup(x, y, s)
	if err != nil {
		return nil, err
	}
	return p.fit(ctx, &st, alpha, l1Ratio)
}

// fit is Fit on the problem p: one (α, ρ) from zero coefficients.
func (p *problem) fit(ctx context.Context, st *settings, alpha, l1Ratio float64) (*Result, error) {
	sv := newSolver(p, st)
	if c, ok := sv.(*cd); ok {
		c.setAll()
	}
	o, err := sv.solve(ctx, alpha, l1Ratio, st.tol, st.maxIter)
	r := p.result(sv.coef(), alpha, l1Ratio, o)
	return &r, err
}

// PathSettings configures Path: the fit settings and the grid of α.
type PathSettings struct {
	Settings

	// NumAlphas is the number of values of α; zero means 100.
	NumAlphas int

	// Eps is the ratio of the smallest α to α_max; zero means 1e-3.
	Eps float64

	// Recorder, if not nil, is called after each α with an lsq.Iteration:
	// Epoch is the 1-based index of α, Step the sweeps (or FISTA
	// iterations) so far, Loss the data term ½Σv r², Objective the
	// objective, GradNorm the norm of the minimum-norm subgradient in
	// standardised coordinates; LR, PreClipNorm and ValLoss are NaN. An
	// error from it stops the path with that error.
	Recorder lsq.Recorder

	// Alphas, if non-nil, is the grid itself, used as given; it must be
	// decreasing and non-negative (Path panics otherwise), and NumAlphas and
	// Eps must then be zero (a *SettingsError otherwise).
	Alphas []float64
}

// PathResult is a regularisation path.
type PathResult struct {
	L1Ratio  float64  `json:"l1_ratio"`
	AlphaMax float64  `json:"alpha_max"` // the smallest α with all-zero coefficients (ρ floored at 1e-3)
	Points   []Result `json:"points"`    // one per α, in decreasing α
}

// Grid returns n values of α, log-spaced from max down to max·eps.
func Grid(max, eps float64, n int) []float64 {
	if n < 1 {
		panic(fmt.Sprintf("enet: grid of %d values", n))
	}
	a := make([]float64, n)
	if n == 1 {
		a[0] = max
		return a
	}
	lmax, lmin := math.Log(max), math.Log(max*eps)
	for k := range a {
		a[k] = math.Exp(lmax + (lmin-lmax)*float64(k)/float64(n-1))
	}
	a[0] = max
	return a
}

func (ps *PathSettings) grid(amax float64) []float64 {
	if ps != nil && ps.Alphas != nil {
		for k, a := range ps.Alphas {
			if !(a >= 0) || math.IsInf(a, 0) || (k > 0 && a > ps.Alphas[k-1]) {
				panic(fmt.Sprintf("enet: Alphas[%d] = %v: the grid must be finite, non-negative and decreasing", k, a))
			}
		}
		return append([]float64(nil), ps.Alphas...)
	}
	n, eps := 100, 1e-3
	if ps != nil {
		if ps.NumAlphas != 0 {
			n = ps.NumAlphas
		}
		if ps.Eps != 0 {
			eps = ps.Eps
		}
	}
	if n < 1 || !(eps > 0 && eps < 1) {
		panic(fmt.Sprintf("enet: path of %d values with Eps %v", n, eps))
	}
	return Grid(amax, eps, n)
}

// Path computes the regularisation path for mixing ρ = l1Ratio: fits for a
// decreasing grid of α (by default 100 values log-spaced from α_max to
// 1e-3·α_max), each started from the previous one. With coordinate
// descent, the sequential strong rules choose the candidate columns for
// each α and the KKT conditions are checked on the rest. Panics and errors
// are as for Fit, and NumAlphas or Eps beside Alphas is a *SettingsError;
// on cancellation the points finished so far are returned with the
// context's error.
func Path(ctx context.Context, x *mat.Dense, y []float64, l1Ratio float64, s *PathSettings) (*PathResult, error) {
	checkRatio(l1Ratio)
	if err := s.unused(); err != nil {
		return nil, err
	}
	var fs *Settings
	if s != nil {
		fs = &s.Settings
	}
	p, st, err := setup(x, y, fs)
	if err != nil {
		return nil, err
	}
	return p.pathOn(ctx, &st, l1Ratio, s)
}

// pathOn is Path on the problem p: the grid from α_max (or s.Alphas), then
// the path.
func (p *problem) pathOn(ctx context.Context, st *settings, l1Ratio float64, s *PathSettings) (*PathResult, error) {
	amax := p.alphaMax(l1Ratio)
	if err := p.checkAlphaMax(amax, s); err != nil {
		return nil, err
	}
	alphas := s.grid(amax)
	var rec lsq.Recorder
	if s != nil {
		rec = s.Recorder
	}
	return p.path(ctx, st, l1Ratio, alphas, amax, rec)
}

// checkAlphaMax returns an error when the default grid cannot be built
// because no column is correlated with y (α_max = 0): y is constant, or
// every column is.
func (p *problem) checkAlphaMax(amax float64, s *PathSettings) error {
	if amax > 0 || (s != nil && s.Alphas != nil) {
		return nil
	}
	return fmt.Errorf("enet: α_max is 0 (weighted variance of y %.3g, %d of %d columns constant): no path to compute", p.ycc, p.constant(), p.d)
}

func (p *problem) constant() int {
	k := 0
	for _, e := range p.excluded {
		if e {
			k++
		}
	}
	return k
}

func (p *problem) path(ctx context.Context, st *settings, rho float64, alphas []float64, amax float64, rec lsq.Recorder) (*PathResult, error) {
	res := &PathResult{L1Ratio: rho, AlphaMax: amax, Points: make([]Result, 0, len(alphas))}
	sv := newSolver(p, st)
	c, isCD := sv.(*cd)
	start := time.Now()
	steps := 0
	for k, a := range alphas {
		if isCD {
			// The first α is screened from β = 0, the solution at α_max.
			prev := amax
			if k > 0 {
				prev = alphas[k-1]
			}
			c.setStrong(a, math.Max(prev, a), rho)
		}
		o, err := sv.solve(ctx, a, rho, st.tol, st.maxIter)
		res.Points = append(res.Points, p.result(sv.coef(), a, rho, o))
		if err != nil {
			return res, err
		}
		steps += o.iters
		if rec != nil {
			if err := rec.Record(iteration(k, steps, a, rho, sv.coef(), sv.grad(), o, start)); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}
