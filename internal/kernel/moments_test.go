package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// columnSumsPlain is ColumnSums' definition: the plain loop over rows and
// then columns, each product and sum rounded on its own.
func columnSumsPlain(acc, x []float64, stride, n int, mean, w []float64, kind SumKind) {
	for i := range n {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		for j := range acc {
			v := x[i*stride+j]
			var t float64
			switch kind {
			case Sum:
				t = float64(wi * v)
			case Dev:
				t = float64(wi * (v - mean[j]))
			case Square:
				c := v - mean[j]
				t = float64(wi*c) * c
			}
			acc[j] += t
		}
	}
}

// TestColumnSumsKernelsAgree runs ColumnSums on every kernel this CPU
// supports and on the Go code against the plain loop, for widths around
// the chunks of eight and the tiles of 32 columns, strides wider than the
// row, weights and none, and NaN and ±Inf entries: the bits (NaN's
// included) must be the plain loop's.
func TestColumnSumsKernelsAgree(t *testing.T) {
	defer saveKernel()()
	rng := rand.New(rand.NewPCG(5, 6))
	for _, d := range []int{1, 7, 8, 9, 20, 31, 32, 33, 64, 100} {
		for _, pad := range []int{0, 3} {
			stride, n := d+pad, 1000+d // rows not a multiple of any unroll
			x := make([]float64, n*stride)
			for i := range x {
				x[i] = 100 + rng.NormFloat64()*math.Ldexp(1, rng.IntN(40)-20)
			}
			x[(n/3)*stride] = math.NaN()
			x[(n/2)*stride+d-1] = math.Inf(1)
			x[(n/2+1)*stride+d-1] = math.Inf(-1)
			w := make([]float64, n)
			for i := range w {
				w[i] = rng.Float64() * 3
			}
			w[7] = 0
			mean := make([]float64, d)
			for j := range mean {
				mean[j] = 100 + rng.NormFloat64()
			}
			init := make([]float64, d)
			for j := range init {
				init[j] = rng.NormFloat64()
			}
			for _, weights := range [][]float64{nil, w} {
				for kind := Sum; kind <= Square; kind++ {
					want := append([]float64(nil), init...)
					columnSumsPlain(want, x, stride, n, mean, weights, kind)
					for _, k := range []struct {
						name string
						on   bool
					}{{"go", true}, {"avx512", hasAVX512()}} {
						if !k.on {
							continue
						}
						setKernel(k.name == "avx512", false)
						got := append([]float64(nil), init...)
						ColumnSums(got, x, stride, n, mean, weights, kind)
						for j := range got {
							if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
								t.Fatalf("%s d=%d stride=%d weighted=%v kind=%d: acc[%d] = %v (%#x), want %v (%#x)",
									k.name, d, stride, weights != nil, kind, j, got[j], math.Float64bits(got[j]), want[j], math.Float64bits(want[j]))
							}
						}
					}
				}
			}
		}
	}
}
