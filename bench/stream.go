package main

import (
	"sort"
	"time"

	"github.com/lsqgo/lsq/internal/kernel"
)

type streamResult struct {
	median, best float64 // GB/s of wall-clock time
	perCPU       float64 // median GB per CPU-second of the process
}

// measureStream times reps passes of the STREAM-style read kernel
// kernel.ReadSum over a, which must be much larger than the caches. It
// returns the median and best bandwidth
// of reps passes, in GB/s (10⁹ bytes per second), and the median bytes
// read per CPU-second, which the other engineers' load on a shared machine
// disturbs far less.
func measureStream(a []float64, reps int) streamResult {
	var wall, cpu []float64
	for r := 0; r < reps; r++ {
		w, c := streamOnce(a)
		wall, cpu = append(wall, w), append(cpu, c)
	}
	return streamOf(8*len(a), wall, cpu)
}

// streamOf turns pass times (seconds) over n bytes into bandwidths.
func streamOf(n int, wall, cpu []float64) streamResult {
	bw := make([]float64, len(wall))
	per := make([]float64, len(wall))
	for i := range wall {
		bw[i] = float64(n) / wall[i] / 1e9
		per[i] = float64(n) / cpu[i] / 1e9
	}
	sort.Float64s(bw)
	return streamResult{median: median(bw), best: bw[len(bw)-1], perCPU: median(per)}
}

// streamOnce is one read pass (kernel.ReadSum), its wall-clock and CPU
// seconds.
func streamOnce(a []float64) (wall, cpu float64) {
	c0, t0 := cpuNow(), time.Now()
	kernel.ReadSum(a)
	return time.Since(t0).Seconds(), (cpuNow() - c0).Seconds()
}
