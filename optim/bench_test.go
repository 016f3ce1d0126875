package optim

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
)

// benchProblem is n×d standard normal features with y = Σx_j + noise.
func benchProblem(n, d int) Problem {
	x, y := benchData(n, d)
	return LeastSquares(x, y, nil, true, nil, nil)
}

// benchData is the data of benchProblem.
func benchData(n, d int) (*mat.Dense, []float64) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := mat.NewDense(n, d, nil)
	raw := x.RawMatrix().Data
	y := make([]float64, n)
	for i := range n {
		for j := range d {
			v := rng.NormFloat64()
			raw[i*d+j] = v
			y[i] += v
		}
		y[i] += rng.NormFloat64()
	}
	return x, y
}

// BenchmarkEpoch reports epochs per second of each optimiser at n = 1e5,
// d = 50 (full batch, and mini-batches of 32 for the stochastic methods).
// One op is one Minimize call of 5 epochs; allocations per op are the
// driver's set-up, not per step.
func BenchmarkEpoch(b *testing.B) {
	const n, d, epochs = 100_000, 50, 5
	p := benchProblem(n, d)
	p.Lipschitz() // computed once, outside the timings
	for _, c := range []struct {
		name  string
		o     func() Optimizer
		batch int
	}{
		{"gd", func() Optimizer { return &SGD{} }, 0},
		{"gd-linesearch", func() Optimizer { return &GD{} }, 0},
		{"lbfgs", func() Optimizer { return &LBFGS{} }, 0},
		{"fista", func() Optimizer { return &FISTA{} }, 0},
		{"sgd-b32", func() Optimizer { return &SGD{} }, 32},
		{"momentum-b32", func() Optimizer { return &Momentum{} }, 32},
		{"nesterov-b32", func() Optimizer { return &Nesterov{} }, 32},
		{"adagrad-b32", func() Optimizer { return &AdaGrad{} }, 32},
		{"rmsprop-b32", func() Optimizer { return &RMSProp{} }, 32},
		{"adam-b32", func() Optimizer { return &Adam{} }, 32},
		{"adamw-b32", func() Optimizer { return &AdamW{} }, 32},
	} {
		b.Run(c.name, func(b *testing.B) {
			x0 := make([]float64, d+1)
			s := &Settings{BatchSize: c.batch, Epochs: epochs, ObjectiveTol: -1, GradTol: -1}
			o := c.o()
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				if _, err := Minimize(context.Background(), p, x0, s, o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*epochs)/time.Since(start).Seconds(), "epochs/s")
		})
	}
}

// BenchmarkSGDBatch1 is one epoch of batch-1 SGD at n = 1e5, d = 100 on the
// least-squares fast path ("fast") and on the general path ("general"),
// including the driver's full-batch evaluations at the start and the end;
// "fast-recorder" adds a Recorder, for which the fast path also tracks the
// largest gradient norm of the epoch (Iteration.PreClipNorm).
func BenchmarkSGDBatch1(b *testing.B) {
	const n, d = 100_000, 100
	x, y := benchData(n, d)
	p := LeastSquares(x, y, nil, true, nil, nil)
	// The same rows standardised by centre 0.1 and scale 2, as fit.Matrix
	// standardises.
	center, scale := make([]float64, d), make([]float64, d)
	for j := range center {
		center[j], scale[j] = 0.1, 2
	}
	std := LeastSquares(x, y, nil, true, center, scale)
	rec := lsq.RecorderFunc(func(lsq.Iteration) error { return nil })
	for _, c := range []struct {
		name string
		p    Problem
		rec  lsq.Recorder
	}{{"fast", p, nil}, {"fast-recorder", p, rec}, {"general", general(p), nil},
		{"fast-std", std, nil}, {"general-std", general(std), nil}} {
		b.Run(c.name, func(b *testing.B) {
			x0 := make([]float64, d+1)
			s := &Settings{BatchSize: 1, Epochs: 1, LearningRate: 1e-3, Seed: 1, Recorder: c.rec}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Minimize(context.Background(), c.p, x0, s, &SGD{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/step")
		})
	}
}
