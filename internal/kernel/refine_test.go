package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rowPassCase is random data for the Gram path's row passes: rows rows of
// d columns at a stride wider than d, means near the columns' and
// weights with zeros (and a variant all zero).
type rowPassCase struct {
	d, stride, rows int
	x, y, w, m, b   []float64
}

func newRowPassCase(rng *rand.Rand, d int) rowPassCase {
	c := rowPassCase{d: d, stride: d + 3, rows: 301}
	c.x = make([]float64, c.rows*c.stride)
	for i := range c.x {
		c.x[i] = 10 + rng.NormFloat64()*math.Ldexp(1, rng.IntN(12)-6)
	}
	c.y = make([]float64, c.rows)
	c.w = make([]float64, c.rows)
	for i := range c.y {
		c.y[i] = 3 + rng.NormFloat64()
		if i%5 != 0 {
			c.w[i] = rng.Float64() * 2
		}
	}
	c.m = make([]float64, d)
	c.b = make([]float64, d)
	for j := range c.m {
		c.m[j] = 10 + rng.NormFloat64()*0.1
		c.b[j] = rng.NormFloat64()
	}
	return c
}

func sameBits(a, b []float64) int {
	for j := range a {
		if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
			return j
		}
	}
	return -1
}

// TestRefineRowsBits checks RefineRows, on the assembly pass where the CPU
// has it, against its definition, the per-row CentredDot and Axpy loop
// (refineRowsGo), bit for bit: every d from 1 to 34 (the register pass
// takes d ≤ 32), with weights (a fifth of them zero, whose rows must be
// skipped) and without, and with all weights zero, where h must keep its
// −0 entries (an added 0·c would turn them into +0).
func TestRefineRowsBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for d := 1; d <= 34; d++ {
		c := newRowPassCase(rng, d)
		h0 := make([]float64, d)
		for j := range h0 {
			h0[j] = rng.NormFloat64()
			if j%3 == 1 {
				h0[j] = math.Copysign(0, -1)
			}
		}
		zero := make([]float64, c.rows)
		for _, w := range [][]float64{nil, c.w, zero} {
			want := append([]float64(nil), h0...)
			refineRowsGo(want, make([]float64, d), c.x, c.stride, c.rows, c.m, c.b, c.y, w, 3)
			got := append([]float64(nil), h0...)
			RefineRows(got, make([]float64, d), c.x, c.stride, c.rows, c.m, c.b, c.y, w, 3)
			if j := sameBits(got, want); j >= 0 {
				t.Fatalf("d=%d weighted=%v: h[%d] = %v, want %v", d, w != nil, j, got[j], want[j])
			}
		}
	}
}

// TestResidualRowsBits is TestRefineRowsBits for ResidualRows: the
// residuals and both sums against the per-row Dot loop, bit for bit.
func TestResidualRowsBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for d := 1; d <= 34; d++ {
		c := newRowPassCase(rng, d)
		for _, w := range [][]float64{nil, c.w} {
			want := make([]float64, c.rows)
			wrss, wtss := residualRowsGo(want, c.x, c.stride, c.rows, c.b, 2.5, c.y, w, 3)
			got := make([]float64, c.rows)
			rss, tss := ResidualRows(got, c.x, c.stride, c.rows, c.b, 2.5, c.y, w, 3)
			if j := sameBits(got, want); j >= 0 {
				t.Fatalf("d=%d weighted=%v: r[%d] = %v, want %v", d, w != nil, j, got[j], want[j])
			}
			if j := sameBits([]float64{rss, tss}, []float64{wrss, wtss}); j >= 0 {
				t.Fatalf("d=%d weighted=%v: (rss, tss) = (%v, %v), want (%v, %v)", d, w != nil, rss, tss, wrss, wtss)
			}
		}
	}
}
