package lsq

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/internal/kernel"
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
	raw := x.RawMatrix()
	mean := make([]float64, d)
	ss := make([]float64, d)
	sw := float64(n) // Σ 1 over n < 2⁵³ rows, exactly
	if w != nil {
		sw = 0
		for _, v := range w[:n] {
			sw += v
		}
	}
	// Each pass runs every column's sum over the rows in order, products and
	// sums rounded separately (kernel.ColumnSums): the same bits however
	// many columns the kernel takes at once.
	if intercept {
		kernel.ColumnSums(mean, raw.Data, raw.Stride, n, nil, w, kernel.Sum)
		for j := range mean {
			mean[j] /= sw
		}
		corr := make([]float64, d)
		kernel.ColumnSums(corr, raw.Data, raw.Stride, n, mean, w, kernel.Dev)
		for j := range mean {
			mean[j] += corr[j] / sw
		}
	}
	kernel.ColumnSums(ss, raw.Data, raw.Stride, n, mean, w, kernel.Square)
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
