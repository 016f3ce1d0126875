package kernel

import "math"

// SampleMeans returns the provisional shift of a one-pass moment
// computation (package linear's Gram path, package enet's covariance
// problem): the w-weighted means (x's d columns, then y) of up to k rows
// spread evenly over the n rows of x (row-major, stride), row t·n/k for
// t < k, skipping rows with a non-finite value (the pass that follows
// reports those); plain means if the sampled weights are all zero, and
// zero if the sums overflow. A nil w weighs every row 1. The pass then
// measures what is left of the mean, δ, exactly, losing only about
// ε·(δ/s)² of the centred sums, so the shift need only be near the mean.
func SampleMeans(x []float64, stride, n, d int, y, w []float64, k int) []float64 {
	mh := make([]float64, d+1)
	k = min(n, k)
	for _, weighted := range []bool{w != nil, false} {
		clear(mh)
		var sw float64
		for t := 0; t < k; t++ {
			i := t * n / k
			row := x[i*stride : i*stride+d]
			if !finite(y[i]) || !allFinite(row) {
				continue
			}
			wi := 1.0
			if weighted {
				wi = w[i]
			}
			for j, xv := range row {
				mh[j] += wi * xv
			}
			mh[d] += wi * y[i]
			sw += wi
		}
		if sw > 0 {
			for j := range mh {
				mh[j] /= sw
			}
			break
		}
	}
	if !allFinite(mh) {
		clear(mh)
	}
	return mh
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func allFinite(s []float64) bool {
	for _, v := range s {
		if !finite(v) {
			return false
		}
	}
	return true
}

// ShiftedRow writes the row of a one-pass moment computation about the
// shift s (x's d columns, then y) into dst[:d+2]: [√w, √w(x − s), √w(y − s_y)],
// whose Gram matrix (GramUpdate) holds the weight sum, what is left of the
// means, and the moments about the shift. Unweighted rows (weighted false,
// w = 1) take the vectorised subtraction; zeros is d zeros for it, unread
// for weighted rows.
func ShiftedRow(dst, x, s, zeros []float64, y, w float64, weighted bool) {
	d := len(x)
	dst = dst[:d+2]
	z := dst[1 : d+1]
	if !weighted {
		dst[0] = 1
		CentredDot(z, x, s[:d], zeros) // z = x − s, vectorised
		dst[d+1] = y - s[d]
		return
	}
	sw := math.Sqrt(w)
	dst[0] = sw
	for j, v := range x {
		z[j] = sw * (v - s[j])
	}
	dst[d+1] = sw * (y - s[d])
}

// ShiftedRows writes ShiftedRow's rows for rows consecutive rows of x
// (row i at x[i*stride:], y[i], w[i]) into the panel p, row i at p[i*m:]:
// d = len(s) − 1 columns, a nil w for unweighted rows. Entries d+2..m−1 of
// a panel row are left as they are. It gives ShiftedRow's bits on every
// kernel.
func ShiftedRows(p []float64, m int, x []float64, stride, rows int, s, y, w []float64) {
	d := len(s) - 1
	if rows <= 0 {
		return
	}
	if d < 0 || m < d+2 || stride < d {
		panic("kernel: ShiftedRows: bad shapes")
	}
	_, _ = p[(rows-1)*m+d+1], y[rows-1]
	if d > 0 {
		_ = x[(rows-1)*stride+d-1]
	}
	if w != nil {
		_ = w[rows-1]
	}
	if !shiftedRowsK(p, m, x, stride, rows, s, y, w) {
		shiftedRowsGo(p, m, x, stride, rows, s, y, w)
	}
}

// shiftedRowsGo is ShiftedRows in Go. An unweighted row is ShiftedRow's
// [1, x − s, y − s_y] written here by a plain loop: each entry is the same
// one rounded subtraction, and a call then allocates no zeros for
// ShiftedRow's vector kernel, which this path (no AVX-512) runs as a
// scalar dot product anyway. Packed panels call it every 8 rows.
func shiftedRowsGo(p []float64, m int, x []float64, stride, rows int, s, y, w []float64) {
	d := len(s) - 1
	for i := range rows {
		dst, row := p[i*m:i*m+d+2], x[i*stride:i*stride+d]
		if w != nil {
			ShiftedRow(dst, row, s, nil, y[i], w[i], true)
			continue
		}
		dst[0] = 1
		for j, v := range row {
			dst[1+j] = v - s[j]
		}
		dst[d+1] = y[i] - s[d]
	}
}
