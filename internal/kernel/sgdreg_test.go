package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSGDRowsMatchesSteps checks SGDRows against its definition, SGDStep
// looped over the rows, bit for bit, with every kernel this CPU supports
// (on AVX-512 the plain case runs with θ in registers, sgdRowsReg), for
// every d from 1 to one past the register bound (each chunk count has its
// own loop, each tail its mask), with and without intercept, at prefetch distances 0, 1 and 8,
// in one call of the register kernel and in calls of 7 and of 1 step, from
// a start with negative zeros. The rows are a random sequence with
// repeats and runs of consecutive rows (which the prefetch skips), including
// rows of zeros with targets ±0. A row whose target is +Inf, NaN or large
// enough that r² overflows (finite r) stands in the middle: SGDRows must stop
// there, with θ as the steps before it left it, and the entry past θ's end
// untouched. Where the register kernel applies, it must have taken the steps
// itself (not left them to the general path).
func TestSGDRowsMatchesSteps(t *testing.T) {
	const n, m, lr = 40, 300, 0.01
	defer func(a, c int) { sgdAhead, sgdRegChunk = a, c }(sgdAhead, sgdRegChunk)
	for _, mode := range kernelModes(t) {
		restore := mode.set()
		for d := 1; d <= sgdRegMaxD+1; d++ {
			rng := rand.New(rand.NewPCG(uint64(d), 9))
			x := make([]float64, n*(d+3)) // stride d+3: rows are not contiguous
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			y := make([]float64, n)
			for i := range y {
				y[i] = rng.NormFloat64()
			}
			clear(x[4*(d+3) : 4*(d+3)+d])
			clear(x[5*(d+3) : 5*(d+3)+d])
			y[4], y[5] = 0, math.Copysign(0, -1)
			rows := make([]int, m)
			for s := range rows {
				switch {
				case s > 0 && rng.IntN(4) == 0 && rows[s-1] < n-1:
					rows[s] = rows[s-1] + 1
				default:
					rows[s] = rng.IntN(n)
				}
			}
			for _, bad := range []float64{math.Inf(1), math.NaN(), 1e160} {
				const stop = 200
				yb := append([]float64(nil), y...)
				yb[n-1] = bad
				rb := append([]int(nil), rows...)
				for s, i := range rb {
					if i == n-1 {
						rb[s] = n - 2
					}
				}
				rb[stop] = n - 1
				for _, intercept := range []bool{false, true} {
					k := NewLS(x, n, d, d+3, yb, nil, intercept, nil, nil)
					dim := k.Dim()
					for _, c := range []struct{ ahead, chunk int }{{0, 4096}, {1, 4096}, {8, 4096}, {8, 7}, {8, 1}} {
						sgdAhead, sgdRegChunk = c.ahead, c.chunk
						th := make([]float64, dim+1) // one guard entry
						for j := range th[:dim] {
							th[j] = math.Copysign(0, -1)
						}
						th[dim] = 42
						ref := append([]float64(nil), th...)
						want := len(rb)
						for s, i := range rb {
							if l := k.SGDStep(ref[:dim], nil, i, lr); math.IsNaN(l) || math.IsInf(l, 0) {
								want = s
								break
							}
						}
						if want != stop {
							t.Fatalf("d=%d: the looped steps stopped at %d, want %d (y = %v)", d, want, stop, bad)
						}
						got := k.SGDRows(th[:dim], rb, lr)
						if got != want {
							t.Fatalf("%s d=%d intercept %v ahead %d chunk %d y=%v: SGDRows took %d steps, want %d", mode.name, d, intercept, c.ahead, c.chunk, bad, got, want)
						}
						for j := range th {
							if math.Float64bits(th[j]) != math.Float64bits(ref[j]) {
								t.Fatalf("%s d=%d intercept %v ahead %d chunk %d y=%v: θ[%d] = %v, want %v", mode.name, d, intercept, c.ahead, c.chunk, bad, j, th[j], ref[j])
							}
						}
						if hasAVX512() && mode.name == "avx512" && d <= sgdRegMaxD {
							th2 := make([]float64, dim)
							if r := k.sgdRowsReg(th2, rb, lr); r != stop {
								t.Fatalf("d=%d intercept %v: the register kernel took %d steps, want %d", d, intercept, r, stop)
							}
						}
					}
				}
			}
		}
		restore()
	}
}

// TestSGDRowsIndexOutOfRange checks that a row index outside the matrix
// panics, with θ as the steps before it left it (the rows are fewer than the
// prefetch distance, so no prefetch meets the index first), on every kernel:
// the register kernel hands such a row to the general path instead of
// reading it.
func TestSGDRowsIndexOutOfRange(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6}
	y := []float64{1, 2, 3}
	for _, mode := range kernelModes(t) {
		restore := mode.set()
		for _, bad := range []int{3, -1} {
			k := NewLS(x, 3, 2, 2, y, nil, true, nil, nil)
			th, ref := make([]float64, 3), make([]float64, 3)
			k.SGDStep(ref, nil, 0, 0.1)
			k.SGDStep(ref, nil, 2, 0.1)
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: SGDRows with row %d did not panic", mode.name, bad)
					}
				}()
				k.SGDRows(th, []int{0, 2, bad, 1}, 0.1)
			}()
			for j := range th {
				if math.Float64bits(th[j]) != math.Float64bits(ref[j]) {
					t.Errorf("%s row %d: θ[%d] = %v, want %v", mode.name, bad, j, th[j], ref[j])
				}
			}
		}
		restore()
	}
}
