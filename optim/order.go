package optim

import (
	"math/bits"
	"math/rand/v2"
)

// shuffle draws the order in which an epoch visits the rows 0 … len(perm)−1
// into perm, from src. For block ≤ 1 it is a uniformly random permutation:
// the identity shuffled by Fisher–Yates (rand.New(src).Shuffle, drawn by
// fisherYates). For block > 1 it is a blocked shuffle: the rows are cut into
// ⌈n/block⌉ blocks of block consecutive rows (the last one shorter when
// block does not divide n), the blocks are permuted by the same Fisher–Yates
// shuffle (one random draw a block, not a row) and each block's rows follow
// one another in storage order. Every row is visited once either way.
func shuffle(perm []int, src *rand.PCG, block int) {
	n := len(perm)
	if block <= 1 {
		for i := range perm {
			perm[i] = i
		}
		fisherYates(perm, src)
		return
	}
	nb := (n + block - 1) / block
	blocks := perm[:nb]
	for i := range blocks {
		blocks[i] = i
	}
	fisherYates(blocks, src)
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

// fisherYates shuffles s exactly as rand.New(src).Shuffle(len(s), swap)
// does with swap exchanging s[i] and s[j]: for i from len(s)−1 down to 1,
// s[i] and s[j] are exchanged for j uniform in [0, i], drawn as rand.Rand
// draws it from 64 bits (a mask when i+1 is a power of two, else the high
// word of draw·(i+1), with rand.Rand's rejection of the low words below
// 2⁶⁴ mod (i+1)). Drawing from the PCG directly, with the exchange inline,
// saves the Source interface call and the swap closure at every element:
// half the time at 10⁶ rows (bench/README.md). TestShuffleBlocked checks it
// against rand.Rand.Shuffle bit for bit. Where int has 32 bits rand.Rand
// draws differently, and fisherYates calls it.
func fisherYates(s []int, src *rand.PCG) {
	if ^uint(0)>>32 == 0 {
		rand.New(src).Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return
	}
	for i := len(s) - 1; i > 0; i-- {
		n := uint64(i + 1)
		var j uint64
		if n&(n-1) == 0 {
			j = src.Uint64() & (n - 1)
		} else {
			hi, lo := bits.Mul64(src.Uint64(), n)
			if lo < n {
				thresh := -n % n
				for lo < thresh {
					hi, lo = bits.Mul64(src.Uint64(), n)
				}
			}
			j = hi
		}
		s[i], s[j] = s[j], s[i]
	}
}

// pcgStream is the PCG stream constant used for mini-batch permutations.
const pcgStream = 0x6c73712d6f70746d // "lsq-optm"
