package net

import "github.com/lsqgo/lsq/internal/kernel"

// The three products of a dense layer, written as dot products and axpys on
// rows (the project's vectorised kernels): on the narrow matrices of small
// networks they run near the speed of a blocked GEMM, allocate nothing,
// and sum in one fixed order, so results are the same bits for any
// GOMAXPROCS (gonum's parallel GEMM starts goroutines for larger blocks).

// affine sets z (m×out) = a (m×in) · wᵀ, w out×in.
func affine(z, a, w []float64, m, in, out int) {
	for r := range m {
		ar := a[r*in : (r+1)*in]
		zr := z[r*out : (r+1)*out]
		for o := range zr {
			zr[o] = kernel.Dot(ar, w[o*in:(o+1)*in])
		}
	}
}

// backInput adds dz (m×out) · w to da (m×in); with overwrite it sets it.
func backInput(da, dz, w []float64, m, in, out int, overwrite bool) {
	for r := range m {
		dar := da[r*in : (r+1)*in]
		if overwrite {
			clear(dar)
		}
		for o, g := range dz[r*out : (r+1)*out] {
			if g != 0 {
				kernel.Axpy(dar, g, w[o*in:(o+1)*in])
			}
		}
	}
}

// gradWeights adds dzᵀ (out×m) · a (m×in) to dw (out×in).
func gradWeights(dw, dz, a []float64, m, in, out int) {
	for r := range m {
		ar := a[r*in : (r+1)*in]
		for o, g := range dz[r*out : (r+1)*out] {
			if g != 0 {
				kernel.Axpy(dw[o*in:(o+1)*in], g, ar)
			}
		}
	}
}
