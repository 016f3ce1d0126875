package lsq

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Moments returns the standardisation every lsq solver uses: the weighted
// column means
//
//	μ_j = Σᵢ wᵢ x_ij / W,   W = Σᵢ wᵢ,
//
// and population standard deviations s_j = √(Σᵢ wᵢ (x_ij − μ_j)² / W) (the
// 1/W convention of glmnet and scikit-learn's StandardScaler). Without an
// intercept the columns are not centred: center is nil and s_j is the root
// mean square √(Σᵢ wᵢ x_ij² / W). w nil means all weights 1. Constant
// columns get scale 1 (see Scales).
//
// The means are computed in two passes, the second adding the weighted mean
// of the deviations (the corrected two-pass algorithm; Chan, Golub & LeVeque,
// "Algorithms for computing the sample variance", Am. Stat. 37(3), 1983), so
// that a mean large against the spread costs no digits.
//
// In-memory fits call Moments; streamed and distributed fits form the same
// sums from their accumulators and call Scales, so every path standardises
// alike.
func Moments(x *mat.Dense, w []float64, intercept bool) (center, scale []float64) {
	n, d := x.Dims()
	mean := make([]float64, d)
	ss := make([]float64, d)
	var sw float64
	for i := range n {
		sw += weightAt(w, i)
	}
	if intercept {
		for i := range n {
			wi := weightAt(w, i)
			for j, v := range x.RawRowView(i) {
				mean[j] += wi * v
			}
		}
		for j := range mean {
			mean[j] /= sw
		}
		corr := make([]float64, d)
		for i := range n {
			wi := weightAt(w, i)
			for j, v := range x.RawRowView(i) {
				corr[j] += wi * (v - mean[j])
			}
		}
		for j := range mean {
			mean[j] += corr[j] / sw
		}
	}
	for i := range n {
		wi := weightAt(w, i)
		for j, v := range x.RawRowView(i) {
			c := v - mean[j]
			ss[j] += wi * c * c
		}
	}
	scale = Scales(sw, mean, ss)
	if intercept {
		center = mean
	}
	return center, scale
}

// Scales finishes a standardisation from its sums: W = Σwᵢ, the column
// means μ_j (zeros without an intercept) and the sums of squares
// Σwᵢ(x_ij − μ_j)². It returns s_j = √(ss_j/W), except that a constant
// column gets 1: one whose spread is zero, not finite, or at most 1e-14 of
// its mean, the rounding of the centring itself (such a column carries
// nothing to learn; exact solvers alias it and the iterative ones leave its
// coefficient at the start).
func Scales(sumW float64, mean, ss []float64) []float64 {
	scale := make([]float64, len(ss))
	for j, v := range ss {
		variance := v / sumW
		s := math.Sqrt(variance)
		if ConstantColumn(variance, mean[j]) || math.IsInf(s, 0) {
			s = 1
		}
		scale[j] = s
	}
	return scale
}

// ConstantColumn reports whether a column with this weighted variance and
// mean is constant to working precision: variance ≤ (1e-14·mean)², a
// spread no larger than the rounding of the centring, or not positive.
func ConstantColumn(variance, mean float64) bool {
	return !(variance > 0) || variance <= 1e-28*mean*mean
}

func weightAt(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}
