package optim

import (
	"encoding"
	"fmt"
	"math"
)

// Optimizer is an update rule. Init prepares state for a parameter vector of
// length dim (and resets any previous state); Update moves x one step given
// the gradient g of the objective at x and the learning rate lr. Update must
// not keep g or x and must not allocate.
//
// Every optimiser in this package also implements encoding.BinaryMarshaler
// and BinaryUnmarshaler, so its state (moments, step count, curvature pairs)
// can be saved and a resumed fit continues bit for bit.
type Optimizer interface {
	Init(dim int)
	Update(x, g []float64, lr float64)
}

// Stepper is a full-batch method that searches along its direction itself,
// evaluating the objective: gradient descent with backtracking and L-BFGS.
// Given x with objective f and gradient g, Step moves x to the accepted point,
// overwrites g with the gradient there and returns its objective. eval(grad,
// x) returns the objective at x and stores its gradient in grad. lr is the
// first trial step; Step returns the step length it accepted as well.
// The driver always runs a Stepper on the full batch.
type Stepper interface {
	Optimizer
	Step(x, g []float64, f, lr float64, eval func(grad, x []float64) float64) (fNew, step float64, err error)
}

// DefaultRater is implemented by optimisers that choose their own default
// learning rate when Settings.LearningRate is 0. l is the Lipschitz constant
// of the objective's gradient (NaN when unknown) and batchFrac the fraction
// b/n of the rows in a mini-batch (1 for the full batch).
type DefaultRater interface {
	DefaultRate(l, batchFrac float64) float64
}

// scaledRater is implemented by the adaptive methods, whose steps are about
// η per coordinate whatever the gradient's scale: given Problem.Scale, the
// typical size of the solution's coordinates, scaledRate returns the default
// rate in those units.
type scaledRater interface {
	scaledRate(scale float64) float64
}

// penalizedSetter is implemented by optimisers that need to know which
// coordinates are penalised (AdamW's decoupled decay): the first k.
type penalizedSetter interface {
	setPenalized(k int)
}

// proxStepper is implemented by the update rules with which a proximal step
// is exact: proxStep returns the step t to use in prox_{tR} after an update
// with rate lr, the step the rule takes along −g at a fixed point, so that
// the fixed points of update-then-prox are the minimisers of loss + R.
type proxStepper interface {
	proxStep(lr float64) float64
}

type stateful interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

var (
	_ stateful = (*SGD)(nil)
	_ stateful = (*Momentum)(nil)
	_ stateful = (*Nesterov)(nil)
	_ stateful = (*AdaGrad)(nil)
	_ stateful = (*RMSProp)(nil)
	_ stateful = (*Adam)(nil)
	_ stateful = (*AdamW)(nil)
	_ stateful = (*GD)(nil)
	_ stateful = (*LBFGS)(nil)

	_ DefaultRater = (*SGD)(nil)
	_ DefaultRater = (*Momentum)(nil)
	_ DefaultRater = (*Nesterov)(nil)
	_ DefaultRater = (*AdaGrad)(nil)
	_ DefaultRater = (*RMSProp)(nil)
	_ DefaultRater = (*Adam)(nil)
	_ DefaultRater = (*AdamW)(nil)
	_ DefaultRater = (*GD)(nil)
	_ DefaultRater = (*LBFGS)(nil)
	_ Stepper      = (*GD)(nil)
	_ Stepper      = (*LBFGS)(nil)
)

func checkDim(name string, n int, x, g []float64) {
	if len(x) != n || len(g) != n {
		panic(fmt.Sprintf("optim: %s.Update got len(x)=%d len(g)=%d after Init(%d)", name, len(x), len(g), n))
	}
}

// sgdRate is the automatic rate for the plain gradient step. On the full
// batch it is 1/L: the step x − g/L minimises the quadratic upper bound
// f(x) + gᵀs + L/2‖s‖² (Nesterov, Introductory Lectures on Convex
// Optimization, 2004, §2.1.5), and on a quadratic it halves the 2/L bound
// beyond which gradient descent diverges. With mini-batches of b of n rows it
// is
//
//	η = min(1/(2L), b/(n·L)):
//
// half the full-batch rate, because batch gradients are noisy and a batch's
// curvature can exceed L, and at most b/(nL), so that one epoch of n/b steps
// moves about as far as one full-batch step of 1/L. The second cap keeps
// the stationary noise of constant-rate SGD, whose mean squared error grows
// like η/b (Bottou, Curtis & Nocedal, SIAM Review 2018, Theorem 4.6), at the
// level of one full-batch step spread over the epoch: it shrinks like 1/n.
// When L is unknown the rate is 1e-3.
func sgdRate(l float64, batchFrac float64) float64 {
	if !(l > 0) || math.IsInf(l, 1) {
		return 1e-3
	}
	if batchFrac >= 1 {
		return 1 / l
	}
	return math.Min(0.5, batchFrac) / l
}

// SGD is plain (stochastic) gradient descent, x ← x − η g: on the full batch
// the textbook batch gradient descent θ ← θ − α·∇J(θ) (Cauchy 1847), with
// mini-batches Robbins & Monro (1951). PyTorch's torch.optim.SGD with
// momentum 0. Its automatic rate is 1/L on the full batch and
// min(1/(2L), b/(nL)) with mini-batches of b rows (see DefaultRate).
type SGD struct {
	n int
}

// Init records the dimension; SGD has no other state.
func (o *SGD) Init(dim int) { o.n = dim }

// Update sets x ← x − lr·g.
func (o *SGD) Update(x, g []float64, lr float64) {
	checkDim("SGD", o.n, x, g)
	for j, gj := range g {
		// The conversion keeps the product rounded on its own (no FMA), as in
		// the batch-1 least-squares fast path (kernel.LS.SGDStep).
		x[j] -= float64(lr * gj)
	}
}

func (o *SGD) proxStep(lr float64) float64 { return lr }

// DefaultRate returns 1/L on the full batch (batchFrac = 1) and
// min(1/(2L), b/(nL)) with mini-batches of b of n rows: half the full-batch
// rate, because batch gradients are noisy and a batch's curvature can exceed
// L, and at most b/(nL), so that an epoch of n/b steps moves about as far as
// one full-batch step. The cap keeps the stationary noise of constant-rate
// SGD, whose mean squared error grows like η/b (Bottou, Curtis & Nocedal,
// SIAM Review 2018, Theorem 4.6), shrinking like 1/n. L unknown gives 1e-3.
func (o *SGD) DefaultRate(l, batchFrac float64) float64 { return sgdRate(l, batchFrac) }

// MarshalBinary returns the (empty) state.
func (o *SGD) MarshalBinary() ([]byte, error) { return encodeState([]int{o.n}), nil }

// UnmarshalBinary checks the state matches the dimension.
func (o *SGD) UnmarshalBinary(b []byte) error {
	var n int
	if err := decodeState("SGD", b, []*int{&n}); err != nil {
		return err
	}
	if n != o.n {
		return fmt.Errorf("optim: SGD state for dimension %d, Init(%d)", n, o.n)
	}
	return nil
}

// Momentum is the heavy-ball method (Polyak 1964) in PyTorch's form
// (torch.optim.SGD with momentum μ and dampening τ):
//
//	b ← g                      on the first step
//	b ← μ b + (1 − τ) g        afterwards
//	x ← x − η b
//
// Beta is μ (0 means 0.9, the usual choice; PyTorch has no default) and
// Dampening is τ (default 0). The automatic rate is 1/L on the full batch
// (stable, since heavy ball is stable for η < 2(1+μ)/L) and (1−μ) times
// SGD's rate with mini-batches, so the effective step η/(1−μ) equals SGD's.
type Momentum struct {
	Beta      float64
	Dampening float64

	beta float64
	t    int
	buf  []float64
}

func momentumBeta(b float64) float64 {
	if b == 0 {
		b = 0.9
	}
	if !(b > 0 && b < 1) {
		panic(fmt.Sprintf("optim: momentum Beta must be in (0, 1), got %v", b))
	}
	return b
}

// Init resets the velocity.
func (o *Momentum) Init(dim int) {
	o.beta = momentumBeta(o.Beta)
	if !(o.Dampening >= 0 && o.Dampening < 1) {
		panic(fmt.Sprintf("optim: Momentum.Dampening must be in [0, 1), got %v", o.Dampening))
	}
	o.t = 0
	o.buf = make([]float64, dim)
}

// Update takes one heavy-ball step.
func (o *Momentum) Update(x, g []float64, lr float64) {
	checkDim("Momentum", len(o.buf), x, g)
	momentumBuf(o.buf, g, o.beta, o.Dampening, o.t == 0)
	o.t++
	for j, b := range o.buf {
		x[j] -= lr * b
	}
}

func momentumBuf(buf, g []float64, beta, damp float64, first bool) {
	if first {
		copy(buf, g)
		return
	}
	for j, gj := range g {
		buf[j] = beta*buf[j] + (1-damp)*gj
	}
}

// At a fixed point b = (1−τ)g/(1−μ): the step along −g is η(1−τ)/(1−μ).
func (o *Momentum) proxStep(lr float64) float64 {
	return lr * (1 - o.Dampening) / (1 - o.beta)
}

// DefaultRate returns 1/L on the full batch and (1−μ) times SGD's rate with
// mini-batches.
func (o *Momentum) DefaultRate(l, batchFrac float64) float64 {
	if batchFrac < 1 {
		return (1 - momentumBeta(o.Beta)) * sgdRate(l, batchFrac)
	}
	return sgdRate(l, 1)
}

// MarshalBinary returns the step count and velocity.
func (o *Momentum) MarshalBinary() ([]byte, error) { return encodeState([]int{o.t}, o.buf), nil }

// UnmarshalBinary restores the state; call Init first.
func (o *Momentum) UnmarshalBinary(b []byte) error {
	return decodeState("Momentum", b, []*int{&o.t}, o.buf)
}

// Nesterov is Nesterov's accelerated gradient in the form of Sutskever,
// Martens, Dahl & Hinton (2013), as PyTorch implements it (torch.optim.SGD
// with nesterov=True), which evaluates the gradient at the current x:
//
//	b ← μ b + (1 − τ) g   (b ← g on the first step)
//	x ← x − η (g + μ b)
//
// Beta is μ (0 means 0.9) and Dampening τ (default 0). Automatic rates are as
// for Momentum.
type Nesterov struct {
	Beta      float64
	Dampening float64

	beta float64
	t    int
	buf  []float64
}

// Init resets the velocity.
func (o *Nesterov) Init(dim int) {
	o.beta = momentumBeta(o.Beta)
	if !(o.Dampening >= 0 && o.Dampening < 1) {
		panic(fmt.Sprintf("optim: Nesterov.Dampening must be in [0, 1), got %v", o.Dampening))
	}
	o.t = 0
	o.buf = make([]float64, dim)
}

// Update takes one Nesterov step.
func (o *Nesterov) Update(x, g []float64, lr float64) {
	checkDim("Nesterov", len(o.buf), x, g)
	momentumBuf(o.buf, g, o.beta, o.Dampening, o.t == 0)
	o.t++
	for j, b := range o.buf {
		x[j] -= lr * (g[j] + o.beta*b)
	}
}

// At a fixed point b = (1−τ)g/(1−μ): the step along −g is
// η(1 + μ(1−τ)/(1−μ)).
func (o *Nesterov) proxStep(lr float64) float64 {
	return lr * (1 + o.beta*(1-o.Dampening)/(1-o.beta))
}

// DefaultRate is Momentum's.
func (o *Nesterov) DefaultRate(l, batchFrac float64) float64 {
	return (&Momentum{Beta: o.Beta}).DefaultRate(l, batchFrac)
}

// MarshalBinary returns the step count and velocity.
func (o *Nesterov) MarshalBinary() ([]byte, error) { return encodeState([]int{o.t}, o.buf), nil }

// UnmarshalBinary restores the state; call Init first.
func (o *Nesterov) UnmarshalBinary(b []byte) error {
	return decodeState("Nesterov", b, []*int{&o.t}, o.buf)
}

// AdaGrad scales each coordinate by its accumulated squared gradients (Duchi,
// Hazan & Singer 2011), as torch.optim.Adagrad:
//
//	s ← s + g²,   x ← x − η g/(√s + ε)
//
// Eps 0 means PyTorch's 1e-10. The default rate is PyTorch's 1e-2; adaptive
// methods move each coordinate by about η per step whatever the gradient's
// scale, so the 1/L bound does not apply to them.
type AdaGrad struct {
	Eps float64

	eps float64
	sum []float64
}

// Init resets the accumulator.
func (o *AdaGrad) Init(dim int) {
	o.eps = orDefault(o.Eps, 1e-10, "AdaGrad.Eps")
	o.sum = make([]float64, dim)
}

// Update takes one AdaGrad step.
func (o *AdaGrad) Update(x, g []float64, lr float64) {
	checkDim("AdaGrad", len(o.sum), x, g)
	for j, gj := range g {
		o.sum[j] += gj * gj
		x[j] -= lr * gj / (math.Sqrt(o.sum[j]) + o.eps)
	}
}

// DefaultRate returns PyTorch's 1e-2.
func (o *AdaGrad) DefaultRate(_, _ float64) float64 { return 1e-2 }

// With a known scale D of the solution's coordinates the rate is D/√2, the
// step of Duchi, Hazan & Singer (JMLR 2011, the diagonal AdaGrad bound with
// η = D∞/√2), D∞ the largest distance of a coordinate from the optimum. Its
// effective rate η/√(Σg²) already decays like 1/√t: PyTorch's 1e-2, meant
// for coordinates of order 1e-2, barely moves a coordinate of order 1.
func (o *AdaGrad) scaledRate(d float64) float64 { return d / math.Sqrt2 }

// MarshalBinary returns the accumulator.
func (o *AdaGrad) MarshalBinary() ([]byte, error) { return encodeState(nil, o.sum), nil }

// UnmarshalBinary restores the state; call Init first.
func (o *AdaGrad) UnmarshalBinary(b []byte) error { return decodeState("AdaGrad", b, nil, o.sum) }

// RMSProp divides by a running root mean square of the gradients (Tieleman &
// Hinton 2012, lecture 6.5), as torch.optim.RMSprop:
//
//	v ← α v + (1 − α) g²,   x ← x − η g/(√v + ε)
//
// Alpha 0 means 0.99 and Eps 0 means 1e-8 (PyTorch's defaults). The default
// rate is PyTorch's 1e-2.
type RMSProp struct {
	Alpha float64
	Eps   float64

	alpha, eps float64
	v          []float64
}

// Init resets the running average.
func (o *RMSProp) Init(dim int) {
	o.alpha = orDefault(o.Alpha, 0.99, "RMSProp.Alpha")
	if o.alpha >= 1 {
		panic(fmt.Sprintf("optim: RMSProp.Alpha must be in (0, 1), got %v", o.Alpha))
	}
	o.eps = orDefault(o.Eps, 1e-8, "RMSProp.Eps")
	o.v = make([]float64, dim)
}

// Update takes one RMSProp step.
func (o *RMSProp) Update(x, g []float64, lr float64) {
	checkDim("RMSProp", len(o.v), x, g)
	a := o.alpha
	for j, gj := range g {
		o.v[j] = a*o.v[j] + (1-a)*gj*gj
		x[j] -= lr * gj / (math.Sqrt(o.v[j]) + o.eps)
	}
}

// DefaultRate returns PyTorch's 1e-2.
func (o *RMSProp) DefaultRate(_, _ float64) float64 { return 1e-2 }

// With a known scale D of the solution's coordinates the rate is 1e-3·D:
// Keras's default rate for RMSprop (1e-3), in the units of the solution.
// RMSProp's steps do not shrink as the gradient does (g/√v stays of order
// 1 in the noise), so its rate sets how far it ends from the optimum;
// PyTorch's 1e-2 leaves it ten times further.
func (o *RMSProp) scaledRate(d float64) float64 { return 1e-3 * d }

// MarshalBinary returns the running average.
func (o *RMSProp) MarshalBinary() ([]byte, error) { return encodeState(nil, o.v), nil }

// UnmarshalBinary restores the state; call Init first.
func (o *RMSProp) UnmarshalBinary(b []byte) error { return decodeState("RMSProp", b, nil, o.v) }

// Adam is adaptive moment estimation (Kingma & Ba 2015, Algorithm 1) in
// PyTorch's arithmetic (torch.optim.Adam):
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
//	x ← x − (η/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε)
//
// Beta1, Beta2 and Eps default to 0.9, 0.999 and 1e-8; the default rate is
// PyTorch's 1e-3.
type Adam struct {
	Beta1, Beta2, Eps float64

	b1, b2, eps float64
	t           int
	m, v        []float64
}

func orDefault(v, def float64, name string) float64 {
	if v == 0 {
		return def
	}
	if !(v > 0) || math.IsInf(v, 1) {
		panic(fmt.Sprintf("optim: %s must be positive and finite, got %v", name, v))
	}
	return v
}

// Init resets the moments.
func (o *Adam) Init(dim int) {
	o.b1 = orDefault(o.Beta1, 0.9, "Adam.Beta1")
	o.b2 = orDefault(o.Beta2, 0.999, "Adam.Beta2")
	o.eps = orDefault(o.Eps, 1e-8, "Adam.Eps")
	if o.b1 >= 1 || o.b2 >= 1 {
		panic(fmt.Sprintf("optim: Adam betas must be in [0, 1), got %v, %v", o.Beta1, o.Beta2))
	}
	o.t = 0
	o.m = make([]float64, dim)
	o.v = make([]float64, dim)
}

// Update takes one Adam step.
func (o *Adam) Update(x, g []float64, lr float64) {
	checkDim("Adam", len(o.m), x, g)
	o.t++
	adamStep(x, g, o.m, o.v, lr, o.b1, o.b2, o.eps, o.t)
}

func adamStep(x, g, m, v []float64, lr, b1, b2, eps float64, t int) {
	bc1 := 1 - math.Pow(b1, float64(t))
	bc2 := math.Sqrt(1 - math.Pow(b2, float64(t)))
	step := lr / bc1
	for j, gj := range g {
		m[j] = b1*m[j] + (1-b1)*gj
		v[j] = b2*v[j] + (1-b2)*gj*gj
		x[j] -= step * m[j] / (math.Sqrt(v[j])/bc2 + eps)
	}
}

// DefaultRate returns PyTorch's 1e-3.
func (o *Adam) DefaultRate(_, _ float64) float64 { return 1e-3 }

// With a known scale D of the solution's coordinates the rate is 1e-3·D:
// Kingma & Ba's 1e-3 (2015, Algorithm 1), in the units of the solution.
func (o *Adam) scaledRate(d float64) float64 { return 1e-3 * d }

// MarshalBinary returns the step count and moments.
func (o *Adam) MarshalBinary() ([]byte, error) { return encodeState([]int{o.t}, o.m, o.v), nil }

// UnmarshalBinary restores the state; call Init first.
func (o *Adam) UnmarshalBinary(b []byte) error {
	return decodeState("Adam", b, []*int{&o.t}, o.m, o.v)
}

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter 2019,
// Algorithm 2; torch.optim.AdamW): before the Adam step the penalised
// coordinates are shrunk,
//
//	x_j ← x_j·(1 − η·λ)   for j < Problem.Penalized (all j when it is 0),
//
// so the decay is not rescaled by the adaptive denominators as an L2 penalty
// in the gradient would be. λ = WeightDecay. Unlike PyTorch (default 1e-2),
// WeightDecay 0 means no decay: the decay moves the minimiser away from the
// least-squares solution that every fit here is compared with; set 1e-2 for
// PyTorch's behaviour. The intercept is never decayed.
type AdamW struct {
	Adam
	WeightDecay float64

	penalized int
}

func (o *AdamW) setPenalized(k int) { o.penalized = k }

// Init resets the moments; all coordinates are decayed until the driver
// says which are penalised.
func (o *AdamW) Init(dim int) {
	if !(o.WeightDecay >= 0) {
		panic(fmt.Sprintf("optim: AdamW.WeightDecay must be ≥ 0, got %v", o.WeightDecay))
	}
	o.Adam.Init(dim)
	o.penalized = dim
}

// Update takes one AdamW step.
func (o *AdamW) Update(x, g []float64, lr float64) {
	checkDim("AdamW", len(o.m), x, g)
	if o.WeightDecay > 0 {
		f := 1 - lr*o.WeightDecay
		for j := range x[:o.penalized] {
			x[j] *= f
		}
	}
	o.t++
	adamStep(x, g, o.m, o.v, lr, o.b1, o.b2, o.eps, o.t)
}
