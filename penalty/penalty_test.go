package penalty

import (
	"math"
	"testing"
)

var cases = []struct {
	name string
	p    Penalty
}{
	{"L1", L1{Alpha: 0.3}},
	{"L2", L2{Alpha: 0.7}},
	{"ElasticNet", ElasticNet{Alpha: 0.5, L1Ratio: 0.4}},
	{"ElasticNet-lasso", ElasticNet{Alpha: 0.5, L1Ratio: 1}},
	{"L2SP", L2SP{Alpha: 0.9, Ref: []float64{1, -2, 0.5, 0, 3}}},
}

// w has no zero entries, so every penalty is differentiable there.
var w = []float64{0.8, -1.3, 0.05, 2.2, -0.4}

func TestAddGradMatchesCentralDifference(t *testing.T) {
	for _, c := range cases {
		g := make([]float64, len(w))
		c.p.AddGrad(g, w)
		for j := range w {
			// h = 1e-6: central difference error O(h²) ≈ 1e-12 on these
			// quadratics, rounding ≈ 1e-16/1e-6 = 1e-10; tolerance 1e-8 covers both.
			const h = 1e-6
			wp := append([]float64(nil), w...)
			wm := append([]float64(nil), w...)
			wp[j] += h
			wm[j] -= h
			fd := (c.p.Value(wp) - c.p.Value(wm)) / (2 * h)
			if math.Abs(fd-g[j]) > 1e-8 {
				t.Errorf("%s: grad[%d] = %v, central difference %v", c.name, j, g[j], fd)
			}
		}
	}
}

// TestProxIsMinimiser checks the defining property of the proximal operator:
// u = prox_{tR}(v) minimises R(u) + ‖u − v‖²/(2t), so no perturbation of u
// does better.
func TestProxIsMinimiser(t *testing.T) {
	const step = 0.37
	for _, c := range cases {
		u := append([]float64(nil), w...)
		c.p.Prox(u, step)
		obj := func(z []float64) float64 {
			s := 0.0
			for j := range z {
				d := z[j] - w[j]
				s += d * d
			}
			return c.p.Value(z) + s/(2*step)
		}
		best := obj(u)
		for j := range u {
			for _, h := range []float64{1e-4, -1e-4, 1e-2, -1e-2} {
				z := append([]float64(nil), u...)
				z[j] += h
				// 1e-12: rounding of objectives of size ~10.
				if obj(z) < best-1e-12 {
					t.Errorf("%s: prox not minimal along coordinate %d (h=%v): %v < %v", c.name, j, h, obj(z), best)
				}
			}
		}
	}
}

func TestL1ProxExactZeros(t *testing.T) {
	u := []float64{0.2, -0.29, 0.31, -5}
	L1{Alpha: 1}.Prox(u, 0.3) // threshold 0.3
	want := []float64{0, 0, 0.31 - 0.3, -4.7}
	for j := range u {
		if j < 2 && u[j] != 0 {
			t.Errorf("u[%d] = %v, want exactly 0", j, u[j])
		}
		if math.Abs(u[j]-want[j]) > 1e-15 {
			t.Errorf("u[%d] = %v, want %v", j, u[j], want[j])
		}
	}
}

func TestCurvature(t *testing.T) {
	for _, c := range []struct {
		p    Penalty
		want float64
	}{
		{nil, 0}, {L1{Alpha: 2}, 0}, {L2{Alpha: 2}, 2},
		{ElasticNet{Alpha: 2, L1Ratio: 0.25}, 1.5}, {L2SP{Alpha: 3}, 3},
	} {
		if got := Curvature(c.p); got != c.want {
			t.Errorf("Curvature(%#v) = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestElasticNetEndpoints(t *testing.T) {
	// ρ = 1 is the lasso and ρ = 0 is ridge, exactly.
	if a, b := (ElasticNet{Alpha: 0.4, L1Ratio: 1}).Value(w), (L1{Alpha: 0.4}).Value(w); a != b {
		t.Errorf("ElasticNet ρ=1 %v != L1 %v", a, b)
	}
	if a, b := (ElasticNet{Alpha: 0.4, L1Ratio: 0}).Value(w), (L2{Alpha: 0.4}).Value(w); a != b {
		t.Errorf("ElasticNet ρ=0 %v != L2 %v", a, b)
	}
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"negative alpha": func() { L2{Alpha: -1}.Value(w) },
		"bad ratio":      func() { ElasticNet{Alpha: 1, L1Ratio: 2}.Value(w) },
		"ref length":     func() { L2SP{Alpha: 1, Ref: []float64{1}}.Value(w) },
		"grad length":    func() { L1{Alpha: 1}.AddGrad(make([]float64, 2), w) },
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
