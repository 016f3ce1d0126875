package penalty

import (
	"fmt"
	"math"
)

// Penalty is a regularisation term R(w).
//
// Value returns R(w). AddGrad adds a (sub)gradient of R at w into grad; at a
// kink (w_j = 0 for L1) the subgradient 0 is used. Prox replaces w, in place,
// by prox_{step·R}(w). The slices given to AddGrad must have equal lengths;
// implementations panic otherwise.
type Penalty interface {
	Value(w []float64) float64
	AddGrad(grad, w []float64)
	Prox(w []float64, step float64)
}

// Curvaturer is implemented by penalties whose smooth part has a Lipschitz
// gradient: Curvature returns that constant (α for L2, α(1−ρ) for the elastic
// net, 0 for L1). It is added to the data loss's constant when a safe learning
// rate is computed.
type Curvaturer interface {
	Curvature() float64
}

// Curvature returns p's Curvature if p implements Curvaturer, and 0 otherwise
// (also for a nil p).
func Curvature(p Penalty) float64 {
	if c, ok := p.(Curvaturer); ok {
		return c.Curvature()
	}
	return 0
}

var (
	_ Penalty    = L1{}
	_ Penalty    = L2{}
	_ Penalty    = ElasticNet{}
	_ Penalty    = L2SP{}
	_ Curvaturer = L2{}
	_ Curvaturer = ElasticNet{}
	_ Curvaturer = L2SP{}
)

func checkAlpha(name string, alpha float64) {
	if !(alpha >= 0) || math.IsInf(alpha, 1) {
		panic(fmt.Sprintf("penalty: %s.Alpha must be finite and non-negative, got %v", name, alpha))
	}
}

func checkLen(grad, w []float64) {
	if len(grad) != len(w) {
		panic(fmt.Sprintf("penalty: gradient length %d != weights length %d", len(grad), len(w)))
	}
}

// softThreshold returns sign(v)·max(|v| − t, 0), the proximal operator of t|·|.
func softThreshold(v, t float64) float64 {
	switch {
	case v > t:
		return v - t
	case v < -t:
		return v + t
	}
	return 0
}

func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// L1 is the lasso penalty R(w) = α‖w‖₁ (Tibshirani 1996). Its proximal
// operator is soft thresholding by step·α, which sets small weights exactly
// to zero.
type L1 struct {
	Alpha float64
}

// Value returns α‖w‖₁.
func (p L1) Value(w []float64) float64 {
	checkAlpha("L1", p.Alpha)
	s := 0.0
	for _, v := range w {
		s += math.Abs(v)
	}
	return p.Alpha * s
}

// AddGrad adds α·sign(w) into grad (sign(0) = 0).
func (p L1) AddGrad(grad, w []float64) {
	checkAlpha("L1", p.Alpha)
	checkLen(grad, w)
	for j, v := range w {
		grad[j] += p.Alpha * sign(v)
	}
}

// Prox soft-thresholds w by step·α.
func (p L1) Prox(w []float64, step float64) {
	checkAlpha("L1", p.Alpha)
	t := step * p.Alpha
	for j, v := range w {
		w[j] = softThreshold(v, t)
	}
}

// L2 is the ridge penalty R(w) = α/2·‖w‖² (Hoerl & Kennard 1970), scikit-learn's
// Ridge objective when the data loss is (1/2n)‖r‖² and alpha here is sklearn's
// alpha/n.
type L2 struct {
	Alpha float64
}

// Value returns α/2·‖w‖².
func (p L2) Value(w []float64) float64 {
	checkAlpha("L2", p.Alpha)
	s := 0.0
	for _, v := range w {
		s += v * v
	}
	return 0.5 * p.Alpha * s
}

// AddGrad adds α·w into grad.
func (p L2) AddGrad(grad, w []float64) {
	checkAlpha("L2", p.Alpha)
	checkLen(grad, w)
	for j, v := range w {
		grad[j] += p.Alpha * v
	}
}

// Prox shrinks w to w/(1 + step·α).
func (p L2) Prox(w []float64, step float64) {
	checkAlpha("L2", p.Alpha)
	f := 1 / (1 + step*p.Alpha)
	for j := range w {
		w[j] *= f
	}
}

// Curvature returns α.
func (p L2) Curvature() float64 { return p.Alpha }

// ElasticNet is R(w) = α(ρ‖w‖₁ + (1−ρ)/2·‖w‖²) with ρ = L1Ratio in [0, 1]
// (Zou & Hastie 2005, in the scaling of scikit-learn's ElasticNet and glmnet).
// L1Ratio 1 is the lasso and 0 is ridge.
type ElasticNet struct {
	Alpha   float64
	L1Ratio float64
}

func (p ElasticNet) check() {
	checkAlpha("ElasticNet", p.Alpha)
	if !(p.L1Ratio >= 0 && p.L1Ratio <= 1) {
		panic(fmt.Sprintf("penalty: ElasticNet.L1Ratio must be in [0, 1], got %v", p.L1Ratio))
	}
}

// Value returns α(ρ‖w‖₁ + (1−ρ)/2·‖w‖²).
func (p ElasticNet) Value(w []float64) float64 {
	p.check()
	var l1, l2 float64
	for _, v := range w {
		l1 += math.Abs(v)
		l2 += v * v
	}
	return p.Alpha * (p.L1Ratio*l1 + 0.5*(1-p.L1Ratio)*l2)
}

// AddGrad adds α(ρ·sign(w) + (1−ρ)w) into grad.
func (p ElasticNet) AddGrad(grad, w []float64) {
	p.check()
	checkLen(grad, w)
	a1, a2 := p.Alpha*p.L1Ratio, p.Alpha*(1-p.L1Ratio)
	for j, v := range w {
		grad[j] += a1*sign(v) + a2*v
	}
}

// Prox soft-thresholds by step·α·ρ and then shrinks by 1/(1 + step·α(1−ρ)),
// the closed form of the elastic-net proximal operator.
func (p ElasticNet) Prox(w []float64, step float64) {
	p.check()
	t := step * p.Alpha * p.L1Ratio
	f := 1 / (1 + step*p.Alpha*(1-p.L1Ratio))
	for j, v := range w {
		w[j] = softThreshold(v, t) * f
	}
}

// Curvature returns α(1−ρ).
func (p ElasticNet) Curvature() float64 { return p.Alpha * (1 - p.L1Ratio) }

// L2SP is R(w) = α/2·‖w − w₀‖² with w₀ = Ref, the "L2 starting point" penalty
// of Li, Grandvalet & Davoine (2018): fine-tuning pulls the weights toward a
// previous model rather than toward zero. A nil Ref means w₀ = 0 (plain L2);
// otherwise len(Ref) must equal len(w).
type L2SP struct {
	Alpha float64
	Ref   []float64
}

func (p L2SP) ref(w []float64, j int) float64 {
	if p.Ref == nil {
		return 0
	}
	if len(p.Ref) != len(w) {
		panic(fmt.Sprintf("penalty: L2SP.Ref has length %d, weights have %d", len(p.Ref), len(w)))
	}
	return p.Ref[j]
}

// Value returns α/2·‖w − w₀‖².
func (p L2SP) Value(w []float64) float64 {
	checkAlpha("L2SP", p.Alpha)
	s := 0.0
	for j, v := range w {
		d := v - p.ref(w, j)
		s += d * d
	}
	return 0.5 * p.Alpha * s
}

// AddGrad adds α(w − w₀) into grad.
func (p L2SP) AddGrad(grad, w []float64) {
	checkAlpha("L2SP", p.Alpha)
	checkLen(grad, w)
	for j, v := range w {
		grad[j] += p.Alpha * (v - p.ref(w, j))
	}
}

// Prox replaces w by (w + step·α·w₀)/(1 + step·α).
func (p L2SP) Prox(w []float64, step float64) {
	checkAlpha("L2SP", p.Alpha)
	t := step * p.Alpha
	f := 1 / (1 + t)
	for j, v := range w {
		w[j] = (v + t*p.ref(w, j)) * f
	}
}

// Curvature returns α.
func (p L2SP) Curvature() float64 { return p.Alpha }
