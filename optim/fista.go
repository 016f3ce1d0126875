package optim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/lsqgo/lsq/penalty"
)

var (
	_ Stepper      = (*FISTA)(nil)
	_ DefaultRater = (*FISTA)(nil)
	_ stateful     = (*FISTA)(nil)
)

// proxSetter is implemented by Steppers that apply the penalty's proximal
// operator themselves; the driver hands them the penalty when
// Settings.Proximal is set.
type proxSetter interface {
	setProx(p penalty.Penalty, k int)
}

// FISTA is the fast iterative shrinkage-thresholding algorithm of Beck &
// Teboulle (SIAM J. Imaging Sciences 2, 2009), with their backtracking rule
// (§4) and the function-value adaptive restart of O'Donoghue & Candès
// (Found. Comput. Math. 15, 2015). With Settings.Proximal it minimises
// loss + R by
//
//	y    = x_k + ((t_{k−1} − 1)/t_k)(x_k − x_{k−1})
//	x_{k+1} = prox_{ηR}(y − η∇L(y)),   t_{k+1} = (1 + √(1 + 4t_k²))/2,
//
// halving η (Shrink) until L(x_{k+1}) ≤ L(y) + ∇L(y)ᵀd + ‖d‖²/(2η),
// d = x_{k+1} − y (up to a relative 1e-12 for rounding). Each iteration
// starts from the last accepted step divided by Shrink, capped at the
// learning rate, so the step recovers from a rejection caused by rounding
// (Beck & Teboulle never let it grow). When the objective rises the
// momentum is reset (t = 1). Its iterates x_k are proximal points, so L1
// zeros are exact, and the objective converges like O(1/k²) against ISTA's
// O(1/k). Without Proximal it is Nesterov's (1983) accelerated gradient
// method with the same backtracking.
//
// The first step is the learning rate (automatic: 1/L, the constant-step
// choice of Beck & Teboulle). Each iteration costs two objective
// evaluations, plus one per backtrack. Shrink 0 means 0.5 and MaxBacktracks
// 0 means 60. FISTA needs the full objective: Update panics and Minimize
// calls Step.
type FISTA struct {
	Shrink        float64
	MaxBacktracks int
	NoRestart     bool

	shrink        float64
	max           int
	dim, k        int
	pen           penalty.Penalty
	t, tPrev, eta float64
	started       int // 0 before the first Step
	xPrev, y, gy  []float64
	p, gp         []float64
}

func (o *FISTA) setProx(p penalty.Penalty, k int) { o.pen, o.k = p, k }

// Init resets the momentum and step.
func (o *FISTA) Init(dim int) {
	o.shrink, o.max = o.Shrink, o.MaxBacktracks
	if o.shrink == 0 {
		o.shrink = 0.5
	}
	if o.max == 0 {
		o.max = 60
	}
	if !(o.shrink > 0 && o.shrink < 1) || o.max < 0 {
		panic(fmt.Sprintf("optim: FISTA needs Shrink in (0, 1) and MaxBacktracks ≥ 0, got %v, %d", o.Shrink, o.MaxBacktracks))
	}
	o.dim, o.t, o.tPrev, o.eta, o.started = dim, 1, 1, 0, 0
	o.pen, o.k = nil, 0
	o.xPrev, o.y, o.gy = make([]float64, dim), make([]float64, dim), make([]float64, dim)
	o.p, o.gp = make([]float64, dim), make([]float64, dim)
}

// Update panics: FISTA is a Stepper.
func (o *FISTA) Update(x, g []float64, lr float64) {
	panic("optim: FISTA is a Stepper; run it with Minimize, which calls Step")
}

// r returns the non-smooth part R at x (0 without a proximal penalty).
func (o *FISTA) r(x []float64) float64 {
	if o.pen == nil {
		return 0
	}
	return o.pen.Value(x[:o.k])
}

// Step takes one FISTA iteration from x (objective f there).
func (o *FISTA) Step(x, g []float64, f, lr float64, eval func(grad, x []float64) float64) (float64, float64, error) {
	checkDim("FISTA", o.dim, x, g)
	if o.started == 0 {
		copy(o.xPrev, x)
		o.started = 1
	}
	// Start from the last accepted step, allowed to grow back by 1/Shrink
	// up to lr, so that a rejection caused by rounding does not shrink the
	// step for good.
	if o.eta == 0 {
		o.eta = lr
	} else {
		o.eta = math.Min(lr, o.eta/o.shrink)
	}
	beta := (o.tPrev - 1) / o.t
	for j := range x {
		o.y[j] = x[j] + beta*(x[j]-o.xPrev[j])
	}
	fy := eval(o.gy, o.y) - o.r(o.y)
	var fp, Fp float64
	for k := 0; ; k++ {
		floats.AddScaledTo(o.p, o.y, -o.eta, o.gy)
		if o.pen != nil {
			o.pen.Prox(o.p[:o.k], o.eta)
		}
		Fp = eval(o.gp, o.p)
		fp = Fp - o.r(o.p)
		var lin, sq float64
		for j := range o.p {
			d := o.p[j] - o.y[j]
			lin += o.gy[j] * d
			sq += d * d
		}
		// The relative slack 1e-12·|fy| absorbs rounding in fp and fy, which
		// are sums of n squares: near the minimum the true margin is below
		// it, and a rejection there would only shrink the step.
		if fp <= fy+lin+sq/(2*o.eta)+1e-12*math.Abs(fy) {
			break
		}
		if k == o.max {
			return f, 0, &LineSearchError{Method: "FISTA", Step: o.eta, Trials: k + 1}
		}
		o.eta *= o.shrink
	}
	tNew := (1 + math.Sqrt(1+4*o.t*o.t)) / 2
	if !o.NoRestart && Fp > f {
		tNew, o.t = 1, 1 // adaptive restart: the next step has no momentum
	}
	copy(o.xPrev, x)
	copy(x, o.p)
	copy(g, o.gp)
	o.tPrev, o.t = o.t, tNew
	return Fp, o.eta, nil
}

// DefaultRate returns 1/L, or 1 when L is unknown (backtracking shrinks it).
func (o *FISTA) DefaultRate(l, _ float64) float64 { return (&GD{}).DefaultRate(l, 1) }

// MarshalBinary returns the momentum, step and previous iterate.
func (o *FISTA) MarshalBinary() ([]byte, error) {
	return encodeState([]int{o.dim, o.started}, []float64{o.t, o.tPrev, o.eta}, o.xPrev), nil
}

// UnmarshalBinary restores the state; call Init with the same dimension first.
func (o *FISTA) UnmarshalBinary(b []byte) error {
	var dim int
	sc := make([]float64, 3)
	if err := decodeState("FISTA", b, []*int{&dim, &o.started}, sc, o.xPrev); err != nil {
		return err
	}
	if dim != o.dim {
		return fmt.Errorf("optim: FISTA state for dimension %d, have %d", dim, o.dim)
	}
	o.t, o.tPrev, o.eta = sc[0], sc[1], sc[2]
	return nil
}
