package data

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Moments returns the (weighted) mean and population standard deviation
// of each column of x, in one pass over the rows:
//
//	mean_j = Σ_i w_i x_ij / Σ_i w_i
//	std_j  = sqrt( Σ_i w_i (x_ij − mean_j)² / Σ_i w_i )
//
// the 1/n (not 1/(n−1)) convention of glmnet and scikit-learn's
// StandardScaler. If w is nil every weight is 1. The update is West's
// weighted form of Welford's algorithm (D. H. D. West, "Updating mean and
// variance estimates: an improved method", CACM 22(9), 1979), which stays
// accurate when the mean is large compared with the spread, unlike the
// textbook Σx² − n·mean². Moments panics if len(w) is not the number of
// rows, if a weight is negative or NaN, or if the weights sum to zero.
func Moments(x *mat.Dense, w []float64) (mean, std []float64) {
	r, c := x.Dims()
	if w != nil && len(w) != r {
		panic(fmt.Sprintf("data: Moments has %d rows and %d weights", r, len(w)))
	}
	raw := x.RawMatrix()
	mean = make([]float64, c)
	m2 := make([]float64, c)
	var sw float64
	for i := 0; i < r; i++ {
		wi := 1.0
		if w != nil {
			wi = w[i]
			if !(wi >= 0) {
				panic(fmt.Sprintf("data: Moments weight %d is %v", i, wi))
			}
			if wi == 0 {
				continue
			}
		}
		sw += wi
		f := wi / sw
		row := raw.Data[i*raw.Stride : i*raw.Stride+c]
		for j, v := range row {
			d := v - mean[j]
			mean[j] += f * d
			m2[j] += wi * d * (v - mean[j])
		}
	}
	if sw == 0 {
		panic("data: Moments weights sum to zero")
	}
	std = m2
	for j := range std {
		std[j] = math.Sqrt(std[j] / sw)
	}
	return mean, std
}

// Standardize centres and scales the columns of x in place,
// x_ij ← (x_ij − mean_j)/std_j, with the moments of Moments, which it
// returns so that coefficients can be mapped back to the original scale
// (β_j = β'_j/std_j, b = b' − Σ_j β_j·mean_j). A constant column (std_j = 0)
// is only centred. Standardize panics where Moments does.
func Standardize(x *mat.Dense, w []float64) (mean, std []float64) {
	mean, std = Moments(x, w)
	r, c := x.Dims()
	raw := x.RawMatrix()
	inv := make([]float64, c)
	for j, s := range std {
		inv[j] = 1
		if s > 0 {
			inv[j] = 1 / s
		}
	}
	for i := 0; i < r; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+c]
		for j := range row {
			row[j] = (row[j] - mean[j]) * inv[j]
		}
	}
	return mean, std
}
