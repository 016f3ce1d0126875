package schedule

import (
	"math"
	"testing"
)

func TestRates(t *testing.T) {
	// Expected factors are the closed forms in the doc comments, evaluated by hand.
	for _, c := range []struct {
		name string
		s    Schedule
		t    []int
		want []float64
	}{
		{"constant", Constant{}, []int{0, 7}, []float64{1, 1}},
		{"step", Step{Every: 3, Gamma: 0.5}, []int{0, 2, 3, 5, 6}, []float64{1, 1, 0.5, 0.5, 0.25}},
		{"step-default-gamma", Step{Every: 2}, []int{1, 2, 4}, []float64{1, 0.1, 0.1 * 0.1}},
		{"exponential", Exponential{Gamma: 0.9}, []int{0, 1, 2}, []float64{1, 0.9, 0.81}},
		{"invscaling", InvScaling{Power: 0.5}, []int{0, 3, 8}, []float64{1, 0.5, 1.0 / 3}},
		{"invscaling-default", InvScaling{}, []int{15}, []float64{0.5}}, // 16^-0.25
		{"cosine", Cosine{Period: 4, Min: 0.2}, []int{0, 2, 4, 9}, []float64{1, 0.6, 0.2, 0.2}},
		{"cosine-restarts", Cosine{Period: 4, Restarts: true}, []int{0, 2, 4, 6}, []float64{1, 0.5, 1, 0.5}},
		// Periods 2, 4, 8: restarts at t = 2 and t = 6.
		{"cosine-mult", Cosine{Period: 2, Restarts: true, Mult: 2}, []int{1, 2, 4, 6, 10}, []float64{0.5, 1, 0.5, 1, 0.5}},
		{"warmup", Warmup{N: 4, Then: Step{Every: 1, Gamma: 0.5}}, []int{0, 1, 3, 4, 5}, []float64{0.25, 0.5, 1, 1, 0.5}},
		{"warmup-nil", Warmup{N: 2}, []int{0, 1, 2}, []float64{0.5, 1, 1}},
	} {
		for i, step := range c.t {
			got := c.s.Rate(step)
			// 1e-15: a few ulps of values ≤ 1 (cos and pow rounding).
			if math.Abs(got-c.want[i]) > 1e-15 {
				t.Errorf("%s: Rate(%d) = %v, want %v", c.name, step, got, c.want[i])
			}
		}
	}
}

func TestPlateau(t *testing.T) {
	p := &Plateau{Patience: 2, Factor: 0.5}
	// 3 improving epochs, then flat: the 3rd bad epoch (> Patience) halves.
	losses := []float64{10, 9, 8, 8, 8, 8, 8, 8, 8, 7}
	want := []float64{1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25}
	for i, l := range losses {
		p.Observe(l)
		if got := p.Rate(i); got != want[i] {
			t.Errorf("after loss %d: factor %v, want %v", i, got, want[i])
		}
	}
}

func TestPlateauRoundTrip(t *testing.T) {
	a := &Plateau{Patience: 1, Cooldown: 2}
	for _, l := range []float64{5, 5, 5, 4} {
		a.Observe(l)
	}
	state, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b := &Plateau{Patience: 1, Cooldown: 2}
	if err := b.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	for i, l := range []float64{4, 4, 4, 4, 4, 3, 3, 3} {
		a.Observe(l)
		b.Observe(l)
		if a.Rate(i) != b.Rate(i) {
			t.Fatalf("step %d: restored factor %v != original %v", i, b.Rate(i), a.Rate(i))
		}
	}
	if err := b.UnmarshalBinary(state[:3]); err == nil {
		t.Error("truncated state accepted")
	}
	// Warmup passes the state through.
	w := Warmup{N: 3, Then: &Plateau{}}
	if err := w.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	if got := w.Rate(5); got != a.factorAfter(state) {
		t.Errorf("Warmup restored factor %v", got)
	}
}

func (p *Plateau) factorAfter(state []byte) float64 {
	q := &Plateau{}
	if err := q.UnmarshalBinary(state); err != nil {
		panic(err)
	}
	return q.Rate(0)
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"step every 0":   func() { Step{}.Rate(1) },
		"exp gamma 0":    func() { Exponential{}.Rate(1) },
		"cosine":         func() { Cosine{}.Rate(1) },
		"negative step":  func() { Constant{}.Rate(-1) },
		"plateau factor": func() { (&Plateau{Factor: 2}).Observe(1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
