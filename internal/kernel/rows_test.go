package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// kernelModes lists the row kernels this build can run, each as a function
// that selects it; the returned function restores the default.
func kernelModes(t *testing.T) []struct {
	name string
	set  func() func()
} {
	t.Helper()
	var modes []struct {
		name string
		set  func() func()
	}
	for _, m := range []struct {
		name string
		ok   bool
		sel  func()
	}{
		{"avx512", hasAVX512(), func() { setKernel(true, false) }},
		{"avx2", hasAVX2(), func() { setKernel(false, true) }},
		{"go", true, func() { setKernel(false, false) }},
	} {
		if !m.ok {
			t.Logf("%s: not supported here", m.name)
			continue
		}
		sel := m.sel
		modes = append(modes, struct {
			name string
			set  func() func()
		}{m.name, func() func() {
			restore := saveKernel()
			sel()
			return restore
		}})
	}
	return modes
}

// TestRowKernelsAgree runs the block pass, the dot product and the gradient
// update with every kernel this CPU supports (AVX-512, AVX2/FMA, Go) and
// requires identical bits: all follow the arithmetic described in rows.go.
// Every d from 0 to 19 covers each tail length twice; 20 to 32 (with 0 to 19)
// every chunk count of the AVX-512 kernel that holds the gradient in
// registers four rows at a time; 33 to 105 every chunk count of the one
// that holds it two rows at a time (d ≤ 104), full and with a tail, and the
// first width past it; 100 is the benchmark width. Entries of g past d must
// stay untouched (the block pass keeps Σwr in the next slot).
func TestRowKernelsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	dims := []int{100, 101, 64, 33, 32, 31, 25, 24, 23, 21, 20,
		34, 40, 41, 47, 48, 49, 56, 57, 63, 65, 72, 73, 80, 81, 88, 89, 96, 97, 103, 104, 105}
	for d := range 20 {
		dims = append(dims, d)
	}
	modes := kernelModes(t)
	for _, d := range dims {
		const rows = 37
		stride := d + 3
		x := make([]float64, (rows-1)*stride+d) // the last row ends the slice
		for i := range x {
			x[i] = rng.NormFloat64() * math.Ldexp(1, rng.IntN(20)-10)
		}
		wp := make([]float64, d)
		for j := range wp {
			wp[j] = rng.NormFloat64()
		}
		y := make([]float64, rows)
		wt := make([]float64, rows)
		for i := range y {
			y[i] = rng.NormFloat64()
			wt[i] = rng.Float64()
		}
		wt[3] = 0
		bp := rng.NormFloat64()
		type result struct {
			g        []float64
			sr, sl   float64
			dot      float64
			axpy     []float64
			sentinel float64
		}
		run := func() []result {
			var out []result
			for _, c := range []struct {
				y, wt []float64
				grad  bool
			}{{y, wt, true}, {nil, wt, true}, {y, nil, true}, {y, wt, false}} {
				buf := make([]float64, d+1)
				buf[d] = 12345 // sentinel
				g := buf[:d]
				for j := range g {
					g[j] = rng.NormFloat64()
				}
				sr, sl := rowsK(g, x, stride, rows, wp, bp, c.y, c.wt, c.grad)
				ax := make([]float64, d+1)
				ax[d] = 12345
				axpyK(ax[:d], 1.5, x[(rows-1)*stride:])
				if ax[d] != 12345 {
					t.Fatalf("d=%d: axpy wrote past its slice", d)
				}
				out = append(out, result{g, sr, sl, dotK(x[(rows-1)*stride:], wp), ax[:d], buf[d]})
			}
			return out
		}
		var ref []result
		for _, m := range modes {
			// Each mode sees the same pseudo-random g.
			rng = rand.New(rand.NewPCG(uint64(d), 33))
			restore := m.set()
			got := run()
			restore()
			for i, r := range got {
				if r.sentinel != 12345 {
					t.Fatalf("%s d=%d case %d: the block pass wrote past g", m.name, d, i)
				}
			}
			if ref == nil {
				ref = got
				continue
			}
			for i := range got {
				a, b := got[i], ref[i]
				if !same(a.sr, b.sr) || !same(a.sl, b.sl) || !same(a.dot, b.dot) {
					t.Errorf("%s d=%d case %d: Σwr %v Σwr² %v dot %v, %s gives %v %v %v",
						m.name, d, i, a.sr, a.sl, a.dot, modes[0].name, b.sr, b.sl, b.dot)
				}
				for j := range a.g {
					if !same(a.g[j], b.g[j]) || !same(a.axpy[j], b.axpy[j]) {
						t.Errorf("%s d=%d case %d: g[%d] %v axpy %v, %s gives %v %v",
							m.name, d, i, j, a.g[j], a.axpy[j], modes[0].name, b.g[j], b.axpy[j])
					}
				}
			}
		}
	}
}

func same(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// TestLSKernelsAgree runs whole passes (full, loss only, Hessian-vector and
// mini-batch) with each kernel and requires identical bits.
func TestLSKernelsAgree(t *testing.T) {
	const n, d = 2500, 13
	x, y, w, mu, s := problem(n, d, 11)
	theta := make([]float64, d+1)
	for j := range theta {
		theta[j] = float64(j%5) - 2
	}
	idx := []int{5, 2499, 0, 1700, 5}
	run := func() []float64 {
		k := NewLS(x, n, d, d, y, w, true, mu, s)
		g := make([]float64, d+1)
		out := []float64{k.LossGrad(g, theta)}
		out = append(out, g...)
		out = append(out, k.LossGrad(nil, theta))
		k.HessVec(g, theta)
		out = append(out, g...)
		out = append(out, k.BatchLossGrad(g, theta, idx))
		return append(out, g...)
	}
	var ref []float64
	for _, m := range kernelModes(t) {
		restore := m.set()
		got := run()
		restore()
		if ref == nil {
			ref = got
			continue
		}
		for i := range got {
			if !same(got[i], ref[i]) {
				t.Errorf("%s: output %d = %v, %v with the first kernel", m.name, i, got[i], ref[i])
			}
		}
	}
}

// TestBatchMatchesBlock checks that a mini-batch of the rows of one block,
// in order, gives the bits of the full pass: both use the same row
// arithmetic and accumulate in row order.
func TestBatchMatchesBlock(t *testing.T) {
	const n, d = 700, 21 // one block
	x, y, w, mu, s := problem(n, d, 12)
	k := NewLS(x, n, d, d, y, w, true, mu, s)
	theta := make([]float64, d+1)
	for j := range theta {
		theta[j] = 1 / float64(j+1)
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	g1, g2 := make([]float64, d+1), make([]float64, d+1)
	l1 := k.LossGrad(g1, theta)
	l2 := k.BatchLossGrad(g2, theta, idx)
	if !same(l1, l2) {
		t.Errorf("loss: full pass %v, batch %v", l1, l2)
	}
	for j := range g1 {
		if !same(g1[j], g2[j]) {
			t.Errorf("grad[%d]: full pass %v, batch %v", j, g1[j], g2[j])
		}
	}
}
