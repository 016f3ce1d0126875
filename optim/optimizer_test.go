package optim

import (
	"math"
	"testing"
)

func TestOptimizerStateRoundTrip(t *testing.T) {
	grads := [][]float64{{0.1, -0.2, 0.3}, {-0.05, 0.4, 0.1}, {0.2, 0.2, -0.3}, {0.3, -0.1, 0.05}}
	for _, mk := range []func() Optimizer{
		func() Optimizer { return &SGD{} },
		func() Optimizer { return &Momentum{} },
		func() Optimizer { return &Nesterov{} },
		func() Optimizer { return &AdaGrad{} },
		func() Optimizer { return &RMSProp{} },
		func() Optimizer { return &Adam{} },
		func() Optimizer { return &AdamW{WeightDecay: 0.1} },
	} {
		a, b := mk(), mk()
		xa := []float64{1, 2, 3}
		a.Init(3)
		for _, g := range grads[:2] {
			a.Update(xa, g, 0.05)
		}
		state, err := a.(stateful).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		b.Init(3)
		if err := b.(stateful).UnmarshalBinary(state); err != nil {
			t.Fatalf("%T: %v", b, err)
		}
		xb := append([]float64(nil), xa...)
		for _, g := range grads[2:] {
			a.Update(xa, g, 0.05)
			b.Update(xb, g, 0.05)
		}
		for j := range xa {
			if math.Float64bits(xa[j]) != math.Float64bits(xb[j]) {
				t.Errorf("%T: restored run differs at %d: %v vs %v", a, j, xb[j], xa[j])
			}
		}
		// A state for another dimension is refused.
		c := mk()
		c.Init(4)
		if _, isSGD := c.(*SGD); !isSGD {
			if err := c.(stateful).UnmarshalBinary(state); err == nil {
				t.Errorf("%T: state of dimension 3 accepted after Init(4)", c)
			}
		}
	}
}

func TestAdamWDecaysOnlyPenalized(t *testing.T) {
	// With g = 0 the Adam part does nothing: the penalised coordinates shrink
	// by 1 − ηλ and the intercept stays.
	o := &AdamW{WeightDecay: 0.5}
	o.Init(3)
	o.setPenalized(2)
	x := []float64{2, -4, 7}
	o.Update(x, []float64{0, 0, 0}, 0.1)
	if want := []float64{2 * 0.95, -4 * 0.95, 7}; x[0] != want[0] || x[1] != want[1] || x[2] != want[2] {
		t.Errorf("x = %v, want %v", x, want)
	}
}
