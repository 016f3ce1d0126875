package optim

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestShuffleBlocked checks the blocked shuffle against its definition: the
// order visits every row once, as a sequence of whole blocks
// [kB, min(kB+B, n)) each in storage order, every block once; B = n (or more)
// is storage order; the blocks come in the order of rand.Rand.Shuffle of
// the block numbers; and B = 0 and 1 are the full permutation of the
// identity by rand.Rand.Shuffle, bit for bit, epoch after epoch (the
// generator left in the same state).
func TestShuffleBlocked(t *testing.T) {
	for _, n := range []int{1, 2, 7, 64, 100, 1001, 1 << 17} {
		for _, b := range []int{0, 1, 2, 3, 8, 64, 1001, 5000} {
			rng := rand.NewPCG(9, pcgStream)
			ref := rand.New(rand.NewPCG(9, pcgStream))
			perm := make([]int, n)
			for epoch := range 3 {
				shuffle(perm, rng, b)
				if b <= 1 {
					want := make([]int, n)
					for i := range want {
						want[i] = i
					}
					ref.Shuffle(n, func(i, j int) { want[i], want[j] = want[j], want[i] })
					if !slices.Equal(perm, want) {
						t.Fatalf("n=%d B=%d epoch %d: %v, want the full shuffle %v", n, b, epoch, perm, want)
					}
					continue
				}
				checkBlocks(t, perm, n, b)
				nb := (n + b - 1) / b
				want := make([]int, nb)
				for i := range want {
					want[i] = i
				}
				ref.Shuffle(nb, func(i, j int) { want[i], want[j] = want[j], want[i] })
				var got []int
				for _, r := range perm {
					if r%b == 0 {
						got = append(got, r/b)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("n=%d B=%d epoch %d: blocks in the order %v, want the shuffle of the blocks %v", n, b, epoch, got, want)
				}
				if b >= n && !slices.IsSorted(perm) {
					t.Fatalf("n=%d B=%d: one block, order %v, want storage order", n, b, perm)
				}
			}
		}
	}
}

// checkBlocks fails unless perm is the blocks of b rows of 0 … n−1, each
// whole and in storage order, every block once.
func checkBlocks(t *testing.T, perm []int, n, b int) {
	t.Helper()
	nb := (n + b - 1) / b
	seen := make([]bool, nb)
	for pos := 0; pos < len(perm); {
		k := perm[pos] / b
		if perm[pos] != k*b || seen[k] {
			t.Fatalf("n=%d B=%d: position %d starts at row %d, not at a new block", n, b, pos, perm[pos])
		}
		seen[k] = true
		for i := k * b; i < min(k*b+b, n); i++ {
			if pos >= len(perm) || perm[pos] != i {
				t.Fatalf("n=%d B=%d: block %d broken at position %d: %v", n, b, k, pos, perm)
			}
			pos++
		}
	}
	for k, s := range seen {
		if !s {
			t.Fatalf("n=%d B=%d: block %d never visited", n, b, k)
		}
	}
}

// TestShuffleBlockSeed checks that a blocked order is reproduced by its seed
// and changes with it: two of the 125! orders of 125 blocks agreeing by
// chance has probability 1/125!.
func TestShuffleBlockSeed(t *testing.T) {
	draw := func(seed uint64) []int {
		perm := make([]int, 1000)
		shuffle(perm, rand.NewPCG(seed, pcgStream), 8)
		return perm
	}
	if a, b := draw(4), draw(4); !slices.Equal(a, b) {
		t.Error("same seed, different blocked orders")
	}
	if a, b := draw(4), draw(5); slices.Equal(a, b) {
		t.Error("seeds 4 and 5 gave the same blocked order")
	}
}

// TestMinimizeShuffleBlock checks that ShuffleBlock 1 is the full
// permutation in Minimize, bit for bit, on the batch-1 fast path and on the
// mini-batch path; that blocks change the iterates (the order is not the
// full permutation); and that a negative block, or blocks on a Problem that
// draws its own mini-batches, panic.
func TestMinimizeShuffleBlock(t *testing.T) {
	x, y, _, _, _ := wellConditioned(200, 6, 3)
	p := LeastSquares(x, y, nil, true, nil, nil)
	run := func(batch, block int) []float64 {
		s := &Settings{Epochs: 3, BatchSize: batch, LearningRate: 1e-4, Seed: 2, GradTol: -1, ObjectiveTol: -1, ShuffleBlock: block}
		r, err := Minimize(context.Background(), p, make([]float64, p.Dim), s, &SGD{})
		if err != nil {
			t.Fatal(err)
		}
		return r.X
	}
	for _, batch := range []int{1, 32} {
		full, one, blocked := run(batch, 0), run(batch, 1), run(batch, 8)
		sameBits(t, "ShuffleBlock 1", one, full)
		if slices.Equal(blocked, full) {
			t.Errorf("batch %d: ShuffleBlock 8 gave the iterates of the full permutation", batch)
		}
	}
	mustPanic(t, "negative ShuffleBlock", func() { run(1, -1) })
	src := p
	src.Batches = func(rng *rand.Rand, batch int, step func(func(grad, x []float64) float64) error) error { return nil }
	mustPanic(t, "ShuffleBlock with Batches", func() {
		Minimize(context.Background(), src, make([]float64, p.Dim), &Settings{BatchSize: 4, Epochs: 1, ShuffleBlock: 8}, &SGD{})
	})
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}
