package stream

import (
	"fmt"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// benchChunk is one block of rows reused for every fold, so the benchmarks
// time the accumulator, not a random number generator.
func benchChunk(rows, d int) (*mat.Dense, []float64) {
	x, y, _ := synth(1, rows, d, false)
	return x, y
}

// BenchmarkQRFold folds n rows of d = 20 features in blocks of 4096 rows,
// with the factor in double-double (dd, NewQR's default for d ≤ 50) and in
// float64 (f64).
// Bytes are the float64 input (x and y) folded per op. The allocation
// figures (B/op, allocs/op) and the heap-B metric, the live heap after the
// fold minus before, stay flat as n grows from 1e4 to 1e6: memory is O(d²),
// not O(n).
//
//	go test -run XXX -bench QRFold -benchtime 3x ./stream/
func BenchmarkQRFold(b *testing.B) {
	const d, chunk = 20, 4096
	x, y := benchChunk(chunk, d)
	// Views of the partial last block, made once so the loop allocates nothing.
	views := map[int]*mat.Dense{chunk: x}
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		if m := n % chunk; m != 0 {
			views[m] = x.Slice(0, m, 0, d).(*mat.Dense)
		}
	}
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		for _, prec := range []struct {
			name  string
			newQR func(int, bool) *QR
		}{{"dd", NewQRDoubleDouble}, {"f64", NewQRFloat64}} {
			benchQRFold(b, fmt.Sprintf("%s/n=%d/d=%d", prec.name, n, d), n, d, chunk, views, y, prec.newQR)
		}
	}
}

func benchQRFold(b *testing.B, name string, n, d, chunk int, views map[int]*mat.Dense, y []float64, newQR func(int, bool) *QR) {
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(n) * int64(d+1) * 8)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var q *QR
		for b.Loop() {
			q = newQR(d, true)
			for done := 0; done < n; done += chunk {
				m := min(chunk, n-done)
				if err := q.Add(views[m], y[:m], nil); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		// Live heap held after the fold (the accumulator and its buffer).
		b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "retained-B")
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		runtime.KeepAlive(q)
	})
}

// BenchmarkQRMerge merges two accumulators of d = 20 features: the cost of
// one step of a combine tree.
func BenchmarkQRMerge(b *testing.B) {
	const d = 20
	x, y := benchChunk(1000, d)
	a, c := NewQR(d, true), NewQR(d, true)
	_ = a.Add(x, y, nil)
	_ = c.Add(x, y, nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := a.Merge(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGradFold accumulates the gradient over blocks of 4096 rows,
// d = 20, for comparison with the QR fold (one pass of GD against the exact
// fit).
func BenchmarkGradFold(b *testing.B) {
	const d, chunk = 20, 4096
	x, y := benchChunk(chunk, d)
	g := NewGrad(gradParams(x, 1))
	b.ReportAllocs()
	b.SetBytes(chunk * (d + 1) * 8)
	for b.Loop() {
		if err := g.Add(x, y, nil); err != nil {
			b.Fatal(err)
		}
	}
}
