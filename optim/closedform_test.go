package optim

import (
	"math"
	"testing"
)

// TestFirstStepsClosedForm checks the first updates of each rule against
// closed forms that follow from PyTorch's definitions (and the papers):
// bias-corrected Adam's first step is −η·g/(|g| + ε) (Kingma & Ba 2015,
// §2: m̂₁ = g, v̂₁ = g²), AdaGrad's too, RMSProp's is −η·g/(√(1−α)|g| + ε),
// heavy ball starts its buffer at g, and Nesterov's first step is
// −η(1+μ)g.
func TestFirstStepsClosedForm(t *testing.T) {
	g1 := []float64{0.1, -0.2, 0.3}
	g2 := []float64{-0.05, 0.4, 0.1}
	x0 := []float64{0.5, -1, 2}
	const lr = 0.1
	for _, c := range []struct {
		name string
		o    Optimizer
		want func(j int) float64 // x after g1 then g2
		one  bool                // only the first step has a closed form here
	}{
		{"sgd", &SGD{}, func(j int) float64 { return x0[j] - lr*g1[j] - lr*g2[j] }, false},
		{"momentum", &Momentum{Beta: 0.9}, func(j int) float64 {
			return x0[j] - lr*g1[j] - lr*(0.9*g1[j]+g2[j])
		}, false},
		{"momentum-dampening", &Momentum{Beta: 0.8, Dampening: 0.3}, func(j int) float64 {
			return x0[j] - lr*g1[j] - lr*(0.8*g1[j]+0.7*g2[j])
		}, false},
		{"nesterov", &Nesterov{Beta: 0.9}, func(j int) float64 {
			b2 := 0.9*g1[j] + g2[j]
			return x0[j] - lr*(1.9*g1[j]) - lr*(g2[j]+0.9*b2)
		}, false},
		{"adam", &Adam{}, func(j int) float64 { return x0[j] - lr*g1[j]/(math.Abs(g1[j])+1e-8) }, true},
		{"adagrad", &AdaGrad{}, func(j int) float64 { return x0[j] - lr*g1[j]/(math.Abs(g1[j])+1e-10) }, true},
		{"rmsprop", &RMSProp{}, func(j int) float64 { return x0[j] - lr*g1[j]/(math.Sqrt(0.01)*math.Abs(g1[j])+1e-8) }, true},
		{"adamw", &AdamW{WeightDecay: 0.5}, func(j int) float64 {
			return x0[j]*(1-lr*0.5) - lr*g1[j]/(math.Abs(g1[j])+1e-8)
		}, true},
	} {
		x := append([]float64(nil), x0...)
		c.o.Init(3)
		c.o.Update(x, g1, lr)
		if !c.one {
			c.o.Update(x, g2, lr)
		}
		for j := range x {
			// 1e-15: a few roundings of numbers of size ≤ 2.
			if w := c.want(j); math.Abs(x[j]-w) > 1e-15*math.Max(1, math.Abs(w)) {
				t.Errorf("%s: x[%d] = %.17g, want %.17g", c.name, j, x[j], w)
			}
		}
	}
}
