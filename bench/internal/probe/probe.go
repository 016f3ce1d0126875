// Package probe measures how fast one thread reads the rows of a large
// matrix in a given order: the hardware's bound on an epoch of stochastic
// gradient descent with batch size 1, which reads each row once, in the
// order of a fresh permutation, and cannot start a step before the one
// before it has ended.
//
// SumRows reads and sums rows (AVX2, four accumulators, on amd64),
// optionally issuing software prefetches of the row some steps ahead and
// optionally serialising the rows (each row's loads wait for the sum of the
// row before, as an SGD step waits for the parameters of the step before).
// Limit times the configuration that reaches the limit on the machines
// measured (bench/README.md, "The limit"): serial, PREFETCHT1 of the whole
// row LimitAhead steps ahead.
package probe

import (
	"math/rand/v2"
	"time"
)

// Hints of SumRows's prefetches.
const (
	T0  = 0 // PREFETCHT0: into every cache level
	T1  = 1 // PREFETCHT1: the second level and up
	NTA = 2 // PREFETCHNTA: non-temporal
)

// WholeRow is the number of 64-byte cache lines that cover a row of d
// float64s at any alignment.
func WholeRow(d int) int { return (8*d+63)/64 + 1 }

// Permutation returns a random permutation of 0..n-1 drawn as
// optim.Minimize draws its epochs' orders: the identity, then a
// Fisher–Yates shuffle from a PCG generator seeded (seed, 0).
func Permutation(n int, seed uint64) []int {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	rand.New(rand.NewPCG(seed, 0)).Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	return perm
}

// LimitAhead is Limit's prefetch distance, in steps: the batch-1 SGD
// kernel's (kernel.sgdAhead), the best of go run ./bench/access's serial
// configurations on the machines measured.
const LimitAhead = 16

// Limit reads the rows of x (d columns) once in the given order, serially,
// with the whole row LimitAhead steps ahead prefetched into the second-level cache,
// and returns the wall and thread CPU time of the pass. (Not per row: a
// Duration is whole nanoseconds, and a row takes tens of them.) Call it
// from a goroutine locked to its thread (runtime.LockOSThread) for a
// meaningful CPU time.
func Limit(x []float64, d int, order []int) (wall, cpu time.Duration) {
	t0, c0 := time.Now(), ThreadCPU()
	if s := SumRows(x, d, order, LimitAhead, WholeRow(d), T1, true); s != s {
		panic("probe: NaN sum")
	}
	return time.Since(t0), ThreadCPU() - c0
}

// sumRowsGo sums the rows of x (d columns) in the given order.
func sumRowsGo(x []float64, d int, order []int) float64 {
	s := 0.0
	for _, i := range order {
		for _, v := range x[i*d : i*d+d] {
			s += v
		}
	}
	return s
}
