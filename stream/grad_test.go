package stream

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// gradParams returns standardised-scale parameters with centres and scales
// from the data's own column means and SDs, and random coefficients.
func gradParams(x *mat.Dense, seed uint64) *GradParams {
	n, d := x.Dims()
	rng := rand.New(rand.NewPCG(seed, 3))
	p := &GradParams{Intercept: rng.NormFloat64(), Coef: make([]float64, d), Center: make([]float64, d), Scale: make([]float64, d)}
	for j := 0; j < d; j++ {
		c := mat.Col(nil, j, x)
		m := floats.Sum(c) / float64(n)
		var ss float64
		for _, v := range c {
			ss += (v - m) * (v - m)
		}
		p.Center[j], p.Scale[j] = m, math.Sqrt(ss/float64(n))
		p.Coef[j] = rng.NormFloat64()
	}
	return p
}

// naiveGrad evaluates the loss and gradient in the original-scale form the
// optimiser's kernel uses: β' = β/s, b' = b − Σμβ', r = Xβ' + b' − y,
// ∂L/∂βⱼ = (Σwrxⱼ/W − μⱼ·r̄)/sⱼ, ∂L/∂b = r̄.
func naiveGrad(x *mat.Dense, y, w []float64, p *GradParams) (loss float64, g []float64, gb float64) {
	n, d := x.Dims()
	bp := p.Intercept
	wp := make([]float64, d)
	for j := range wp {
		wp[j] = p.Coef[j] / p.Scale[j]
		bp -= p.Center[j] * wp[j]
	}
	g = make([]float64, d)
	var sw, sr, sl float64
	for i := 0; i < n; i++ {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		r := floats.Dot(x.RawRowView(i), wp) + bp - y[i]
		sw += wi
		sr += wi * r
		sl += wi * r * r
		floats.AddScaled(g, wi*r, x.RawRowView(i))
	}
	for j := range g {
		g[j] = (g[j]/sw - p.Center[j]*sr/sw) / p.Scale[j]
	}
	return sl / (2 * sw), g, sr / sw
}

func TestGradMatchesNaive(t *testing.T) {
	for _, weighted := range []bool{false, true} {
		x, y, w := synth(31, 500, 4, weighted)
		p := gradParams(x, 1)
		acc := NewGrad(p)
		if err := acc.Add(x, y, w); err != nil {
			t.Fatal(err)
		}
		loss, g, gb := naiveGrad(x, y, w, p)
		got, gotB := acc.Gradient(nil)
		// 1e-11: the naive form subtracts μⱼ·r̄ from Σwrxⱼ/W and loses
		// log10(|μ|/s) ≈ 1 digit to cancellation on this data.
		if e := maxRel(append(got, gotB), append(g, gb)); e > 1e-11 {
			t.Errorf("weighted=%t: gradient %v %v, want %v %v", weighted, got, gotB, g, gb)
		}
		if e := relDiff(acc.Loss(), loss); e > 1e-13 {
			t.Errorf("weighted=%t: loss %v, want %v", weighted, acc.Loss(), loss)
		}
	}
}

// At the least-squares solution the gradient vanishes: Xᵀr ≈ 0.
func TestGradZeroAtOptimum(t *testing.T) {
	x, y, w := synth(37, 800, 3, true)
	q := NewQR(3, true)
	if err := q.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	r := mustSolve(t, q, 0)
	// Unstandardised parameters: centre 0, scale 1.
	acc := NewGrad(&GradParams{Coef: r.Coef, Intercept: r.Intercept})
	if err := acc.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	g, gb := acc.Gradient(nil)
	// The gradient is Zᵀr/W with ‖r‖ ≈ √(2L); at the optimum it is zero up to
	// ε·‖Z‖·‖r‖/W. 1e-12 is that bound with ‖Z‖/√W ≈ 10 and a safety factor.
	scale := math.Sqrt(2*acc.Loss()) * 10
	for j, v := range append(g, gb) {
		if math.Abs(v) > 1e-12*scale {
			t.Errorf("gradient[%d] = %v at the optimum", j, v)
		}
	}
	// And the loss is RSS/(2W).
	if e := relDiff(acc.Loss(), r.RSS/(2*r.SumWeights)); e > 1e-12 {
		t.Errorf("loss %v, want RSS/2W = %v", acc.Loss(), r.RSS/(2*r.SumWeights))
	}
}

func TestGradMergeOrder(t *testing.T) {
	const n, d = 3000, 5
	x, y, w := synth(41, n, d, true)
	p := gradParams(x, 2)
	whole := NewGrad(p)
	if err := whole.Add(x, y, w); err != nil {
		t.Fatal(err)
	}
	wantG, wantB := whole.Gradient(nil)
	for _, cuts := range [][]int{{0, 1, n}, {0, 1000, 2000, n}, {0, 17, 64, 1999, 2500, n}} {
		var pieces []*Grad
		for i := 0; i+1 < len(cuts); i++ {
			g := NewGrad(p)
			if err := g.Add(x.Slice(cuts[i], cuts[i+1], 0, d), y[cuts[i]:cuts[i+1]], w[cuts[i]:cuts[i+1]]); err != nil {
				t.Fatal(err)
			}
			pieces = append(pieces, g)
		}
		// Merge backwards, the opposite order to the data.
		total := pieces[len(pieces)-1]
		for i := len(pieces) - 2; i >= 0; i-- {
			if err := total.Merge(pieces[i]); err != nil {
				t.Fatal(err)
			}
		}
		g, b := total.Gradient(nil)
		// 1e-12: the brief's merge tolerance; the gradient is far from zero
		// at random parameters, so sums do not cancel.
		if e := maxRel(append(g, b), append(wantG, wantB)); e > 1e-12 {
			t.Errorf("cuts %v: gradient differs by %.3g", cuts, e)
		}
		if relDiff(total.Loss(), whole.Loss()) > 1e-12 || total.N() != whole.N() {
			t.Errorf("cuts %v: loss %v N %d, want %v %d", cuts, total.Loss(), total.N(), whole.Loss(), whole.N())
		}
	}
	other := NewGrad(&GradParams{Coef: make([]float64, d)})
	if err := whole.Merge(other); err == nil {
		t.Error("merging accumulators at different parameters succeeded")
	}
}
