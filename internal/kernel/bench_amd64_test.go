package kernel

import (
	"fmt"
	"sync"
	"testing"
)

// BenchmarkFMAPeak measures the double-precision fused multiply-add peak of
// the machine: twelve independent VFMADD231PD chains (more than latency ×
// issue rate) on zmm and on ymm registers, on 1 and on 2 goroutines at
// once, reporting GFLOP/s in all and per goroutine (2 flops per lane of
// each FMA). The Gram kernel's GFLOP/s (BenchmarkGramUpdate) divided by
// the zmm rate per goroutine is the fraction of peak it reaches.
func BenchmarkFMAPeak(b *testing.B) {
	const iters = 1 << 20
	for _, k := range []struct {
		name  string
		lanes int
		ok    bool
		run   func(int)
	}{{"zmm", 8, hasAVX512(), fmaChains512}, {"ymm", 4, hasAVX2(), fmaChains256}} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", k.name, workers), func(b *testing.B) {
				if !k.ok {
					b.Skip("not supported here")
				}
				for b.Loop() {
					var wg sync.WaitGroup
					for range workers {
						wg.Go(func() { k.run(iters) })
					}
					wg.Wait()
				}
				flops := float64(b.N) * float64(workers) * iters * 12 * float64(k.lanes) * 2
				gf := flops / b.Elapsed().Seconds() / 1e9
				b.ReportMetric(gf, "GFLOP/s")
				b.ReportMetric(gf/float64(workers), "GFLOP/s/goroutine")
			})
		}
	}
}
