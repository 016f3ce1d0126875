package optim

import "math/rand/v2"

// shuffle draws the order in which an epoch visits the rows 0 … len(perm)−1
// into perm, from rng. For block ≤ 1 it is a uniformly random permutation:
// the identity shuffled by Fisher–Yates (rand.Rand.Shuffle). For block > 1
// it is a blocked shuffle: the rows are cut into ⌈n/block⌉ blocks of block
// consecutive rows (the last one shorter when block does not divide n), the
// blocks are permuted by the same Fisher–Yates shuffle (one random draw a
// block, not a row) and each block's rows follow one another in storage
// order. Every row is visited once either way.
func shuffle(perm []int, rng *rand.Rand, block int) {
	n := len(perm)
	if block <= 1 {
		for i := range perm {
			perm[i] = i
		}
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		return
	}
	nb := (n + block - 1) / block
	blocks := perm[:nb]
	for i := range blocks {
		blocks[i] = i
	}
	rng.Shuffle(nb, func(i, j int) { blocks[i], blocks[j] = blocks[j], blocks[i] })
	// Expand in place from the last block back: the rows of the blocks
	// before position t fill at least t entries (every block has at least
	// one row), so the block t's rows land at or after t, where no block
	// number is still to be read.
	end := n
	for t := nb - 1; t >= 0; t-- {
		lo := blocks[t] * block
		hi := min(lo+block, n)
		end -= hi - lo
		for i := range hi - lo {
			perm[end+i] = lo + i
		}
	}
}
