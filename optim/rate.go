package optim

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"

	"github.com/lsqgo/lsq/penalty"
)

// The learning rate: the base rate η₀ (given, or automatic from L, the
// largest eigenvalue of the loss's Hessian plus the penalty's curvature) and
// its schedule.

// rate is the scheduled rate η₀·Schedule(t), with t the epochs completed
// (the updates made with StepSchedule).
func (m *run) rate(epoch int) float64 {
	t := epoch
	if m.s.StepSchedule {
		t = m.step
	}
	return m.baseLR * m.s.Schedule.Rate(t)
}

// lipschitz returns L of the loss plus the penalty's curvature, computing it
// once.
func (m *run) lipschitz() float64 {
	if !math.IsNaN(m.lip) {
		return m.lip
	}
	var l float64
	if m.p.Lipschitz != nil {
		l = m.p.Lipschitz()
	} else {
		l = m.estimateLipschitz()
	}
	m.lip = l + penalty.Curvature(m.s.Penalty)
	return m.lip
}

// estimateLipschitz runs power iteration on finite-difference Hessian-vector
// products Hv ≈ (∇L(x + εv) − ∇L(x))/ε at the start point.
func (m *run) estimateLipschitz() float64 {
	d := m.dim
	x0 := append([]float64(nil), m.x...)
	g0 := make([]float64, d)
	v := make([]float64, d)
	xt := make([]float64, d)
	hv := make([]float64, d)
	m.p.LossGrad(g0, x0)
	rng := rand.New(rand.NewPCG(3, 4))
	for j := range v {
		v[j] = 1 + rng.Float64()
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	eps := 1e-6 * math.Max(1, floats.Norm(x0, 2))
	lambda := 0.0
	for it := 0; it < 50; it++ {
		floats.AddScaledTo(xt, x0, eps, v)
		m.p.LossGrad(hv, xt)
		floats.Sub(hv, g0)
		floats.Scale(1/eps, hv)
		n := floats.Norm(hv, 2)
		if n == 0 || math.IsNaN(n) || math.IsInf(n, 0) {
			break
		}
		done := math.Abs(n-lambda) <= 1e-4*n
		lambda = n
		floats.ScaleTo(v, 1/n, hv)
		if done {
			break
		}
	}
	if lambda == 0 {
		return math.NaN()
	}
	return lambda
}

// autoRate is the automatic base rate (Settings.LearningRate 0): the
// optimiser's rate in units of Problem.Scale when it has one and the scale
// is known, else its DefaultRate given L and the mini-batch's share of the
// rows (plain SGD's rule without one).
func (m *run) autoRate() float64 {
	l := math.NaN()
	switch m.o.(type) {
	case *AdaGrad, *RMSProp, *Adam, *AdamW:
		// Their defaults do not depend on L: do not pay for it.
	default:
		l = m.lipschitz()
	}
	frac := 1.0
	if m.s.stochastic {
		frac = float64(m.s.batch) / float64(m.p.Samples)
	}
	if sr, ok := m.o.(scaledRater); ok {
		if sc := m.p.Scale; sc > 0 && !math.IsInf(sc, 1) {
			return sr.scaledRate(sc)
		}
	}
	if dr, ok := m.o.(DefaultRater); ok {
		return dr.DefaultRate(l, frac)
	}
	return sgdRate(l, frac)
}
