package fit

import (
	"context"
	"errors"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/stream"
)

// zeroWeights are weights of which every fifth is zero: 240 of 300 rows
// are observations.
func zeroWeights(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 + float64(i%3)
		if i%5 == 4 {
			w[i] = 0
		}
	}
	return w
}

// With rows of weight zero, a streamed fit reports the rows it read as N,
// as the in-memory fit of the same rows does, and the observations (rows
// of positive weight, which the degrees of freedom count) as Streamed.N,
// as the in-memory Exact.N: for every solver a stream takes, by Stream and
// by FromQR of a merged accumulator.
func TestStreamCountsRowsAsInMemory(t *testing.T) {
	const n = 300
	x, y := problem(n, 3)
	w := zeroWeights(n)
	ctx := context.Background()
	for _, s := range []Settings{
		{},
		{Penalty: penalty.L2{Alpha: 0.5}},
		{Solver: CD, Penalty: penalty.L1{Alpha: 0.01}},
		{Solver: GD},
		{Solver: SGD, ShuffleBuffer: 64, Optim: optim.Settings{BatchSize: 16, Epochs: 2, Seed: 1}},
	} {
		mem := s
		mem.Weights = w
		mem.ShuffleBuffer = 0
		want, err := Matrix(ctx, x, y, &mem)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Stream(ctx, partitions(x, y, w, 3), &s)
		if err != nil && got == nil {
			t.Fatalf("%s: %v", s.Solver, err)
		}
		if want.N != n || got.N != want.N {
			t.Errorf("%s %v: streamed N %d, in memory %d; want the %d rows read", s.Solver, s.Penalty, got.N, want.N, n)
		}
		if want.Exact != nil && (got.Streamed == nil || got.Streamed.N != int64(want.Exact.N) || want.Exact.N != 240) {
			t.Errorf("%s %v: streamed observations %v, in memory %d; want 240", s.Solver, s.Penalty, got.Streamed, want.Exact.N)
		}
	}
	// FromQR of an accumulator merged from two halves.
	q, err := stream.FoldQR(ctx, partitions(x, y, w, 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, solver := range []Solver{QR, CD} {
		s := &Settings{Solver: solver}
		if solver == CD {
			s.Penalty = penalty.L1{Alpha: 0.01}
		}
		res, err := FromQR(ctx, q, s)
		if err != nil {
			t.Fatal(err)
		}
		if res.N != n {
			t.Errorf("FromQR %s: N %d, want the %d rows read", solver, res.N, n)
		}
	}
}

// A streamed fit of several targets reports the rows read as N, as
// MultiTarget does, and each target's fit the observations.
func TestStreamTargetsCountsRowsAsInMemory(t *testing.T) {
	const n = 300
	x, y, _ := multiProblem(n, 4, 3, 2, 5)
	w := zeroWeights(n)
	ctx := context.Background()
	want, err := MultiTarget(ctx, x, y, &MultiSettings{Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	got, err := StreamTargets(ctx, targetParts(x, y, w, 3), &MultiSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if want.N != n || got.N != want.N {
		t.Errorf("N: streamed %d, in memory %d; want the %d rows read", got.N, want.N, n)
	}
	_, k := y.Dims()
	for tt := range k {
		g, m := got.Exact[tt], want.Exact[tt]
		if g.N != m.N || g.Streamed.N != int64(m.Exact.N) || m.Exact.N != 240 {
			t.Errorf("target %d: streamed N %d, observations %d; in memory %d, %d; want %d, 240", tt, g.N, g.Streamed.N, m.N, m.Exact.N, n)
		}
	}
}

// Rows that all have weight zero are no observations: a streamed fit of
// one target or several is stream.ErrNoData, as FromQR of their
// accumulator is, though the rows were read.
func TestStreamAllZeroWeights(t *testing.T) {
	const n = 30
	x, y, _ := multiProblem(n, 3, 2, 1, 9)
	w := make([]float64, n)
	ctx := context.Background()
	if _, err := StreamTargets(ctx, targetParts(x, y, w, 2), nil); !errors.Is(err, stream.ErrNoData) {
		t.Errorf("StreamTargets: err = %v, want stream.ErrNoData", err)
	}
	y1 := mat.Col(nil, 0, y)
	for _, s := range []Settings{{}, {Solver: CD, Penalty: penalty.L1{Alpha: 0.1}}} {
		if _, err := Stream(ctx, partitions(x, y1, w, 2), &s); !errors.Is(err, stream.ErrNoData) {
			t.Errorf("Stream %s: err = %v, want stream.ErrNoData", s.Solver, err)
		}
	}
}
