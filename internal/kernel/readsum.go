package kernel

import (
	"runtime"
	"sync"
)

// ReadSum returns the sum of a, read as a STREAM-style "sum" kernel
// (McCalpin): one contiguous part per GOMAXPROCS worker, each summed with
// eight independent accumulators, so that on an array much larger than the
// caches the loop is bound by memory reads, not by the latency of the
// additions. It is the reference the benchmarks hold the least-squares
// pass to (bench/stream.go, BenchmarkLossGradVsRead); the sum itself only
// keeps the reads from being optimised away.
func ReadSum(a []float64) float64 {
	p := runtime.GOMAXPROCS(0)
	sums := make([]float64, p)
	var wg sync.WaitGroup
	for t := range p {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[t] = sum8(a[t*len(a)/p : (t+1)*len(a)/p])
		}()
	}
	wg.Wait()
	total := 0.0
	for _, v := range sums {
		total += v
	}
	return total
}

// sum8 sums a with eight scalar accumulators (in variables: an array of
// them would live in memory and bound the loop by store forwarding).
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
