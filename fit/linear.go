package fit

import (
	"context"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// Solver names a method: an exact factorisation or an iterative optimiser.
type Solver string

// Solvers.
const (
	QR       Solver = "qr"       // pivoted Householder QR (exact; the default)
	SVD      Solver = "svd"      // singular value decomposition (exact, minimum norm)
	Cholesky Solver = "cholesky" // normal equations (exact, fast, squares the condition number)
	GD       Solver = "gd"       // batch gradient descent, the textbook algorithm
	SGD      Solver = "sgd"      // mini-batch stochastic gradient descent
	Momentum Solver = "momentum" // heavy ball
	Nesterov Solver = "nesterov" // Nesterov's accelerated gradient (Sutskever et al. 2013)
	AdaGrad  Solver = "adagrad"
	RMSProp  Solver = "rmsprop"
	Adam     Solver = "adam"
	AdamW    Solver = "adamw"
	LBFGS    Solver = "lbfgs"
	CD       Solver = "cd"    // coordinate descent for L1 / elastic net / L2 (glmnet's algorithm, package enet)
	FISTA    Solver = "fista" // accelerated proximal gradient for the same (exact zeros)
)

// Solvers lists every solver name, exact ones first.
var Solvers = []Solver{QR, SVD, Cholesky, CD, FISTA, GD, SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW, LBFGS}

// Exact reports whether s is a direct factorisation.
func (s Solver) Exact() bool { return s == QR || s == SVD || s == Cholesky }

// Penalized reports whether s is a solver for penalised problems run to a
// duality-gap tolerance (coordinate descent, FISTA): the reference solvers
// for L1 and elastic-net penalties, which have no closed form.
func (s Solver) Penalized() bool { return s == CD || s == FISTA }

// Valid reports whether s names a solver.
func (s Solver) Valid() bool {
	for _, v := range Solvers {
		if s == v {
			return true
		}
	}
	return false
}

// Settings configures Linear. The zero value fits an intercept by pivoted QR.
type Settings struct {
	Solver      Solver // "" means QR
	NoIntercept bool
	Weights     []float64 // nil means all 1

	// Raw turns off the standardisation iterative solvers use by default
	// (the tutorial's setting). Exact solvers standardise internally anyway.
	Raw bool

	// Iterative settings, passed to optim.Minimize (Penalty, Recorder and
	// Resume included). Optim.LearningRate 0 means automatic.
	Optim optim.Settings
	// LineSearch makes the gd solver backtrack (Armijo).
	LineSearch bool
	// WeightDecay is AdamW's decoupled decay.
	WeightDecay float64

	// Ridge is an L2 penalty α/2‖β‖² for the exact solvers (on the
	// original scale of the features); iterative solvers take
	// Optim.Penalty.
	Ridge float64

	// SkipExact skips the exact reference solution of an iterative fit; by
	// default it is computed when n·d² ≤ ExactLimit.
	SkipExact bool

	// Validation rows for early stopping and validation losses.
	ValX *mat.Dense
	ValY []float64
	ValW []float64 // validation weights; nil means all 1

	// PolyX, when not nil, says that the columns of x are the raw powers
	// PolyX, PolyX², …, PolyX^d: the exact QR path then forms the powers in
	// double-double itself (linear.FitPolynomial), so that their float64
	// rounding does not cost digits on ill-conditioned polynomials.
	PolyX []float64

	// Init, when not nil, is the starting point on the original scale
	// (coefficients and intercept); by default iterative solvers start at 0.
	Init *lsq.Linear

	// L2SP, when positive, adds the penalty α/2‖θ − θ₀‖² that pulls the
	// standardised coefficients toward those of Init (fine-tuning without
	// forgetting; Li, Grandvalet & Davoine 2018). It replaces Optim.Penalty.
	L2SP float64

	// Center and Scale, when Scale is not nil, fix the standardisation
	// instead of computing it from x: a model fine-tuned or resumed on new
	// data keeps the coordinates its parameters were learnt in.
	Center, Scale []float64
}

// ExactLimit bounds the size n·d² of problems for which an iterative fit
// also computes the exact solution by default.
const ExactLimit = 5e10

// Gap is how far an iterative fit stopped from the exact optimum of the
// same objective.
type Gap struct {
	ObjectiveRel float64 // (F − F*)/|F*| (absolute when F* = 0)
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

// Result is a fitted linear model with how it was obtained.
type Result struct {
	lsq.Linear
	Solver       Solver
	FitIntercept bool // whether the model has an intercept
	Status       lsq.Status
	Iterations   int // epochs (iterative) or 0 (exact)
	// MSE is the (weighted) mean squared error on the training data. It
	// is +Inf when it is beyond float64 (residuals of order 1e154 and more)
	// while RMSE, its square root, is finite: for an exact fit RMSE is
	// formed from the scaled sum linear.Result.ScaledRSS and so is finite
	// whenever the residuals are.
	MSE       float64
	RMSE      float64
	Objective float64 // value of the objective at the solution
	N         int

	Exact *linear.Result // the exact least-squares or ridge solution (nil when skipped or not applicable)
	// Reference is the solution an iterative fit is measured against: the
	// exact one, or for L1 and elastic-net penalties coordinate descent run
	// to a duality gap of 1e-12 relative (there is no closed form), and
	// ReferenceSolver says which.
	Reference       *lsq.Linear
	ReferenceSolver string
	// DualityGap is the duality gap of a cd or fista fit (an upper bound on
	// its distance to the optimum of the objective); NaN otherwise.
	DualityGap float64
	ExactNote  string // why the exact solution was skipped
	// ExactObjective is the objective F* at the exact solution, in the
	// iterative solver's own terms (NaN when there is no exact solution).
	ExactObjective float64
	Optim          *optim.Result // nil for exact solvers
	Gap            *Gap          // nil for exact solvers or when Exact is nil
	Why            *Why          // nil for exact solvers

	Center, Scale []float64 // standardisation of an iterative fit (nil when raw)
	FitTime       time.Duration
}

// Linear fits y ≈ b + Xβ. Data errors (non-finite values, negative weights,
// a singular Cholesky) are returned as errors; an iterative fit that stops
// without converging is not an error: see Result.Status. A diverged or
// cancelled fit returns its Result and the error explaining it.
func Linear(ctx context.Context, x *mat.Dense, y []float64, s *Settings) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	solver := s.Solver
	if solver == "" {
		solver = QR
	}
	if !solver.Valid() {
		panic(fmt.Sprintf("fit: unknown solver %q", solver))
	}
	n, d := x.Dims()
	if len(y) != n {
		panic("fit: len(y) does not match the rows of x")
	}
	start := time.Now()
	res := &Result{Solver: solver, N: n, FitIntercept: !s.NoIntercept, ExactObjective: math.NaN(), DualityGap: math.NaN()}
	intercept := !s.NoIntercept

	pen := s.Optim.Penalty
	ridge := s.Ridge
	if !solver.Exact() {
		ridge = ridgeOf(pen)
	}
	// Iterative solvers work on standardised inputs unless Raw; a penalty
	// then applies to the standardised coefficients (glmnet's convention),
	// and the reference solution must solve that same problem.
	var center, scale []float64
	if !s.Raw && (!solver.Exact() || ridge > 0) {
		if s.Scale != nil {
			center, scale = s.Center, s.Scale
		} else {
			center, scale = lsq.Moments(x, s.Weights, intercept)
		}
	}
	res.Center, res.Scale = center, scale
	if s.L2SP > 0 {
		if s.Init == nil {
			panic("fit: L2SP needs Init")
		}
		ref := standardizeParams(s.Init, center, scale, intercept)[:d]
		pen = penalty.L2SP{Alpha: s.L2SP, Ref: ref}
	}

	if solver.Penalized() {
		return penalizedFit(ctx, x, y, s, res, start)
	}

	exactSettings := &linear.Settings{NoIntercept: s.NoIntercept, Weights: s.Weights, Ridge: ridge}
	switch solver {
	case SVD:
		exactSettings.Method = linear.SVD
	case Cholesky:
		exactSettings.Method = linear.Cholesky
	}
	cheap := float64(n)*float64(d)*float64(d) <= ExactLimit
	switch {
	case solver.Exact():
		ex, err := exactFit(x, y, exactSettings, center, scale, s.PolyX)
		if err != nil {
			return nil, err
		}
		res.Exact = ex
		res.Reference = &lsq.Linear{Coef: ex.Coef, Intercept: ex.Intercept}
		res.ReferenceSolver = string(solver)
	case s.SkipExact:
		res.ExactNote = "exact solution skipped on request"
	case !cheap:
		res.ExactNote = fmt.Sprintf("exact solution skipped: n·d² = %.3g exceeds %.3g", float64(n)*float64(d)*float64(d), float64(ExactLimit))
	default:
		if err := reference(ctx, x, y, s, res, exactSettings, pen); err != nil {
			return nil, err
		}
	}

	if solver.Exact() {
		ex := res.Exact
		res.Features = nil
		res.Coef = ex.Coef
		res.Intercept = ex.Intercept
		res.Status = lsq.Converged
		sw := sumWeights(s.Weights, n)
		res.MSE = ex.RSS / sw
		res.RMSE = ex.SSScale * math.Sqrt(ex.ScaledRSS/sw)
		res.Objective = res.MSE / 2
		if ridge > 0 {
			th := standardizeParams(&lsq.Linear{Coef: ex.Coef}, nil, scale, false)
			res.Objective += ridge / 2 * dot(th, th)
		}
		res.ExactObjective = res.Objective
		res.FitTime = time.Since(start)
		return res, nil
	}

	prob := optim.LeastSquares(x, y, s.Weights, intercept, center, scale)
	if s.ValX != nil {
		prob.Validation = optim.LeastSquaresLoss(s.ValX, s.ValY, s.ValW, intercept, center, scale)
	}
	opt := NewOptimizer(solver, s)
	settings := s.Optim
	settings.Penalty = pen
	if solver == GD || solver == LBFGS {
		settings.BatchSize = 0 // full batch by definition
	}
	x0 := make([]float64, prob.Dim)
	if s.Init != nil {
		copy(x0, standardizeParams(s.Init, center, scale, intercept))
	}
	or, err := optim.Minimize(ctx, prob, x0, &settings, opt)
	res.Optim = or
	res.Status = or.Status
	res.Iterations = or.Epochs
	res.Coef, res.Intercept = optim.Unstandardize(or.X, center, scale, intercept)
	res.Objective = or.Objective
	res.MSE = 2 * or.Loss
	res.RMSE = math.Sqrt(res.MSE)
	res.FitTime = time.Since(start)
	// With the data's own standardisation and an intercept, the Hessian's
	// spectrum is that of the exact solver's standardised design: no pass.
	var sv []float64
	if res.Exact != nil && intercept && scale != nil && s.Scale == nil {
		sv = res.Exact.SingularValues
	}
	res.Why = explain(x, s.Weights, intercept, center, scale, or, pen, sv)
	if res.Reference != nil && lsq.Finite(or.X) {
		res.Gap = gap(res, s, prob, pen)
	}
	return res, err
}

func ridgeOf(p penalty.Penalty) float64 {
	switch v := p.(type) {
	case penalty.L2:
		return v.Alpha
	case *penalty.L2:
		return v.Alpha
	}
	return 0
}

// NewOptimizer returns the update rule of an iterative solver with the
// settings' options (line search for gd, weight decay for adamw). It panics for
// an exact or penalised solver.
func NewOptimizer(s Solver, set *Settings) optim.Optimizer {
	switch s {
	case GD:
		if set.LineSearch {
			return &optim.GD{}
		}
		return &optim.SGD{}
	case SGD:
		return &optim.SGD{}
	case Momentum:
		return &optim.Momentum{}
	case Nesterov:
		return &optim.Nesterov{}
	case AdaGrad:
		return &optim.AdaGrad{}
	case RMSProp:
		return &optim.RMSProp{}
	case Adam:
		return &optim.Adam{}
	case AdamW:
		return &optim.AdamW{WeightDecay: set.WeightDecay}
	case LBFGS:
		return &optim.LBFGS{}
	}
	panic("fit: not an iterative solver: " + string(s))
}

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

func sumWeights(w []float64, n int) float64 {
	if w == nil {
		return float64(n)
	}
	var s float64
	for _, v := range w {
		s += v
	}
	return s
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// standardizeParams maps an original-scale model to θ = [β..., b] on the
// standardised scale: β_j = coef_j·s_j, b = intercept + Σ μ_j coef_j.
func standardizeParams(m *lsq.Linear, center, scale []float64, intercept bool) []float64 {
	d := len(m.Coef)
	th := make([]float64, d, d+1)
	b := m.Intercept
	for j, c := range m.Coef {
		s := 1.0
		if scale != nil {
			s = scale[j]
		}
		th[j] = c * s
		if center != nil {
			b += center[j] * c
		}
	}
	if intercept {
		th = append(th, b)
	}
	return th
}

// gap compares the iterate with the exact solution of the same objective.
func gap(res *Result, s *Settings, prob optim.Problem, pen penalty.Penalty) *Gap {
	ex := res.Reference
	exTheta := standardizeParams(&lsq.Linear{Coef: ex.Coef, Intercept: ex.Intercept}, res.Center, res.Scale, !s.NoIntercept)
	fStar := prob.LossGrad(nil, exTheta)
	if pen != nil {
		fStar += pen.Value(exTheta[:prob.Penalized])
	}
	res.ExactObjective = fStar
	g := &Gap{GradNorm: res.Optim.GradNorm}
	diff := res.Objective - fStar
	if fStar != 0 {
		g.ObjectiveRel = diff / math.Abs(fStar)
	} else {
		g.ObjectiveRel = diff
	}
	var num, den float64
	for j := range ex.Coef {
		e := res.Coef[j] - ex.Coef[j]
		num += e * e
		den += ex.Coef[j] * ex.Coef[j]
	}
	if !s.NoIntercept {
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
		curv, sw := penalty.Curvature(pen), sumWeights(w, n)
		mu, l = 1, 1
		for _, v := range sv {
			e := v*v/sw + curv
			mu, l = math.Min(mu, e), math.Max(l, e)
		}
	} else {
		var ok bool
		if mu, l, ok = HessianExtremes(x, w, intercept, center, scale, penalty.Curvature(pen)); !ok {
			return why
		}
	}
	why.Mu, why.L = mu, l
	why.Cond = why.L / why.Mu
	why.Bound = 2 / why.L
	eta := or.LR
	why.Contraction = math.Max(math.Abs(1-eta*why.Mu), math.Abs(1-eta*why.L))
	if why.Contraction < 1 {
		why.StepsFor1e6 = math.Ceil(math.Log(1e-6) / math.Log(why.Contraction))
	} else {
		why.StepsFor1e6 = math.Inf(1)
	}
	return why
}

// exactFit solves the exact problem; with a ridge penalty on standardised
// coefficients it solves on a standardised copy of x and maps the solution
// back to the original scale.
func exactFit(x *mat.Dense, y []float64, s *linear.Settings, center, scale, poly []float64) (*linear.Result, error) {
	if s.Ridge == 0 || scale == nil {
		if poly != nil && s.Method == linear.QR {
			_, d := x.Dims()
			return linear.FitPolynomial(poly, y, d, s)
		}
		return linear.Fit(x, y, s)
	}
	n, d := x.Dims()
	z := mat.NewDense(n, d, nil)
	for i := range n {
		src, dst := x.RawRowView(i), z.RawRowView(i)
		for j, v := range src {
			if center != nil {
				v -= center[j]
			}
			dst[j] = v / scale[j]
		}
	}
	ex, err := linear.Fit(z, y, s)
	if err != nil {
		return nil, err
	}
	th := ex.Coef
	if !s.NoIntercept {
		th = append(th[:len(th):len(th)], ex.Intercept)
	}
	ex.Coef, ex.Intercept = optim.Unstandardize(th, center, scale, !s.NoIntercept)
	return ex, nil
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
