package net

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// gradData is a small random regression problem: n rows, d inputs, k
// targets, with weights.
func gradData(n, d, k int, seed uint64) *dataset {
	rng := rand.New(rand.NewPCG(seed, 1))
	ds := &dataset{x: make([]float64, n*d), y: make([]float64, n*k), w: make([]float64, n), n: n, d: d, k: k}
	for i := range ds.x {
		ds.x[i] = rng.NormFloat64()
	}
	for i := range ds.y {
		ds.y[i] = rng.NormFloat64()
	}
	for i := range ds.w {
		ds.w[i] = 0.5 + rng.Float64()
		ds.sumW += ds.w[i]
	}
	return ds
}

// gradCases is every activation under every initialisation, with and
// without residual connections and layer norm.
func gradCases() []struct {
	name string
	arch Arch
	init Init
} {
	var cs []struct {
		name string
		arch Arch
		init Init
	}
	inits := []Init{{}, {Kind: He}, {Kind: Xavier}, {Kind: Orthogonal}, {Kind: Normal, Scale: 0.5}, {Kind: Uniform, Scale: 0.7}}
	for act := range numActivations {
		for _, in := range inits {
			for _, res := range []bool{false, true} {
				for _, ln := range []bool{false, true} {
					a := Arch{Inputs: 3, Outputs: 2, Hidden: []int{5, 5, 4}, Activations: []Activation{act}, Residual: res, LayerNorm: ln}
					cs = append(cs, struct {
						name string
						arch Arch
						init Init
					}{fmt.Sprintf("%v/%v/res=%v/ln=%v", act, in, res, ln), a, in})
				}
			}
		}
	}
	return cs
}

// TestGradientCentralDifference checks the backpropagated gradient against
// central differences, for every option. With h = 1e-5 the truncation error
// is O(h²·|F”'|) ≈ 1e-10 and the rounding error ε·|F|/h ≈ 1e-11, so 1e-7
// relative to the largest component leaves three digits of margin and
// still catches any wrong term (which is of the order of the gradient).
func TestGradientCentralDifference(t *testing.T) {
	ds := gradData(40, 3, 2, 7) // the blocking is exercised by TestBatchAndJacobianAgree
	for _, c := range gradCases() {
		m := newModel(c.arch)
		theta := make([]float64, m.dim)
		c.arch.initialise(theta, c.init, 3)
		// Move the layer-norm gains and the biases off their starting
		// values so that their gradients are exercised in general.
		rng := rand.New(rand.NewPCG(9, 9))
		for j := c.arch.Weights(); j < m.dim; j++ {
			theta[j] += 0.3 * rng.NormFloat64()
		}
		g := make([]float64, m.dim)
		m.loss(g, theta, ds)
		gmax := 0.0
		for _, v := range g {
			gmax = math.Max(gmax, math.Abs(v))
		}
		xt := append([]float64(nil), theta...)
		worst := 0.0
		for j := range theta {
			h := 1e-5
			xt[j] = theta[j] + h
			fp := m.loss(nil, xt, ds)
			xt[j] = theta[j] - h
			fm := m.loss(nil, xt, ds)
			xt[j] = theta[j]
			worst = math.Max(worst, math.Abs((fp-fm)/(2*h)-g[j]))
		}
		if worst > 1e-7*math.Max(gmax, 1e-3) {
			t.Errorf("%s: gradient differs from central differences by %.3g (largest component %.3g)", c.name, worst, gmax)
		}
	}
}

// TestBatchAndJacobianAgree checks the three ways the backward pass is
// used against each other: the full-batch gradient equals the mini-batch
// gradient over all rows (in another order) and Jᵀr from the
// Levenberg–Marquardt Jacobian and residuals (½‖r‖² is the loss). Both
// are sums of the same terms in another order: 1e-12 relative.
func TestBatchAndJacobianAgree(t *testing.T) {
	ds := gradData(300, 3, 2, 11)
	x := mat.NewDense(ds.n, ds.d, ds.x)
	y := mat.NewDense(ds.n, ds.k, ds.y)
	for _, c := range gradCases() {
		if c.init.Kind != Default {
			continue
		}
		tr, err := newTrainer(x, y, &Settings{Hidden: c.arch.Hidden, Activations: c.arch.Activations, Residual: c.arch.Residual, LayerNorm: c.arch.LayerNorm, Weights: ds.w, Raw: true, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		m, theta := tr.m, tr.nn.Theta
		g := make([]float64, m.dim)
		f := m.loss(g, theta, tr.ds)
		rows := make([]int, ds.n)
		for i := range rows {
			rows[i] = ds.n - 1 - i
		}
		gb := make([]float64, m.dim)
		fb := m.batchLoss(gb, theta, tr.ds, rows)
		p, err := tr.lmProblem()
		if err != nil {
			t.Fatal(err)
		}
		r := make([]float64, p.M)
		p.Residuals(r, theta)
		jac := mat.NewDense(p.M, m.dim, nil)
		p.Jacobian(jac, theta)
		gj := make([]float64, m.dim)
		mat.NewVecDense(m.dim, gj).MulVec(jac.T(), mat.NewVecDense(p.M, r))
		half := 0.0
		for _, v := range r {
			half += v * v / 2
		}
		for _, pair := range []struct {
			what string
			a, b []float64
		}{{"batch", g, gb}, {"jacobian", g, gj}} {
			if e := relDiff(pair.a, pair.b); e > 1e-12 {
				t.Errorf("%s: %s gradient differs by %.3g relative", c.name, pair.what, e)
			}
		}
		if math.Abs(f-fb) > 1e-12*f || math.Abs(f-half) > 1e-12*f {
			t.Errorf("%s: loss %v, batch %v, ½‖r‖² %v", c.name, f, fb, half)
		}
	}
}

func relDiff(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Abs(a[i]))
	}
	return num / den
}
