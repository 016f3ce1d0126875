package optim

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
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

// BenchmarkShuffleBlock measures what a blocked shuffle (Settings.ShuffleBlock)
// does to the fit: plain SGD at a constant rate, 0.01 with batch 1 and 0.1
// with batch 32 (the automatic rate, b/(nL), is so small that an epoch is
// about one full gradient step whatever the order), on
// wellConditioned (n = 20000, d = 10, standardised, noise σ = 0.1) with its
// rows in the generated order (independent of the data: "iid") and sorted
// by the target ("sorted", neighbouring rows alike: the case blocks are bad
// for), full permutation against blocks of 8 and 64 rows. It reports the
// relative gap (F − F*)/F* to the exact optimum after 1 and 10 epochs, the
// median over 11 seeds, and ns/step. Run with -benchtime 1x.
func BenchmarkShuffleBlock(b *testing.B) {
	const n, d, epochs, seeds = 20000, 10, 10, 11
	x, y, mu, sd, exact := wellConditioned(n, d, 7)
	sorted := mat.NewDense(n, d, nil)
	ys := make([]float64, n)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return cmp.Compare(y[i], y[j]) })
	for i, k := range order {
		sorted.SetRow(i, x.RawRowView(k))
		ys[i] = y[k]
	}
	for _, data := range []struct {
		name string
		p    Problem
	}{{"iid", LeastSquares(x, y, nil, true, mu, sd)}, {"sorted", LeastSquares(sorted, ys, nil, true, mu, sd)}} {
		fStar := data.p.LossGrad(nil, exact)
		for _, batch := range []int{1, 32} {
			lr := map[int]float64{1: 0.01, 32: 0.1}[batch]
			for _, block := range []int{0, 8, 64} {
				b.Run(fmt.Sprintf("%s/batch=%d/block=%d", data.name, batch, block), func(b *testing.B) {
					var gap1, gap10 []float64
					for b.Loop() {
						gap1, gap10 = gap1[:0], gap10[:0]
						for seed := range uint64(seeds) {
							f := make([]float64, epochs+1)
							rec := lsq.RecorderFunc(func(it lsq.Iteration) error { f[it.Epoch] = it.Objective; return nil })
							s := &Settings{BatchSize: batch, Epochs: epochs, LearningRate: lr, Seed: seed, ShuffleBlock: block,
								GradTol: -1, ObjectiveTol: -1, Recorder: rec}
							if _, err := Minimize(context.Background(), data.p, make([]float64, d+1), s, &SGD{}); err != nil {
								b.Fatal(err)
							}
							gap1 = append(gap1, (f[1]-fStar)/fStar)
							gap10 = append(gap10, (f[epochs]-fStar)/fStar)
						}
					}
					slices.Sort(gap1)
					slices.Sort(gap10)
					b.ReportMetric(gap1[seeds/2], "gap@1")
					b.ReportMetric(gap10[seeds/2], "gap@10")
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*seeds*epochs*n), "ns/step")
				})
			}
		}
	}
}
