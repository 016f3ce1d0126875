package optim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// LineSearchError is returned when backtracking finds no acceptable step.
type LineSearchError struct {
	Method string
	Step   float64 // the last step tried
	Trials int
}

func (e *LineSearchError) Error() string {
	return fmt.Sprintf("optim: %s line search found no sufficient decrease after %d trials (last step %.3g): the objective may be flat at rounding level, or its gradient wrong", e.Method, e.Trials, e.Step)
}

type armijo struct {
	c1, shrink float64
	max        int
}

func (a *armijo) init(c1, shrink float64, max int, name string) {
	a.c1, a.shrink, a.max = c1, shrink, max
	if a.c1 == 0 {
		a.c1 = 1e-4
	}
	if a.shrink == 0 {
		a.shrink = 0.5
	}
	if a.max == 0 {
		a.max = 60
	}
	if !(a.c1 > 0 && a.c1 < 1) || !(a.shrink > 0 && a.shrink < 1) || a.max < 0 {
		panic(fmt.Sprintf("optim: %s needs C1 and Shrink in (0, 1), got %v, %v", name, c1, shrink))
	}
}

// search backtracks from step t along dir (a descent direction with
// directional derivative slope = gᵀdir < 0) until the Armijo condition
// f(x + t·dir) ≤ f + c1·t·slope holds (Nocedal & Wright, Numerical
// Optimization, 2nd ed., Algorithm 3.1). On success x, g hold the new point.
//
// The test allows a slack of 1e-12·|f| for rounding in f, in the spirit of
// the approximate Wolfe conditions of Hager & Zhang (SIAM J. Optim. 16,
// 2005), which use ε|f|: near a minimum the predicted decrease is below the
// rounding of f, and the exact test would reject the steps that still
// reduce the gradient.
func (a *armijo) search(name string, x, g, dir, xt, gt []float64, f, slope, t float64, eval func(grad, x []float64) float64) (float64, float64, error) {
	slack := 1e-12 * math.Abs(f)
	for k := 0; k <= a.max; k++ {
		floats.AddScaledTo(xt, x, t, dir)
		ft := eval(gt, xt)
		if ft <= f+a.c1*t*slope+slack {
			copy(x, xt)
			copy(g, gt)
			return ft, t, nil
		}
		t *= a.shrink
	}
	return f, 0, &LineSearchError{Method: name, Step: t / a.shrink, Trials: a.max + 1}
}

// GD is full-batch gradient descent with a backtracking (Armijo) line search
// (Armijo 1966; Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm
// 3.1): each iteration tries the step η along −g and halves it (Shrink) until
//
//	f(x − t g) ≤ f(x) − C1·t·‖g‖².
//
// C1 0 means 1e-4, Shrink 0 means 0.5 and MaxBacktracks 0 means 60. The first
// trial step is the learning rate (automatic: 1/L, which always satisfies the
// condition on a quadratic, so GD then takes exactly the steps of plain GD
// with a guaranteed decrease). Used through Update it is plain gradient descent.
type GD struct {
	C1, Shrink    float64
	MaxBacktracks int

	ls         armijo
	dir, xt, g []float64
}

// Init allocates the work space.
func (o *GD) Init(dim int) {
	o.ls.init(o.C1, o.Shrink, o.MaxBacktracks, "GD")
	o.dir, o.xt, o.g = make([]float64, dim), make([]float64, dim), make([]float64, dim)
}

// Update takes the plain step x ← x − lr·g.
func (o *GD) Update(x, g []float64, lr float64) {
	checkDim("GD", len(o.dir), x, g)
	floats.AddScaled(x, -lr, g)
}

// Step backtracks along −g from step lr.
func (o *GD) Step(x, g []float64, f, lr float64, eval func(grad, x []float64) float64) (float64, float64, error) {
	checkDim("GD", len(o.dir), x, g)
	floats.ScaleTo(o.dir, -1, g)
	slope := -floats.Dot(g, g)
	if slope == 0 {
		return f, 0, nil
	}
	return o.ls.search("GD", x, g, o.dir, o.xt, o.g, f, slope, lr, eval)
}

// DefaultRate returns 1/L, or 1 when L is unknown (backtracking finds a step).
func (o *GD) DefaultRate(l, _ float64) float64 {
	if l > 0 && !math.IsInf(l, 1) {
		return 1 / l
	}
	return 1
}

// MarshalBinary returns the (empty) state.
func (o *GD) MarshalBinary() ([]byte, error) { return encodeState(nil), nil }

// UnmarshalBinary accepts the empty state.
func (o *GD) UnmarshalBinary(b []byte) error { return decodeState("GD", b, nil) }

// LBFGS is the limited-memory BFGS method (Nocedal 1980; Nocedal & Wright,
// Numerical Optimization, 2nd ed., chapter 7): the search direction is
// −H g, with H the BFGS inverse-Hessian approximation built from the last
// Store pairs s = x_{k+1} − x_k, y = g_{k+1} − g_k by the two-loop recursion
// (Algorithm 7.4) with H₀ = γI, γ = sᵀy/yᵀy (eq. 7.20), and the step is found
// by Armijo backtracking from 1. The first iteration has no pairs and uses
// the learning rate along −g (automatic: 1/L, or 1 when L is unknown).
// Pairs with sᵀy ≤ 1e-10·‖s‖‖y‖ are skipped, which keeps H positive definite.
//
// Store 0 means 10 (SciPy's L-BFGS-B default). C1, Shrink and MaxBacktracks
// are as for GD. LBFGS needs the full objective: Update panics, and Minimize
// calls Step.
type LBFGS struct {
	Store         int
	C1, Shrink    float64
	MaxBacktracks int

	ls               armijo
	m, dim           int
	count, head      int // pairs stored; index of the newest
	s, y             []float64
	rho, alpha       []float64
	dir, xt, gt, x0s []float64
	g0s              []float64
}

// Init clears the memory.
func (o *LBFGS) Init(dim int) {
	o.ls.init(o.C1, o.Shrink, o.MaxBacktracks, "LBFGS")
	o.m = o.Store
	if o.m == 0 {
		o.m = 10
	}
	if o.m < 0 {
		panic(fmt.Sprintf("optim: LBFGS.Store must be ≥ 0, got %d", o.Store))
	}
	o.dim, o.count, o.head = dim, 0, 0
	o.s, o.y = make([]float64, o.m*dim), make([]float64, o.m*dim)
	o.rho, o.alpha = make([]float64, o.m), make([]float64, o.m)
	o.dir, o.xt, o.gt = make([]float64, dim), make([]float64, dim), make([]float64, dim)
	o.x0s, o.g0s = make([]float64, dim), make([]float64, dim)
}

// Update panics: L-BFGS is a full-batch method run through Step.
func (o *LBFGS) Update(x, g []float64, lr float64) {
	panic("optim: LBFGS is a Stepper; run it with Minimize, which calls Step")
}

func (o *LBFGS) pair(i int) (s, y []float64) {
	return o.s[i*o.dim : (i+1)*o.dim], o.y[i*o.dim : (i+1)*o.dim]
}

// direction stores −H g in o.dir by the two-loop recursion.
func (o *LBFGS) direction(g []float64) {
	q := o.dir
	copy(q, g)
	for k := 0; k < o.count; k++ {
		i := (o.head - k + o.m) % o.m
		s, y := o.pair(i)
		o.alpha[i] = o.rho[i] * floats.Dot(s, q)
		floats.AddScaled(q, -o.alpha[i], y)
	}
	s, y := o.pair(o.head)
	floats.Scale(floats.Dot(s, y)/floats.Dot(y, y), q)
	for k := o.count - 1; k >= 0; k-- {
		i := (o.head - k + o.m) % o.m
		s, y := o.pair(i)
		beta := o.rho[i] * floats.Dot(y, q)
		floats.AddScaled(q, o.alpha[i]-beta, s)
	}
	floats.Scale(-1, q)
}

// Step takes one L-BFGS iteration.
func (o *LBFGS) Step(x, g []float64, f, lr float64, eval func(grad, x []float64) float64) (float64, float64, error) {
	checkDim("LBFGS", o.dim, x, g)
	copy(o.x0s, x)
	copy(o.g0s, g)
	t := 1.0
	if o.count > 0 {
		o.direction(g)
	}
	slope := floats.Dot(g, o.dir)
	if o.count == 0 || !(slope < 0) {
		// No curvature information yet, or a direction that does not
		// descend (rounding): restart from steepest descent.
		o.count = 0
		floats.ScaleTo(o.dir, -1, g)
		slope = -floats.Dot(g, g)
		t = lr
	}
	if slope == 0 {
		return f, 0, nil
	}
	fNew, step, err := o.ls.search("LBFGS", x, g, o.dir, o.xt, o.gt, f, slope, t, eval)
	if err != nil {
		return f, 0, err
	}
	next := (o.head + 1) % o.m
	if o.count == 0 {
		next = 0
	}
	s, y := o.pair(next)
	floats.SubTo(s, x, o.x0s)
	floats.SubTo(y, g, o.g0s)
	sy := floats.Dot(s, y)
	if sy > 1e-10*floats.Norm(s, 2)*floats.Norm(y, 2) {
		o.rho[next] = 1 / sy
		o.head = next
		o.count = min(o.count+1, o.m)
	}
	return fNew, step, nil
}

// DefaultRate is the first step along −g: 1/L, or 1 when L is unknown.
func (o *LBFGS) DefaultRate(l, _ float64) float64 { return (&GD{}).DefaultRate(l, 1) }

// MarshalBinary returns the stored pairs.
func (o *LBFGS) MarshalBinary() ([]byte, error) {
	return encodeState([]int{o.m, o.dim, o.count, o.head}, o.s, o.y, o.rho), nil
}

// UnmarshalBinary restores the pairs; call Init with the same Store and
// dimension first.
func (o *LBFGS) UnmarshalBinary(b []byte) error {
	var m, dim int
	if err := decodeState("LBFGS", b, []*int{&m, &dim, &o.count, &o.head}, o.s, o.y, o.rho); err != nil {
		return err
	}
	if m != o.m || dim != o.dim {
		return fmt.Errorf("optim: LBFGS state for Store %d, dimension %d; have %d, %d", m, dim, o.m, o.dim)
	}
	return nil
}
