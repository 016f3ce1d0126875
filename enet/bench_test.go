package enet

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"syscall"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// benchData returns the benchmark problem: by default synthetic(n, d, 11);
// if ENET_BENCH_DATA names a file written by bench/peers/lasso_path_bench.py
// (int64 n, int64 d, then n rows of d+1 little-endian float64: x then y),
// that file, so the peers and this benchmark time the same data.
func benchData(b *testing.B, n, d int) (*mat.Dense, []float64) {
	path := os.Getenv("ENET_BENCH_DATA")
	if path == "" {
		return synthetic(n, d, 11)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	rn := int(binary.LittleEndian.Uint64(raw[0:]))
	rd := int(binary.LittleEndian.Uint64(raw[8:]))
	if len(raw) != 16+8*rn*(rd+1) {
		b.Fatalf("%s: %d bytes for %d×%d", path, len(raw), rn, rd+1)
	}
	x := mat.NewDense(rn, rd, nil)
	y := make([]float64, rn)
	off := 16
	for i := 0; i < rn; i++ {
		for j := 0; j < rd; j++ {
			x.Set(i, j, math.Float64frombits(binary.LittleEndian.Uint64(raw[off:])))
			off += 8
		}
		y[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[off:]))
		off += 8
	}
	return x, y
}

// BenchmarkLassoPath times a 100-point lasso path (α_max down to 1e-3·α_max,
// Tol 1e-7) at n = 1e5, d = 100, with covariance updates (the default at
// this size) and naive updates.
func BenchmarkLassoPath(b *testing.B) {
	benchPath(b, 100000, 100)
}

// BenchmarkLassoPathWide is BenchmarkLassoPath at n = 1e5, d = 1000, where
// AutoUpdate chooses naive updates.
func BenchmarkLassoPathWide(b *testing.B) {
	benchPath(b, 100000, 1000)
}

func benchPath(b *testing.B, n, d int) {
	x, y := benchData(b, n, d)
	for _, u := range []Update{Covariance, Naive} {
		b.Run(u.String(), func(b *testing.B) {
			b.ReportAllocs()
			var nz int
			cpu0 := cpuSeconds()
			for b.Loop() {
				p, err := Path(context.Background(), x, y, 1, &PathSettings{Settings: Settings{Update: u}})
				if err != nil {
					b.Fatal(err)
				}
				nz = p.Points[len(p.Points)-1].NonZero
			}
			b.ReportMetric(float64(nz), "nonzero")
			// CPU time as well as wall time: on a shared machine the wall
			// time measures the neighbours too.
			b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
		})
	}
}

// BenchmarkCV times 10-fold cross-validation of the lasso (100 α, then the
// refit) on the path benchmark's problem.
func BenchmarkCV(b *testing.B) {
	x, y := benchData(b, 100000, 100)
	cpu0 := cpuSeconds()
	for b.Loop() {
		if _, err := CV(context.Background(), x, y, &CVSettings{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// cpuSeconds is the user+system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
