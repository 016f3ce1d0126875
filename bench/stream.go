package main

import (
	"runtime"
	"sort"
	"sync"
	"time"
)

type streamResult struct {
	median, best float64 // GB/s of wall-clock time
	perCPU       float64 // median GB per CPU-second of the process
}

// measureStream is a STREAM-style read kernel (McCalpin's "sum" variant):
// the array is split into one contiguous part per core and each part is
// summed with eight independent accumulators, so that the loop is bound by
// memory reads, not by the latency of the additions. The array must be
// much larger than the caches. It returns the median and best bandwidth
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

// streamOnce is one read pass, its wall-clock and CPU seconds.
func streamOnce(a []float64) (wall, cpu float64) {
	p := runtime.GOMAXPROCS(0)
	sums := make([]float64, p)
	var wg sync.WaitGroup
	c0, t0 := cpuNow(), time.Now()
	for k := 0; k < p; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			sums[k] = sum8(a[k*len(a)/p : (k+1)*len(a)/p])
		}(k)
	}
	wg.Wait()
	return time.Since(t0).Seconds(), (cpuNow() - c0).Seconds()
}

func sum8(a []float64) float64 {
	var s0, s1, s2, s3, s4, s5, s6, s7 float64
	i := 0
	for ; i+8 <= len(a); i += 8 {
		v := a[i : i+8 : i+8]
		s0 += v[0]
		s1 += v[1]
		s2 += v[2]
		s3 += v[3]
		s4 += v[4]
		s5 += v[5]
		s6 += v[6]
		s7 += v[7]
	}
	for ; i < len(a); i++ {
		s0 += a[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}
