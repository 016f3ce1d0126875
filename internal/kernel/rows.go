package kernel

import "math"

// The row arithmetic, shared by every code path (AVX-512, AVX2 with FMA, and
// the Go code below), so that all of them give the same bits:
//
//   - x·w' is accumulated in eight lanes with fused multiply-adds: element j
//     goes into lane j mod 8, in increasing j (the last, partial group of
//     eight included), and the lanes a_0..a_7 are then added as
//     ((a_0+a_4) + (a_2+a_6)) + ((a_1+a_5) + (a_3+a_7));
//   - r = (x·w' + b') − y_i, wr = r·w_i, Σ wr r and Σ wr accumulate with
//     separately rounded products and sums, in row order;
//   - the gradient sums g_j are updated g_j ← fma(wr, x_j, g_j), in row order.

// dotGo returns x·w in the eight-lane order above (len(x) ≥ len(w)).
func dotGo(x, w []float64) float64 {
	n := len(w)
	x = x[:n]
	var a [8]float64
	c := n &^ 7
	for j := 0; j < c; j += 8 {
		xs, ws := x[j:j+8:j+8], w[j:j+8:j+8]
		a[0] = math.FMA(xs[0], ws[0], a[0])
		a[1] = math.FMA(xs[1], ws[1], a[1])
		a[2] = math.FMA(xs[2], ws[2], a[2])
		a[3] = math.FMA(xs[3], ws[3], a[3])
		a[4] = math.FMA(xs[4], ws[4], a[4])
		a[5] = math.FMA(xs[5], ws[5], a[5])
		a[6] = math.FMA(xs[6], ws[6], a[6])
		a[7] = math.FMA(xs[7], ws[7], a[7])
	}
	for j := c; j < n; j++ {
		a[j-c] = math.FMA(x[j], w[j], a[j-c])
	}
	return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]))
}

// axpyGo sets g[j] = fma(a, x[j], g[j]) for j < len(g) (len(x) ≥ len(g)).
func axpyGo(g []float64, a float64, x []float64) {
	x = x[:len(g)]
	for j, v := range x {
		g[j] = math.FMA(a, v, g[j])
	}
}

// rowsGo is the block pass over rows rows of x (row i at x[i*stride:]) with
// w' = wp: it adds wr_i x_i to g when grad is set (len(g) = len(wp)) and
// returns Σ wr_i and Σ wr_i r_i. A nil y means y = 0, a nil wt all weights 1.
func rowsGo(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64, grad bool) (sr, sl float64) {
	d := len(wp)
	for i := range rows {
		row := x[i*stride : i*stride+d]
		r := dotGo(row, wp) + bp
		if y != nil {
			r -= y[i]
		}
		wr := r
		if wt != nil {
			wr *= wt[i]
		}
		// The conversions keep the compiler from fusing these into FMAs.
		sl += float64(wr * r)
		sr += wr
		if grad {
			axpyGo(g, wr, row)
		}
	}
	return sr, sl
}
