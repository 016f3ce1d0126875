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
