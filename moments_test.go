package lsq_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
)

// momentsScalar is the scalar form of lsq.Moments that it replaced: three
// passes over the rows, each row's columns in order, products and sums
// rounded separately (the conversions keep a compiler from fusing them).
// Its bits define Moments.
func momentsScalar(x *mat.Dense, w []float64, intercept bool) (center, scale []float64) {
	n, d := x.Dims()
	wt := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}
	mean := make([]float64, d)
	ss := make([]float64, d)
	var sw float64
	for i := range n {
		sw += wt(i)
	}
	if intercept {
		for i := range n {
			wi := wt(i)
			for j, v := range x.RawRowView(i) {
				mean[j] += float64(wi * v)
			}
		}
		for j := range mean {
			mean[j] /= sw
		}
		corr := make([]float64, d)
		for i := range n {
			wi := wt(i)
			for j, v := range x.RawRowView(i) {
				corr[j] += float64(wi * (v - mean[j]))
			}
		}
		for j := range mean {
			mean[j] += corr[j] / sw
		}
	}
	for i := range n {
		wi := wt(i)
		for j, v := range x.RawRowView(i) {
			c := v - mean[j]
			ss[j] += float64(float64(wi*c) * c)
		}
	}
	scale = lsq.Scales(sw, mean, ss)
	if intercept {
		center = mean
	}
	return center, scale
}

// TestMomentsScalarBits checks that Moments gives the bits of the scalar
// three-pass code, NaN's included, on random data whose means are large
// against the spread (where the corrected two-pass mean matters), with and
// without weights (some zero) and intercept, for widths around the
// vector kernel's chunks and tiles, on a matrix that is a view with a
// wider stride, with a constant column and with rows holding NaN and ±Inf.
func TestMomentsScalarBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, d := range []int{1, 7, 8, 9, 20, 33, 100} {
		n := 500 + 3*d
		big := mat.NewDense(n, d+2, nil)
		for i := range n {
			for j := range d + 2 {
				big.Set(i, j, 1e3*float64(j+1)+rng.NormFloat64()*math.Ldexp(1, rng.IntN(20)-10))
			}
		}
		x := big.Slice(0, n, 1, d+1).(*mat.Dense) // stride d+2
		if d > 1 {
			for i := range n {
				x.Set(i, d/2, 3.25) // a constant column: scale 1
			}
		}
		w := make([]float64, n)
		for i := range w {
			w[i] = rng.Float64() * 2
		}
		w[3] = 0
		withBad := mat.DenseCopyOf(x)
		withBad.Set(n/4, 0, math.NaN())
		withBad.Set(n/2, d-1, math.Inf(1))
		withBad.Set(n/2+1, d-1, math.Inf(-1))
		for _, m := range []*mat.Dense{x, withBad} {
			for _, weights := range [][]float64{nil, w} {
				for _, intercept := range []bool{true, false} {
					c, s := lsq.Moments(m, weights, intercept)
					wc, ws := momentsScalar(m, weights, intercept)
					if (c == nil) != (wc == nil) {
						t.Fatalf("d=%d: center nil %v, want %v", d, c == nil, wc == nil)
					}
					same := func(name string, got, want []float64) {
						for j := range want {
							if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
								t.Fatalf("d=%d weighted=%v intercept=%v: %s[%d] = %v, want %v",
									d, weights != nil, intercept, name, j, got[j], want[j])
							}
						}
					}
					same("center", c, wc)
					same("scale", s, ws)
				}
			}
		}
	}
}
