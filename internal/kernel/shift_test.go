package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSampleMeans: on rows sampled at t·n/k, SampleMeans is the weighted
// mean computed by hand (exact here: small integers and a power-of-two
// weight sum); it skips a row with a NaN, falls back to plain means when the
// sampled weights are all zero, and returns zero when the sums overflow.
func TestSampleMeans(t *testing.T) {
	const n, d, k = 8, 2, 4 // rows 0, 2, 4, 6 are sampled
	x := make([]float64, n*d)
	y := make([]float64, n)
	for i := range n {
		x[i*d], x[i*d+1], y[i] = float64(i), float64(10*i), float64(-i)
	}
	w := []float64{1, 9, 3, 9, 0, 9, 4, 9} // sampled weights sum to 8
	want := []float64{(0*1 + 2*3 + 4*0 + 6*4) / 8.0, (0*1 + 20*3 + 40*0 + 60*4) / 8.0, -(0*1 + 2*3 + 4*0 + 6*4) / 8.0}
	check := func(name string, got, want []float64) {
		t.Helper()
		for j := range want {
			if got[j] != want[j] {
				t.Errorf("%s: mean %d = %v, want %v", name, j, got[j], want[j])
			}
		}
	}
	check("weighted", SampleMeans(x, d, n, d, y, w, k), want)
	check("unweighted", SampleMeans(x, d, n, d, y, nil, k), []float64{3, 30, -3})

	zero := []float64{0, 9, 0, 9, 0, 9, 0, 9}
	check("zero sampled weights", SampleMeans(x, d, n, d, y, zero, k), []float64{3, 30, -3})

	y[2] = math.NaN() // row 2 is skipped: rows 0, 4, 6
	check("NaN row", SampleMeans(x, d, n, d, y, nil, k), []float64{10.0 / 3, 100.0 / 3, -10.0 / 3})

	y[2] = 2
	x[0] = math.MaxFloat64
	x[4*d] = math.MaxFloat64 // the sum of column 0 overflows
	check("overflow", SampleMeans(x, d, n, d, y, nil, k), []float64{0, 0, 0})
}

// TestShiftedRow: the row [√w, √w(x − s), √w(y − s_y)] (exact here: w = 4,
// small integers), and the unweighted form [1, x − s, y − s_y] from the
// vectorised subtraction, at a length with a tail past the eight lanes.
func TestShiftedRow(t *testing.T) {
	const d = 11
	x, s, zeros := make([]float64, d), make([]float64, d+1), make([]float64, d)
	for j := range x {
		x[j], s[j] = float64(3*j), float64(j)
	}
	s[d] = 5
	dst := make([]float64, d+2)
	for _, weighted := range []bool{true, false} {
		ShiftedRow(dst, x, s, zeros, 12, 4, weighted)
		r := 2.0
		if !weighted {
			r = 1
		}
		if dst[0] != r || dst[d+1] != r*7 {
			t.Errorf("weighted %v: ends %v, %v; want %v, %v", weighted, dst[0], dst[d+1], r, r*7)
		}
		for j := range x {
			if dst[1+j] != r*float64(2*j) {
				t.Errorf("weighted %v: z[%d] = %v, want %v", weighted, j, dst[1+j], r*float64(2*j))
			}
		}
	}
}

// TestShiftedRowsBits checks ShiftedRows, on the assembly pass where the
// CPU has it, against ShiftedRow row by row, bit for bit, for d from 0 to
// 34 with weights (some zero) and without, on a panel wider than the row
// whose padding must be left alone.
func TestShiftedRowsBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for d := 0; d <= 34; d++ {
		const rows = 37
		stride, m := d+2, (d+2+7)&^7+8
		x := make([]float64, rows*stride)
		for i := range x {
			x[i] = 10 + rng.NormFloat64()*math.Ldexp(1, rng.IntN(12)-6)
		}
		y, w := make([]float64, rows), make([]float64, rows)
		for i := range y {
			y[i] = rng.NormFloat64()
			if i%4 != 0 {
				w[i] = 3 * rng.Float64()
			}
		}
		s := make([]float64, d+1)
		for j := range s {
			s[j] = 10 + rng.NormFloat64()
		}
		zeros := make([]float64, d)
		for _, wt := range [][]float64{nil, w} {
			want := make([]float64, rows*m)
			got := make([]float64, rows*m)
			for i := range want {
				want[i] = float64(i) // padding to keep
				got[i] = float64(i)
			}
			for i := range rows {
				wi := 1.0
				if wt != nil {
					wi = wt[i]
				}
				ShiftedRow(want[i*m:], x[i*stride:i*stride+d], s, zeros, y[i], wi, wt != nil)
			}
			ShiftedRows(got, m, x, stride, rows, s, y, wt)
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("d=%d weighted=%v: p[%d] = %v, want %v", d, wt != nil, i, got[i], want[i])
				}
			}
			// The Go pass, which the test above skips where the CPU
			// has AVX-512, gives the same bits and allocates nothing.
			for i := range got {
				got[i] = float64(i)
			}
			if a := testing.AllocsPerRun(1, func() { shiftedRowsGo(got, m, x, stride, rows, s, y, wt) }); a != 0 {
				t.Errorf("d=%d weighted=%v: shiftedRowsGo allocates %v times", d, wt != nil, a)
			}
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("d=%d weighted=%v: Go pass p[%d] = %v, want %v", d, wt != nil, i, got[i], want[i])
				}
			}
		}
	}
}
