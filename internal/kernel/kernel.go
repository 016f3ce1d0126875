// Package kernel holds the hot loops of lsq: the fused least-squares loss and
// gradient pass on the standardised scale, its mini-batch form, and the power
// iteration for the largest eigenvalue of the Hessian (for package optim);
// the Gram-matrix update and row kernels of package linear's fast float64
// path (gram.go), its panels (panel.go) and the shifted rows of the
// one-pass moments it shares with package enet (shift.go); the column sums
// of lsq.Moments (moments.go); the huge-page allocation of a data matrix's
// rows (huge.go); and the double-double axpy of package stream's
// double-double fold (dd.go).
//
// It is the one package in lsq with assembly. Every routine in a *_amd64.s
// file has its Go form beside it, the *_other.go files select the Go forms on
// other architectures, and the tests compare each assembly kernel with its
// Go form on the kernels the CPU supports (the switch is in cpu_amd64.go).
// The assembly lives here rather than in a package of its own because the
// loss pass is written around its row kernels; keeping every kernel in one
// package gives one CPU-feature switch and one place to look.
//
// # Determinism
//
// The full pass splits the rows into blocks of BlockRows rows. Block
// boundaries depend only on n, never on the number of workers; each block
// accumulates its partial sums in row order into its own slot, and the slots
// are added in block order after all workers finish. The result is therefore
// bit-identical for any GOMAXPROCS. The workers are the calling goroutine
// and up to GOMAXPROCS−1 helper goroutines that an LS starts on its first
// parallel pass and that end when the LS is garbage collected; a pass
// allocates nothing.
//
// # Row kernels
//
// Each row is read once: its residual r_i = x_i·w' + b' − y_i is formed and
// w_i r_i x_i added to the gradient sums while the row is in L1 cache. On
// amd64 this runs in assembly, with AVX-512 when the processor and operating
// system support it, else with AVX2 and FMA (detected at run time), four rows
// per sweep; elsewhere in Go. For d ≤ 104 the AVX-512 pass keeps the
// gradient sums and w' in registers for the whole block (rowsreg_amd64.s;
// four rows per sweep up to d = 32, two beyond): at small d loading and
// storing the sums at every sweep cost more than the rows themselves, and at
// d = 100 the pass in cache goes from 56–58 to 75–76 GB/s on one core
// (BenchmarkRows/d=100/avx512, where memory reads 15–35 GB/s a core). For
// larger d the sums stay in memory (in L1 cache) and the bound is reading
// X: the assembly
// passes prefetch the rows 8 KB ahead into L2 cache, which took the AVX-512
// pass at d = 100 from about 55% to about 90% of the STREAM read rate (AVX2:
// from about 45% to about 75%). All three compute the same floating-point
// operations in the same order — the dot product in eight fused multiply-add
// lanes (element j in lane j mod 8) reduced as
// ((a₀+a₄)+(a₂+a₆))+((a₁+a₅)+(a₃+a₇)), the gradient sums updated with one
// fused multiply-add per row in row order — so they give identical bits, and
// the mini-batch path, which uses the same arithmetic, gives the bits of the
// full pass on the same rows.
package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/floats"
)

// BlockRows is the number of rows per reduction block. A row is read once:
// its residual is computed and immediately consumed by the gradient
// accumulation while the row is in L1 cache.
const BlockRows = 1024

// LS evaluates the weighted least-squares loss
//
//	L(θ) = (1/2W) Σ_i w_i r_i²,   W = Σ_i w_i,
//
// for parameters θ = [w_1..w_d, b] on the standardised scale (column j
// centred by μ_j and divided by s_j), reading the raw X without copying it:
//
//	w'_j = w_j/s_j,  b' = b − Σ_j μ_j w'_j,  r = X w' + b' − y,
//	∂L/∂w_j = ((Xᵀ W r)_j/W − μ_j·r̄)/s_j,   ∂L/∂b = r̄ = (Σ w_i r_i)/W.
//
// Without an intercept θ has d entries and b = 0. An LS is not safe for
// concurrent use.
type LS struct {
	x             []float64
	stride, n, d  int
	y, wt         []float64
	center, scale []float64
	intercept     bool
	sumW          float64
	nblocks       int

	// per-call state read by the workers
	wp       []float64 // w' (d)
	bp       float64
	zeroY    bool
	lossOnly bool
	next     atomic.Int64 // runs of grain blocks claimed so far
	grain    int
	wg       sync.WaitGroup
	jobs     chan *LS // feeds the helper goroutines; closed when the LS is collected
	helpers  int
	partial  []float64 // nblocks × (d+2): acc_0..acc_{d-1}, Σw r, Σw r²
	acc      []float64 // d+2, mini-batch accumulator
	wr       []float64 // mini-batch weighted residuals
	v, u     []float64 // power iteration
}

// ownCopy returns a copy of v (nil for nil) in storage from Floats, which
// is in 2 MB pages from 4 MiB on. A pass over the rows in a random order
// (stochastic gradient descent) reads the target and weight of each row at
// random too; in the caller's slice, in 4 kB pages, that is a TLB miss a
// step: batch-1 SGD at n = 10⁶, d = 100 (rows in huge pages) took 111–141
// ns a step with y from make against 98–106 with y from Floats (four
// alternated runs, bench/README.md).
func ownCopy(v []float64) []float64 {
	if v == nil {
		return nil
	}
	c := Floats(len(v))
	copy(c, v)
	return c
}

// NewLS returns the kernel for the n×d row-major matrix x (row i at
// x[i*stride:]), targets y, optional weights (nil means all 1), centre and
// scale vectors (nil means 0 and 1). It panics on inconsistent shapes,
// negative weights or a zero scale.
//
// x is read in place; y and the weights are copied (ownCopy), n values
// each against x's n·d.
func NewLS(x []float64, n, d, stride int, y, weights []float64, intercept bool, center, scale []float64) *LS {
	if n <= 0 || d < 0 || stride < d || len(x) < (n-1)*stride+d {
		panic(fmt.Sprintf("kernel: bad matrix shape n=%d d=%d stride=%d len=%d", n, d, stride, len(x)))
	}
	if len(y) != n {
		panic(fmt.Sprintf("kernel: len(y)=%d, want %d", len(y), n))
	}
	if weights != nil && len(weights) != n {
		panic(fmt.Sprintf("kernel: len(weights)=%d, want %d", len(weights), n))
	}
	if center != nil && len(center) != d || scale != nil && len(scale) != d {
		panic(fmt.Sprintf("kernel: centre/scale lengths %d/%d, want %d", len(center), len(scale), d))
	}
	k := &LS{x: x, stride: stride, n: n, d: d, y: ownCopy(y), wt: ownCopy(weights), center: center, scale: scale, intercept: intercept}
	for j, s := range scale {
		if s == 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			panic(fmt.Sprintf("kernel: scale[%d] = %v", j, s))
		}
	}
	if weights == nil {
		k.sumW = float64(n)
	} else {
		for i, w := range weights {
			if !(w >= 0) || math.IsInf(w, 1) {
				panic(fmt.Sprintf("kernel: weights[%d] = %v", i, w))
			}
			k.sumW += w
		}
		if k.sumW == 0 {
			panic("kernel: all weights are zero")
		}
	}
	k.nblocks = (n + BlockRows - 1) / BlockRows
	k.wp = make([]float64, d)
	k.partial = make([]float64, k.nblocks*(d+2))
	k.acc = make([]float64, d+2)
	return k
}

// Dim returns the number of parameters: d, plus one with an intercept.
func (k *LS) Dim() int {
	if k.intercept {
		return k.d + 1
	}
	return k.d
}

// Rows returns n.
func (k *LS) Rows() int { return k.n }

// setParams computes w' and b' from θ.
func (k *LS) setParams(theta []float64) {
	k.bp = k.params(k.wp, theta)
}

// params stores w' for θ in wp and returns b'.
func (k *LS) params(wp, theta []float64) float64 {
	if len(theta) != k.Dim() {
		panic(fmt.Sprintf("kernel: len(θ)=%d, want %d", len(theta), k.Dim()))
	}
	b := 0.0
	if k.intercept {
		b = theta[k.d]
	}
	for j := 0; j < k.d; j++ {
		w := theta[j]
		if k.scale != nil {
			w /= k.scale[j]
		}
		wp[j] = w
		if k.center != nil {
			b -= k.center[j] * w
		}
	}
	return b
}

// finish turns accumulated sums into the loss and gradient.
func (k *LS) finish(grad, acc []float64, sumW float64) float64 {
	d := k.d
	sr, sl := acc[d], acc[d+1]
	if grad != nil {
		if len(grad) != k.Dim() {
			panic(fmt.Sprintf("kernel: len(grad)=%d, want %d", len(grad), k.Dim()))
		}
		rbar := sr / sumW
		for j := 0; j < d; j++ {
			g := acc[j] / sumW
			if k.center != nil {
				g -= k.center[j] * rbar
			}
			if k.scale != nil {
				g /= k.scale[j]
			}
			grad[j] = g
		}
		if k.intercept {
			grad[d] = rbar
		}
	}
	return sl / (2 * sumW)
}

// blockSums stores in acc (length d+2) the sums of block b's rows, with
// w', b' and the pass's flags given and the arithmetic of rows.go on the
// fastest kernel available: the one block of every full pass, LossGrad's
// (into k.partial) and LossGradAlone's.
func (k *LS) blockSums(acc []float64, b int, wp []float64, bp float64, zeroY, grad bool) {
	d := k.d
	clear(acc)
	lo := b * BlockRows
	hi := min(lo+BlockRows, k.n)
	var y, wt []float64
	if !zeroY {
		y = k.y[lo:hi]
	}
	if k.wt != nil {
		wt = k.wt[lo:hi]
	}
	sr, sl := rowsK(acc[:d], k.x[lo*k.stride:], k.stride, hi-lo, wp, bp, y, wt, grad)
	acc[d] += sr
	acc[d+1] += sl
}

func (k *LS) block(b int) {
	w := k.d + 2
	k.blockSums(k.partial[b*w:(b+1)*w], b, k.wp, k.bp, k.zeroY, !k.lossOnly)
}

// work computes blocks, claiming k.grain consecutive ones at a time, until
// none is left.
func (k *LS) work() {
	defer k.wg.Done()
	for {
		lo := (int(k.next.Add(1)) - 1) * k.grain
		if lo >= k.nblocks {
			return
		}
		for b := lo; b < min(lo+k.grain, k.nblocks); b++ {
			k.block(b)
		}
	}
}

// maxGrain bounds the blocks a worker claims at once (32 blocks: 5 MB of
// rows at d = 20).
const maxGrain = 32

// grainFor is the number of consecutive blocks a worker claims at once:
// about an eighth of its share, at most maxGrain. A worker then reads long
// runs of contiguous rows, which the hardware prefetcher streams, instead of
// jumping to a new place every block, while the claims stay small enough
// that a worker slowed by other load leaves its share to the others. The
// grain decides only which worker computes a block, never the block
// boundaries or the order of the reduction, so the sums keep their bits.
func grainFor(nblocks, workers int) int {
	return max(1, min(maxGrain, nblocks/(8*workers)))
}

// helper serves passes of whichever LS is sent on jobs until it is closed.
// It holds no LS between jobs, so an unused LS can be collected, and its
// cleanup closes the channel.
func helper(jobs chan *LS) {
	for k := range jobs {
		k.work()
	}
}

// ensureHelpers starts helper goroutines once, so that a pass allocates
// nothing (a go statement allocates its closure).
func (k *LS) ensureHelpers(n int) {
	if k.jobs == nil {
		k.jobs = make(chan *LS)
		runtime.AddCleanup(k, func(ch chan *LS) { close(ch) }, k.jobs)
	}
	for ; k.helpers < n; k.helpers++ {
		go helper(k.jobs)
	}
}

// pass runs all blocks, in parallel when there are several, and reduces the
// partial sums in block order into k.acc.
func (k *LS) pass() {
	workers := min(runtime.GOMAXPROCS(0), k.nblocks)
	if workers <= 1 {
		for b := 0; b < k.nblocks; b++ {
			k.block(b)
		}
	} else {
		k.ensureHelpers(workers - 1)
		k.grain = grainFor(k.nblocks, workers)
		k.next.Store(0)
		k.wg.Add(workers)
		for range workers - 1 {
			k.jobs <- k
		}
		k.work()
		k.wg.Wait()
	}
	w := k.d + 2
	acc := k.acc
	copy(acc, k.partial[:w])
	for b := 1; b < k.nblocks; b++ {
		floats.Add(acc, k.partial[b*w:(b+1)*w])
	}
}

// LossGrad returns L(θ) over all rows and, when grad is not nil, stores ∇L(θ)
// in grad. It does not allocate.
func (k *LS) LossGrad(grad, theta []float64) float64 {
	k.setParams(theta)
	k.zeroY, k.lossOnly = false, grad == nil
	k.pass()
	return k.finish(grad, k.acc, k.sumW)
}

// LossGradAlone is LossGrad computed on the calling goroutine alone, with
// scratch space of its own: it writes nothing the other methods use, so it
// may run beside SGDStep and SGDRows on the same LS (for instance, the
// evaluation of a fit's start point beside the first epoch's steps, which
// do not depend on it). The blocks, the sums within each and their
// reduction in block order are those of LossGrad: the same bits. It
// allocates its scratch (2d + 4 floats).
func (k *LS) LossGradAlone(grad, theta []float64) float64 {
	d, w := k.d, k.d+2
	buf := make([]float64, d+2*w)
	wp, tot, blk := buf[:d], buf[d:d+w], buf[d+w:]
	bp := k.params(wp, theta)
	for b := range k.nblocks {
		k.blockSums(blk, b, wp, bp, false, grad != nil)
		if b == 0 {
			copy(tot, blk)
		} else {
			floats.Add(tot, blk)
		}
	}
	return k.finish(grad, tot, k.sumW)
}

// BatchLossGrad is LossGrad over the rows listed in idx (in that order), with
// W the sum of their weights. It runs on the calling goroutine and does not
// allocate. An empty idx panics.
func (k *LS) BatchLossGrad(grad, theta []float64, idx []int) float64 {
	if len(idx) == 0 {
		panic("kernel: empty mini-batch")
	}
	k.setParams(theta)
	k.zeroY, k.lossOnly = false, grad == nil
	acc := k.acc
	clear(acc)
	sumW := float64(len(idx))
	if k.wt != nil {
		sumW = 0
	}
	// Two sweeps: the residuals first, whose row loads are independent so
	// the processor overlaps their cache misses, then the gradient, with the
	// rows now in cache. The arithmetic and its order are those of rows.
	if cap(k.wr) < len(idx) {
		k.wr = make([]float64, len(idx))
	}
	wrs := k.wr[:len(idx)]
	d := k.d
	var sr, sl float64
	for n, i := range idx {
		r := dotK(k.x[i*k.stride:i*k.stride+d], k.wp) + k.bp - k.y[i]
		wr := r
		if k.wt != nil {
			wr *= k.wt[i]
			sumW += k.wt[i]
		}
		sl += float64(wr * r)
		sr += wr
		wrs[n] = wr
	}
	acc[d], acc[d+1] = sr, sl
	if grad != nil {
		g := acc[:d]
		for n, i := range idx {
			axpyK(g, wrs[n], k.x[i*k.stride:i*k.stride+d])
		}
	}
	if sumW == 0 {
		// All rows weigh nothing: no loss and no gradient (not 0/0).
		clear(grad)
		return 0
	}
	return k.finish(grad, acc, sumW)
}

// HessVec stores H v in dst, where H = (1/W) Z̃ᵀ diag(w) Z̃ is the Hessian of
// L and Z̃ the standardised design with the intercept column: the gradient
// of L at θ = v with y = 0. It does not allocate.
func (k *LS) HessVec(dst, v []float64) {
	k.setParams(v)
	k.zeroY, k.lossOnly = true, false
	k.pass()
	k.finish(dst, k.acc, k.sumW)
}

// MaxEigen estimates the largest eigenvalue of the Hessian H by power
// iteration (Golub & Van Loan, Matrix Computations, 4th ed., §7.3.1) from a
// fixed pseudo-random start, so the answer is reproducible. It stops when the
// estimate changes by less than tol relative (tol ≤ 0 means 1e-6) or after
// maxIter iterations (≤ 0 means 500). The estimate ‖Hv‖ for unit v is a lower
// bound that converges to λ_max from below.
func (k *LS) MaxEigen(tol float64, maxIter int) float64 {
	if tol <= 0 {
		tol = 1e-6
	}
	if maxIter <= 0 {
		maxIter = 500
	}
	dim := k.Dim()
	if dim == 0 {
		return 0
	}
	if k.v == nil {
		k.v, k.u = make([]float64, dim), make([]float64, dim)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for j := range k.v {
		k.v[j] = 1 + rng.Float64()
	}
	floats.Scale(1/floats.Norm(k.v, 2), k.v)
	lambda := 0.0
	for it := 0; it < maxIter; it++ {
		k.HessVec(k.u, k.v)
		nu := floats.Norm(k.u, 2)
		if nu == 0 {
			return 0
		}
		done := math.Abs(nu-lambda) <= tol*nu
		lambda = nu
		floats.ScaleTo(k.v, 1/nu, k.u)
		if done {
			break
		}
	}
	return lambda
}

// ColumnRMS stores in dst (length d) the root mean square of each
// standardised column, sqrt((1/W) Σ_i w_i ((x_ij − μ_j)/s_j)²): the scale a
// gradient method sees. It runs serially and allocates nothing.
func (k *LS) ColumnRMS(dst []float64) {
	if len(dst) != k.d {
		panic(fmt.Sprintf("kernel: len(dst)=%d, want %d", len(dst), k.d))
	}
	clear(dst)
	for i := 0; i < k.n; i++ {
		row := k.x[i*k.stride : i*k.stride+k.d]
		w := 1.0
		if k.wt != nil {
			w = k.wt[i]
		}
		for j, v := range row {
			if k.center != nil {
				v -= k.center[j]
			}
			if k.scale != nil {
				v /= k.scale[j]
			}
			dst[j] += w * v * v
		}
	}
	for j := range dst {
		dst[j] = math.Sqrt(dst[j] / k.sumW)
	}
}
