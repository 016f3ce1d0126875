package main

import (
	"runtime"
	"sort"
	"sync"
	"time"
)

type streamResult struct {
	median, best float64 // GB/s
}

// measureStream is a STREAM-style read kernel (McCalpin's "sum" variant):
// the array is split into one contiguous part per core and each part is
// summed with eight independent accumulators, so that the loop is bound by
// memory reads, not by the latency of the additions. The array must be
// much larger than the caches. It returns the median and best bandwidth
// of reps passes, in GB/s (10⁹ bytes per second).
func measureStream(a []float64, reps int) streamResult {
	p := runtime.GOMAXPROCS(0)
	sums := make([]float64, p)
	var bw []float64
	for r := 0; r < reps; r++ {
		var wg sync.WaitGroup
		t0 := time.Now()
		for k := 0; k < p; k++ {
			wg.Add(1)
			go func(k int) {
				defer wg.Done()
				sums[k] = sum8(a[k*len(a)/p : (k+1)*len(a)/p])
			}(k)
		}
		wg.Wait()
		bw = append(bw, float64(8*len(a))/time.Since(t0).Seconds()/1e9)
	}
	sort.Float64s(bw)
	return streamResult{median: bw[len(bw)/2], best: bw[len(bw)-1]}
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
