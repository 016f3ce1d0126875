package optim

import (
	"context"
	"math"
	"testing"
)

func TestRestartsAverage(t *testing.T) {
	// Restarts at epochs 2^k + 1 (and 1): after epoch E the average covers
	// at least the last half of the epochs.
	want := map[int]bool{1: true, 2: true, 3: true, 5: true, 9: true, 17: true, 33: true, 65: true, 129: true, 257: true, 513: true, 1025: true}
	for e := 1; e <= 1100; e++ {
		if restartsAverage(e) != want[e] {
			t.Errorf("restartsAverage(%d) = %v", e, !want[e])
		}
	}
}

// TestAverageCoversLastHalf: with the iterate of every step of epoch e
// set to e, the average reported after epoch E is the mean of the epochs it
// covers, 2^(k−1)+1 … E for 2^k < E ≤ 2^(k+1) (1 … E for E ≤ 2), which is
// at least the last half of them and at most three quarters; the count is
// its steps. A single window restarted at 2^k+1 covered one epoch at
// E = 2^k+1.
func TestAverageCoversLastHalf(t *testing.T) {
	const steps = 3
	m := &run{x: make([]float64, 1), avg: make([]float64, 1), tail: make([]float64, 1)}
	for e := 1; e <= 300; e++ {
		m.restartAverage(e)
		for range steps {
			m.x[0] = float64(e)
			m.accumulate()
		}
		first := 1
		if e > 2 {
			k := 1
			for 1<<(k+1) < e {
				k++
			}
			first = 1<<(k-1) + 1
		}
		covered := e - first + 1
		if 2*covered < e || 4*covered > 3*e+4 {
			t.Errorf("epoch %d: the average covers %d epochs", e, covered)
		}
		// The mean of first … e, each epoch's value taken three times:
		// exact in the running mean's arithmetic to a few roundings.
		if want := float64(first+e) / 2; m.avgN != steps*covered || math.Abs(m.avg[0]-want) > 1e-12*want {
			t.Fatalf("epoch %d: average %v of %d iterates, want %v of %d (epochs %d … %d)", e, m.avg[0], m.avgN, want, steps*covered, first, e)
		}
	}
}

func TestDefaultEpochs(t *testing.T) {
	for _, c := range []struct{ n, dim, want int }{
		{5000, 11, 1819},     // ⌈1e8/55000⌉ = ⌈1818.18⌉
		{16, 7, 892858},      // ⌈1e8/112⌉ = ⌈892857.1⌉: Longley
		{5, 2, 1000000},      // 1e7, capped at MaxDefaultEpochs
		{1000000, 101, 1000}, // large: 1000 passes
		{0, 5, 1000},         // not a sum over rows
	} {
		if got := DefaultEpochs(c.n, c.dim); got != c.want {
			t.Errorf("DefaultEpochs(%d, %d) = %d, want %d", c.n, c.dim, got, c.want)
		}
	}
}

// TestAverageCloserThanLastIterate: on a least-squares problem with its
// optimum known, the tail average of constant-rate mini-batch SGD ends much
// closer to the optimum than the last iterate, which wanders at a distance
// set by the rate (Bach & Moulines 2013).
func TestAverageCloserThanLastIterate(t *testing.T) {
	x, y, mu, sd, exact := wellConditioned(2000, 5, 21)
	p := LeastSquares(x, y, nil, true, mu, sd)
	run := func(avg bool) *Result {
		// A rate 4× the default with mini-batches of 8 rows: the noise floor
		// of the last iterate is well above rounding.
		s := &Settings{Epochs: 40, BatchSize: 8, LearningRate: 0.02, Seed: 5, Average: avg, GradTol: -1, ObjectiveTol: -1}
		r, err := Minimize(context.Background(), p, make([]float64, p.Dim), s, &SGD{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	last, avg := run(false), run(true)
	el, ea := relErr(last.X, exact), relErr(avg.X, exact)
	t.Logf("relative error: last iterate %.3g, tail average %.3g", el, ea)
	if last.Averaged || !avg.Averaged {
		t.Errorf("Averaged = %v, %v; want false, true", last.Averaged, avg.Averaged)
	}
	// The average of the last 20 epochs (5000 steps) of iterates whose
	// correlation time is about 1/(η·μ) = 50 steps cuts the spread by about
	// √(5000/50) = 10; a factor 3 leaves room for the seed.
	if !(ea < el/3) {
		t.Errorf("tail average %.3g not 3× closer than the last iterate %.3g", ea, el)
	}
}

// TestAverageFullBatchNoop: on the full batch there is nothing to average:
// the same bits as without, and Result.Averaged false.
func TestAverageFullBatchNoop(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(300, 3, 2)
	p := LeastSquares(x, y, nil, true, mu, sd)
	var xs [2][]float64
	for i, avg := range []bool{false, true} {
		r, _ := Minimize(context.Background(), p, make([]float64, p.Dim), &Settings{Epochs: 5, Average: avg}, &Momentum{})
		if r.Averaged {
			t.Error("a full-batch fit reports Averaged")
		}
		xs[i] = r.X
	}
	for j := range xs[0] {
		if math.Float64bits(xs[0][j]) != math.Float64bits(xs[1][j]) {
			t.Fatalf("full batch with Average differs: %v vs %v", xs[0], xs[1])
		}
	}
}

// TestAverageResumeBitForBit: a fit with averaging stopped and resumed from
// its checkpoint ends with the same bits as one run straight through, across
// a restart of the average (epoch 9); a checkpoint without the average does
// not resume an averaged fit.
func TestAverageResumeBitForBit(t *testing.T) {
	x, y, mu, sd, _ := wellConditioned(500, 4, 8)
	p := LeastSquares(x, y, nil, true, mu, sd)
	set := func(epochs int, cp *Checkpoint, avg bool) *Settings {
		return &Settings{Epochs: epochs, BatchSize: 16, Seed: 3, Average: avg, GradTol: -1, ObjectiveTol: -1, Resume: cp}
	}
	x0 := make([]float64, p.Dim)
	full, _ := Minimize(context.Background(), p, x0, set(12, nil, true), &Adam{})
	half, _ := Minimize(context.Background(), p, x0, set(7, nil, true), &Adam{})
	rest, err := Minimize(context.Background(), p, nil, set(12, half.Checkpoint, true), &Adam{})
	if err != nil {
		t.Fatal(err)
	}
	for j := range full.X {
		if math.Float64bits(full.X[j]) != math.Float64bits(rest.X[j]) {
			t.Fatalf("resumed %v, straight %v", rest.X, full.X)
		}
	}
	// A checkpoint with the reported average only (a version with one
	// window) resumes, with the tail taken as that average.
	old := *half.Checkpoint
	old.TailX, old.TailN = nil, 0
	if _, err := Minimize(context.Background(), p, nil, set(12, &old, true), &Adam{}); err != nil {
		t.Errorf("resuming from a checkpoint without the tail average: %v", err)
	}
	plain, _ := Minimize(context.Background(), p, x0, set(7, nil, false), &Adam{})
	if _, err := Minimize(context.Background(), p, nil, set(12, plain.Checkpoint, true), &Adam{}); err == nil {
		t.Error("resuming an averaged fit from a checkpoint without the average: no error")
	}
}
