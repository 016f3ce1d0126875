package nls

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// Problem is a nonlinear least-squares problem: minimise over x
//
//	S(x) = ‖r(x)‖² = Σᵢ rᵢ(x)²
//
// for a vector of M residuals r(x). Residuals is required; Jacobian, the M×n
// matrix J(x) = ∂r/∂x, is optional: when it is nil the solvers estimate it by
// central differences (gonum's diff/fd, with steps 6e-6 relative to each
// parameter), which costs 2n residual evaluations per Jacobian and leaves J
// with about 10 correct digits: the estimates keep most of their accuracy
// (they are defined by the residuals), the standard errors lose a digit or
// two. Prefer an exact Jacobian (from package expr, or written by hand).
//
// The functions must not keep x or the destination after returning.
// Non-finite residuals (NaN, ±Inf) are allowed at trial points: the solvers
// treat them as an infinitely bad step and shorten it.
type Problem struct {
	M         int                               // number of residuals
	Residuals func(r, x []float64)              // r ← r(x), len(r) == M
	Jacobian  func(jac *mat.Dense, x []float64) // jac ← J(x), M×len(x); nil for finite differences
}

func (p *Problem) check(n int) {
	if p.Residuals == nil {
		panic("nls: Problem.Residuals is nil")
	}
	if n < 1 || p.M < n {
		panic(fmt.Sprintf("nls: problem with %d residuals and %d parameters; need at least one parameter and as many residuals as parameters", p.M, n))
	}
}

// evaluator counts evaluations and provides the Jacobian, exact or by
// central differences.
type evaluator struct {
	p        *Problem
	nfev     int
	njev     int
	jac      *mat.Dense
	fdSet    *fd.JacobianSettings
	fdOrigin []float64
}

func newEvaluator(p *Problem, n int) *evaluator {
	e := &evaluator{p: p, jac: mat.NewDense(p.M, n, nil)}
	if p.Jacobian == nil {
		e.fdSet = &fd.JacobianSettings{Formula: fd.Central}
	}
	return e
}

func (e *evaluator) residuals(r, x []float64) {
	e.nfev++
	e.p.Residuals(r, x)
}

// jacobian evaluates J(x) into e.jac.
func (e *evaluator) jacobian(x []float64) *mat.Dense {
	e.njev++
	if e.p.Jacobian != nil {
		e.p.Jacobian(e.jac, x)
		return e.jac
	}
	// Differences in relative coordinates: x = x₀ + s∘z with s_j = |x₀_j|
	// (1 when zero), so gonum's single step size (6e-6 for central
	// differences, ≈ ε^(1/3)) becomes a step relative to each parameter.
	n := len(x)
	if len(e.fdOrigin) != 2*n {
		e.fdOrigin = make([]float64, 2*n)
	}
	sc, xz := e.fdOrigin[:n], e.fdOrigin[n:]
	for j, v := range x {
		sc[j] = math.Abs(v)
		if sc[j] == 0 {
			sc[j] = 1
		}
	}
	x0 := append([]float64(nil), x...)
	fd.Jacobian(e.jac, func(y, z []float64) {
		e.nfev++
		for j := range z {
			xz[j] = x0[j] + sc[j]*z[j]
		}
		e.p.Residuals(y, xz)
	}, make([]float64, n), e.fdSet)
	for j := range sc {
		for i := 0; i < e.p.M; i++ {
			e.jac.Set(i, j, e.jac.At(i, j)/sc[j])
		}
	}
	return e.jac
}

// Objective returns the objective ½‖r(x)‖² and its gradient Jᵀr as plain
// functions, for general-purpose minimisers such as package optim
// (optim.FuncGrad(n, f, grad)) or gonum's optimize. The returned functions
// share work space: they are not safe for concurrent use.
func (p Problem) Objective(n int) (f func(x []float64) float64, grad func(g, x []float64)) {
	p.check(n)
	r := make([]float64, p.M)
	e := newEvaluator(&p, n)
	f = func(x []float64) float64 {
		p.Residuals(r, x)
		return 0.5 * dot(r, r)
	}
	grad = func(g, x []float64) {
		p.Residuals(r, x)
		j := e.jacobian(x)
		gv := mat.NewVecDense(n, g)
		gv.MulVec(j.T(), mat.NewVecDense(p.M, r))
	}
	return f, grad
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// firstBad returns the index of the first non-finite element, or -1.
func firstBad(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}
