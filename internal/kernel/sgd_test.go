package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSGDStepMatchesBatch checks SGDStep against its definition: the
// gradient of BatchLossGrad on the one row, then θ_j ← θ_j − lr·g_j, bit for
// bit, with every kernel this CPU supports, for every d from 0 to 19 (each
// tail length of the eight- and four-wide loops) and 100, with and without
// intercept, standardisation and weights (one of them zero), from a start
// with negative zeros. The parameter past θ's end must stay untouched.
func TestSGDStepMatchesBatch(t *testing.T) {
	const n, lr = 12, 0.03
	for _, mode := range kernelModes(t) {
		restore := mode.set()
		for d := 0; d <= 20; d++ {
			if d == 20 {
				d = 100
			}
			rng := rand.New(rand.NewPCG(uint64(d), 8))
			x := make([]float64, n*(d+3)) // stride d+3: rows are not contiguous
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			y := make([]float64, n)
			w := make([]float64, n)
			for i := range y {
				y[i] = rng.NormFloat64()
				w[i] = rng.Float64() * 2
			}
			w[5] = 0
			mu, sd := make([]float64, d), make([]float64, d)
			for j := range mu {
				mu[j], sd[j] = rng.NormFloat64(), 0.5+rng.Float64()
			}
			for _, c := range []struct {
				intercept, std, weighted, record bool
			}{
				{true, false, false, false}, {false, false, false, false}, {true, true, false, false},
				{true, true, true, false}, {false, false, true, true}, {true, false, false, true},
			} {
				var cen, sc, wt []float64
				if c.std {
					cen, sc = mu, sd
				}
				if c.weighted {
					wt = w
				}
				k := NewLS(x, n, d, d+3, y, wt, c.intercept, cen, sc)
				dim := k.Dim()
				th := make([]float64, dim+1) // one guard entry
				for j := range th[:dim] {
					th[j] = math.Copysign(0, -1)
				}
				th[dim] = 42
				ref := append([]float64(nil), th...)
				g, gref := make([]float64, dim), make([]float64, dim)
				for step, i := range []int{3, 5, 0, 11, 7, 3} {
					want := k.BatchLossGrad(gref, ref[:dim], []int{i})
					for j, gj := range gref {
						ref[j] -= float64(lr * gj)
					}
					var gs []float64
					if c.record {
						gs = g
					}
					got := k.SGDStep(th[:dim], gs, i, lr)
					if math.Float64bits(got) != math.Float64bits(want) {
						t.Fatalf("%s d=%d %+v step %d: loss %v, want %v", mode.name, d, c, step, got, want)
					}
					for j := range th {
						if math.Float64bits(th[j]) != math.Float64bits(ref[j]) {
							t.Fatalf("%s d=%d %+v step %d: θ[%d] = %v, want %v", mode.name, d, c, step, j, th[j], ref[j])
						}
					}
					if c.record {
						for j := range g {
							if math.Float64bits(g[j]) != math.Float64bits(gref[j]) {
								t.Fatalf("%s d=%d %+v step %d: g[%d] = %v, want %v", mode.name, d, c, step, j, g[j], gref[j])
							}
						}
					}
				}
			}
		}
		restore()
	}
}

// TestSGDRowsStopsAtNonFinite checks that SGDRows stops before a row whose
// loss is not finite, leaving θ as the steps before it left it.
func TestSGDRowsStopsAtNonFinite(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6}
	y := []float64{1, math.Inf(1), 2}
	k := NewLS(x, 3, 2, 2, y, nil, true, nil, nil)
	th := make([]float64, 3)
	if n := k.SGDRows(th, []int{0, 2, 1, 0}, 0.1); n != 2 {
		t.Fatalf("SGDRows took %d steps, want 2 (row 1 has y = +Inf)", n)
	}
	ref := make([]float64, 3)
	k.SGDStep(ref, nil, 0, 0.1)
	k.SGDStep(ref, nil, 2, 0.1)
	for j := range th {
		if th[j] != ref[j] {
			t.Errorf("θ[%d] = %v, want %v", j, th[j], ref[j])
		}
	}
}
