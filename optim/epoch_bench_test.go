//go:build linux

package optim

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// BenchmarkSGDEpochParts times the parts of the batch-1 SGD epoch the bench
// harness records (n = 10⁶, d = 100, Epochs 1, rate 1e-3): a full-batch
// evaluation (LossGrad with the gradient; Minimize makes one at the start
// point and one after the epoch), the same on one goroutine
// (LossGradAlone), the permutation, the steps (SGDRows over it), the
// permutation and the steps with and without LossGradAlone beside them (as
// Minimize takes the first epoch, ahead.go), and the whole Minimize call. It reports cpu-ms/op, the CPU time of
// the process (the evaluation runs on every core), which waiting for a core
// on a loaded machine does not inflate. Not run with -short: it needs 1 GB.
func BenchmarkSGDEpochParts(b *testing.B) {
	if testing.Short() {
		b.Skip("needs 1 GB")
	}
	const n, d = 1_000_000, 100
	p := benchProblem(n, d)
	g := make([]float64, d+1)
	th := make([]float64, d+1)
	perm := make([]int, n)
	shuffle(perm, rand.NewPCG(1, pcgStream), 0)
	for _, c := range []struct {
		name string
		run  func()
	}{
		{"evaluation", func() { p.LossGrad(g, th) }},
		{"permutation", func() { shuffle(perm, rand.NewPCG(1, pcgStream), 0) }},
		{"steps", func() { clear(th); p.ls.SGDRows(th, perm, 1e-3) }},
		{"evaluation-alone", func() { p.ls.LossGradAlone(g, th) }},
		{"permutation+steps", func() {
			shuffle(perm, rand.NewPCG(1, pcgStream), 0)
			clear(th)
			p.ls.SGDRows(th, perm, 1e-3)
		}},
		{"permutation+steps-beside-evaluation", func() {
			th0, g0 := make([]float64, d+1), make([]float64, d+1)
			done := make(chan struct{})
			go func() { p.ls.LossGradAlone(g0, th0); close(done) }()
			shuffle(perm, rand.NewPCG(1, pcgStream), 0)
			clear(th)
			p.ls.SGDRows(th, perm, 1e-3)
			<-done
		}},
		{"minimize", func() {
			if _, err := Minimize(context.Background(), p, make([]float64, d+1),
				&Settings{Epochs: 1, BatchSize: 1, LearningRate: 1e-3, Seed: 1}, &SGD{}); err != nil {
				b.Fatal(err)
			}
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			c0 := processCPU()
			for b.Loop() {
				c.run()
			}
			b.ReportMetric(float64((processCPU()-c0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkPermutation is the permutation of an epoch over 10⁶ rows:
// shuffle (fisherYates) against rand.Rand.Shuffle with a swap closure, which
// draw the same order. It reports cpu-ms/op as BenchmarkSGDEpochParts.
func BenchmarkPermutation(b *testing.B) {
	const n = 1_000_000
	perm := make([]int, n)
	b.Run("shuffle", func(b *testing.B) {
		src := rand.NewPCG(1, pcgStream)
		c0 := processCPU()
		for b.Loop() {
			shuffle(perm, src, 0)
		}
		b.ReportMetric(float64((processCPU()-c0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	})
	b.Run("rand.Shuffle", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, pcgStream))
		c0 := processCPU()
		for b.Loop() {
			for i := range perm {
				perm[i] = i
			}
			rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		}
		b.ReportMetric(float64((processCPU()-c0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	})
}

// processCPU is the CPU time the process has used.
func processCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
