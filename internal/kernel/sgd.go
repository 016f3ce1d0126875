package kernel

import "math"

// SGDStep takes one plain stochastic gradient step on row i,
//
//	θ ← θ − lr·∇L_i(θ),
//
// where L_i is the loss of the single row i (normalised by its own weight),
// and returns L_i at the θ it started from. It performs exactly the
// floating-point operations of BatchLossGrad(g, θ, []int{i}) followed by
// x_j ← x_j − lr·g_j, in the same order, so θ ends with the same bits, but
// without the mini-batch bookkeeping and with the update fused into the pass
// over the row. When the loss is not finite θ is left unchanged. When g is
// not nil the gradient is stored in it as well (for a norm the caller wants
// to record). It does not allocate.
func (k *LS) SGDStep(theta, g []float64, i int, lr float64) float64 {
	d := k.d
	if len(theta) != k.Dim() {
		panic("kernel: SGDStep: len(θ) != Dim")
	}
	row := k.x[i*k.stride : i*k.stride+d]
	wp, bp := theta[:d], 0.0
	if k.center != nil || k.scale != nil {
		k.setParams(theta)
		wp, bp = k.wp, k.bp
	} else if k.intercept {
		// setParams would copy θ unchanged into w' and set b' = θ_d.
		bp = theta[d]
	}
	r := dotK(row, wp) + bp - k.y[i]
	wr, sumW := r, 1.0
	if k.wt != nil {
		wr *= k.wt[i]
		sumW = 0 + k.wt[i]
	}
	sl := float64(wr * r)
	if sumW == 0 {
		// BatchLossGrad's zero gradient: x − lr·0 = x.
		if g != nil {
			clear(g)
		}
		return 0
	}
	loss := sl / (2 * sumW)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss
	}
	rbar := wr / sumW
	if k.center == nil && k.scale == nil && k.wt == nil {
		// g_j = fma(wr, x_j, 0)/1, the gradient accumulation from zero.
		sgdUpdateK(theta[:d], wr, lr, row)
		if g != nil {
			clear(g[:d])
			axpyK(g[:d], wr, row)
		}
	} else {
		th := theta[:d]
		for j, v := range row {
			// fma(wr, x_j, 0), as the accumulator starts at zero; the
			// division by W = 1 of unweighted rows is exact and skipped.
			gj := math.FMA(wr, v, 0)
			if k.wt != nil {
				gj /= sumW
			}
			if k.center != nil {
				gj -= k.center[j] * rbar
			}
			if k.scale != nil {
				gj /= k.scale[j]
			}
			if g != nil {
				g[j] = gj
			}
			th[j] -= lr * gj
		}
	}
	if k.intercept {
		if g != nil {
			g[d] = rbar
		}
		theta[d] -= lr * rbar
	}
	return loss
}

// sgdUpdateGo sets θ_j ← θ_j − lr·fma(wr, x_j, 0) for j < len(θ), each
// product and the difference rounded separately.
func sgdUpdateGo(theta []float64, wr, lr float64, x []float64) {
	x = x[:len(theta)]
	for j, v := range x {
		theta[j] -= float64(lr * math.FMA(wr, v, 0))
	}
}

// SGDRows takes SGDStep(θ, nil, i, lr) for each row i of rows in turn, and
// stops before the first row whose loss is not finite (θ then holds the
// result of the steps before it). It returns the number of steps taken.
// Before each step it prefetches a row further on (Prefetch). In the plain
// case on AVX-512 the steps run with θ held in registers (sgdRowsReg), with
// the same bits.
func (k *LS) SGDRows(theta []float64, rows []int, lr float64) int {
	for n := k.sgdRowsReg(theta, rows, lr); n < len(rows); n++ {
		i := rows[n]
		k.Prefetch(rows, n)
		l := k.SGDStep(theta, nil, i, lr)
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return n
		}
	}
	return len(rows)
}

// The prefetch of a pass over the rows in a random order: before step n,
// every cache line of the row of step n+sgdAhead, into the second-level
// cache (PREFETCHT1). The rows of such a pass are far apart, each a miss in
// the caches and in the TLB, and a step cannot start before the one before
// it ended, so without help each step waits for its row. A request for the
// whole row some steps early overlaps the transfers with the steps in
// between; to the second-level cache, whose queue of outstanding misses is
// longer than the first level's, it keeps the memory busy where a request
// to the first level stalls (measured, 800-byte rows in 800 MB: go run
// ./bench/access, the serial configurations). A row that follows the one
// before it in storage is not prefetched: the hardware prefetcher streams a
// sequential run (a blocked shuffle's block), and requests of our own only
// get in its way (measured likewise). The distance is 16 steps: on a core
// with two 512-bit FMA pipes and 2 MB of L2 a step at n = 10⁶, d = 100 took
// 117 ns at 16 (and at 32) against 141 at 8 and 140 at 4
// (BenchmarkSGDRows/permuted-ahead*), the probe's serial read 114 against
// 136; on the Zen 4 machine of the earlier tables 4, 8 and 16 were within
// the spread of the other jobs' traffic. sgdAhead 0 turns the prefetch off.
var sgdAhead = 16

// Prefetch asks for row rows[n+ahead], its target and its weight to be
// brought into the caches, where ahead is a fixed number of steps, when rows
// has that many and that row does not follow the one before it in storage.
// Called before step n of a pass over rows, it hides part of the latency of
// a random order (bench/README.md). It changes no value.
func (k *LS) Prefetch(rows []int, n int) {
	a := n + sgdAhead
	if sgdAhead == 0 || a >= len(rows) || k.d == 0 || a > 0 && rows[a] == rows[a-1]+1 {
		return
	}
	i := rows[a]
	prefetchSpan(&k.x[i*k.stride], 8*k.d)
	// The target (and weight) of the row are random accesses too, into
	// arrays of 8n bytes, on the path from the row to the update.
	prefetchSpan(&k.y[i], 8)
	if k.wt != nil {
		prefetchSpan(&k.wt[i], 8)
	}
}
