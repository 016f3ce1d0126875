package kernel

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// problem builds an n×d design with offsets and scales far from 0 and 1, so
// that standardisation matters, and weights in [0.5, 1.5).
func problem(n, d int, seed uint64) (x, y, w, mu, s []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x = make([]float64, n*d)
	y = make([]float64, n)
	w = make([]float64, n)
	mu = make([]float64, d)
	s = make([]float64, d)
	for j := range d {
		mu[j] = float64(j) * 3
		s[j] = 1 + float64(j)
	}
	for i := range n {
		for j := range d {
			x[i*d+j] = mu[j] + s[j]*rng.NormFloat64()
		}
		y[i] = rng.NormFloat64()
		w[i] = 0.5 + rng.Float64()
	}
	return
}

// naive computes the loss and gradient on an explicitly standardised copy.
func naive(x, y, wt, mu, s []float64, n, d int, intercept bool, theta []float64, idx []int) (float64, []float64) {
	if idx == nil {
		for i := range n {
			idx = append(idx, i)
		}
	}
	dim := d
	if intercept {
		dim++
	}
	g := make([]float64, dim)
	var loss, sw float64
	for _, i := range idx {
		z := make([]float64, dim)
		for j := range d {
			z[j] = (x[i*d+j] - mu[j]) / s[j]
		}
		if intercept {
			z[d] = 1
		}
		r := -y[i]
		for j := range dim {
			r += z[j] * theta[j]
		}
		loss += wt[i] * r * r
		sw += wt[i]
		for j := range dim {
			g[j] += wt[i] * r * z[j]
		}
	}
	for j := range g {
		g[j] /= sw
	}
	return loss / (2 * sw), g
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestLossGradMatchesNaive(t *testing.T) {
	// n = 2500 spans three blocks, the last one partial.
	const n, d = 2500, 6
	x, y, w, mu, s := problem(n, d, 1)
	theta := []float64{0.5, -1, 2, 0.25, -0.75, 1.5, 0.3}
	for _, intercept := range []bool{true, false} {
		th := theta
		if !intercept {
			th = theta[:d]
		}
		k := NewLS(x, n, d, d, y, w, intercept, mu, s)
		g := make([]float64, len(th))
		loss := k.LossGrad(g, th)
		wl, wg := naive(x, y, w, mu, s, n, d, intercept, th, nil)
		// 1e-12 relative: the two orders of summation differ only in rounding
		// (n = 2500 terms of size ~10 give errors ~1e-13).
		if !near(loss, wl, 1e-12) {
			t.Errorf("intercept=%v: loss %v, naive %v", intercept, loss, wl)
		}
		for j := range g {
			if !near(g[j], wg[j], 1e-11) {
				t.Errorf("intercept=%v: grad[%d] %v, naive %v", intercept, j, g[j], wg[j])
			}
		}
		if l2 := k.LossGrad(nil, th); l2 != loss {
			t.Errorf("loss-only pass %v != %v", l2, loss)
		}
		idx := []int{7, 2499, 3, 1024, 1023, 7}
		lb := k.BatchLossGrad(g, th, idx)
		wl, wg = naive(x, y, w, mu, s, n, d, intercept, th, idx)
		if !near(lb, wl, 1e-12) {
			t.Errorf("batch loss %v, naive %v", lb, wl)
		}
		for j := range g {
			if !near(g[j], wg[j], 1e-11) {
				t.Errorf("batch grad[%d] %v, naive %v", j, g[j], wg[j])
			}
		}
	}
}

func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	// d = 5 is all tail for the eight-lane kernels, d = 21 has two full
	// groups of eight and a tail; n = 9000 is not a multiple of the block,
	// and at n = 100 000 (98 blocks) the workers claim runs of 6, 4 and 1
	// blocks for 2, 3 and 8 workers (grainFor).
	for _, sz := range []struct{ n, d int }{{9000, 5}, {9000, 21}, {100_000, 21}} {
		n, d := sz.n, sz.d
		x, y, w, mu, s := problem(n, d, 2)
		k := NewLS(x, n, d, d, y, w, true, mu, s)
		theta := make([]float64, d+1)
		for j := range theta {
			theta[j] = float64(j + 1)
		}
		run := func(procs int) (float64, []float64) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			g := make([]float64, d+1)
			return k.LossGrad(g, theta), g
		}
		l1, g1 := run(1)
		for _, p := range []int{2, 3, 8} {
			lp, gp := run(p)
			if math.Float64bits(lp) != math.Float64bits(l1) {
				t.Errorf("n=%d d=%d GOMAXPROCS=%d: loss bits differ: %v vs %v", n, d, p, lp, l1)
			}
			for j := range gp {
				if math.Float64bits(gp[j]) != math.Float64bits(g1[j]) {
					t.Errorf("n=%d d=%d GOMAXPROCS=%d: grad[%d] bits differ", n, d, p, j)
				}
			}
		}
	}
}

// TestLossGradAlone checks that LossGradAlone gives LossGrad's bits (loss
// and gradient, or the loss alone; weights, centre and scale, intercept or
// not; n off the block size) at any GOMAXPROCS, and that it can run beside
// SGDRows on the same LS — standardised rows, whose steps write the LS's
// own w' — with both results unchanged (run with -race to see the sharing).
func TestLossGradAlone(t *testing.T) {
	const n, d = 5000, 13
	x, y, w, mu, s := problem(n, d, 4)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = (i * 7919) % n
	}
	for _, c := range []struct {
		name      string
		w, mu, s  []float64
		intercept bool
	}{
		{"plain", nil, nil, nil, true},
		{"weighted-standardised", w, mu, s, true},
		{"no-intercept", w, nil, s, false},
	} {
		k := NewLS(x, n, d, d, y, c.w, c.intercept, c.mu, c.s)
		theta := make([]float64, k.Dim())
		for j := range theta {
			theta[j] = 0.1 * float64(j%4)
		}
		g, ga := make([]float64, k.Dim()), make([]float64, k.Dim())
		l := k.LossGrad(g, theta)
		for _, procs := range []int{1, 2} {
			prev := runtime.GOMAXPROCS(procs)
			la := k.LossGradAlone(ga, theta)
			lo := k.LossGradAlone(nil, theta)
			runtime.GOMAXPROCS(prev)
			for j, v := range append([]float64{l, l}, g...) {
				u := append([]float64{la, lo}, ga...)[j]
				if math.Float64bits(u) != math.Float64bits(v) {
					t.Errorf("%s GOMAXPROCS=%d: value %d is %v alone, %v by LossGrad", c.name, procs, j, u, v)
				}
			}
		}
		steps := func() []float64 {
			th := make([]float64, k.Dim())
			k.SGDRows(th, perm, 1e-4)
			return th
		}
		want := steps()
		gb := make([]float64, k.Dim())
		done := make(chan float64)
		go func() { done <- k.LossGradAlone(gb, theta) }()
		got := steps()
		lb := <-done
		if math.Float64bits(lb) != math.Float64bits(l) || !slices.Equal(gb, g) {
			t.Errorf("%s: the evaluation beside the steps differs", c.name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the steps beside the evaluation differ", c.name)
		}
	}
}

func TestMaxEigen(t *testing.T) {
	const n, d = 3000, 4
	x, y, w, mu, s := problem(n, d, 3)
	for _, c := range []struct {
		name   string
		mu, s  []float64
		interc bool
	}{{"raw", nil, nil, true}, {"standardised", mu, s, true}, {"no-intercept", mu, s, false}} {
		k := NewLS(x, n, d, d, y, w, c.interc, c.mu, c.s)
		dim := k.Dim()
		// Reference: form H = (1/W) Z̃ᵀ diag(w) Z̃ explicitly and use EigenSym.
		h := mat.NewSymDense(dim, nil)
		col := make([]float64, dim)
		for j := range dim {
			clear(col)
			col[j] = 1
			k.HessVec(col, append([]float64(nil), col...))
			for i := 0; i <= j; i++ {
				h.SetSym(i, j, col[i])
			}
		}
		var es mat.EigenSym
		if !es.Factorize(h, false) {
			t.Fatal("EigenSym failed")
		}
		vals := es.Values(nil)
		want := vals[len(vals)-1]
		got := k.MaxEigen(1e-10, 10000)
		// 1e-6: tolerance 1e-10 on successive estimates; convergence is
		// linear in (λ2/λ1), so the remaining error is far below 1e-6.
		if !near(got, want, 1e-6) || got > want*(1+1e-12) {
			t.Errorf("%s: MaxEigen %v, EigenSym %v", c.name, got, want)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	const n, d = 5000, 8
	x, y, w, mu, s := problem(n, d, 4)
	k := NewLS(x, n, d, d, y, w, true, mu, s)
	theta := make([]float64, d+1)
	g := make([]float64, d+1)
	idx := []int{1, 2, 3, 4000}
	k.LossGrad(g, theta)
	if a := testing.AllocsPerRun(20, func() { k.LossGrad(g, theta) }); a != 0 {
		t.Errorf("LossGrad allocates %v times", a)
	}
	if a := testing.AllocsPerRun(20, func() { k.BatchLossGrad(g, theta, idx) }); a != 0 {
		t.Errorf("BatchLossGrad allocates %v times", a)
	}
}

func TestColumnRMS(t *testing.T) {
	x := []float64{1, 10, 3, 10, 5, 40} // 3×2
	k := NewLS(x, 3, 2, 2, []float64{0, 0, 0}, nil, true, []float64{3, 0}, []float64{2, 10})
	dst := make([]float64, 2)
	k.ColumnRMS(dst)
	// column 0: (x−3)/2 = −1, 0, 1 → sqrt(2/3); column 1: 1, 1, 4 → sqrt(6).
	if !near(dst[0], math.Sqrt(2.0/3), 1e-15) || !near(dst[1], math.Sqrt(6), 1e-15) {
		t.Errorf("ColumnRMS = %v", dst)
	}
}

func TestZeroWeightBatch(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	k := NewLS(x, 2, 2, 2, []float64{1, 2}, []float64{0, 1}, true, nil, nil)
	g := []float64{7, 7, 7}
	if l := k.BatchLossGrad(g, []float64{1, 1, 1}, []int{0}); l != 0 || g[0] != 0 || g[1] != 0 || g[2] != 0 {
		t.Errorf("zero-weight batch: loss %v, grad %v; want 0 and zeros", l, g)
	}
}

// TestHelpersExit checks that the helper goroutines of an LS end once the LS
// is garbage: the cleanup closes their channel.
func TestHelpersExit(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("no helpers with GOMAXPROCS 1")
	}
	base := runtime.NumGoroutine()
	x, y, w, mu, s := problem(3000, 3, 5)
	for range 20 {
		k := NewLS(x, 3000, 3, 3, y, w, true, mu, s)
		k.LossGrad(make([]float64, 4), make([]float64, 4))
	}
	// Cleanups run after a collection, on their own goroutine: poll.
	for range 100 {
		runtime.GC()
		if runtime.NumGoroutine() <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines after dropping 20 kernels, %d before", runtime.NumGoroutine(), base)
}
