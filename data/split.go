package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// newRand returns the generator used by Split and KFold: PCG seeded with
// (seed, 0), so a seed reproduces a split exactly on every platform.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0))
}

// Split divides the rows 0…n−1 at random into a training and a validation
// set, the validation set holding round(valFrac·n) rows (at least one when
// valFrac > 0, and never all of them). Both index lists are sorted. The
// same seed gives the same split. Split panics if n < 2 while valFrac > 0,
// or if valFrac is not in [0, 1).
func Split(n int, valFrac float64, seed uint64) (train, val []int) {
	if !(valFrac >= 0 && valFrac < 1) {
		panic(fmt.Sprintf("data: Split fraction %v not in [0, 1)", valFrac))
	}
	if n < 0 || (valFrac > 0 && n < 2) {
		panic(fmt.Sprintf("data: Split cannot hold out rows from %d", n))
	}
	nv := int(math.Round(valFrac * float64(n)))
	if valFrac > 0 {
		nv = min(max(nv, 1), n-1)
	}
	perm := newRand(seed).Perm(n)
	val = perm[:nv:nv]
	train = perm[nv:]
	slices.Sort(val)
	slices.Sort(train)
	return train, val
}

// Fold is one round of k-fold cross-validation: fit on Train, score on Val.
type Fold struct {
	Train, Val []int // sorted row indices
}

// KFold shuffles the rows 0…n−1 with the seed and cuts them into k folds
// whose sizes differ by at most one (the first n mod k folds get the extra
// row, as scikit-learn's KFold). Every row is in exactly one Val set. KFold
// panics unless 2 ≤ k ≤ n.
func KFold(n, k int, seed uint64) []Fold {
	if k < 2 || k > n {
		panic(fmt.Sprintf("data: KFold needs 2 ≤ k ≤ n, got k=%d n=%d", k, n))
	}
	perm := newRand(seed).Perm(n)
	folds := make([]Fold, k)
	inFold := make([]int, n)
	start := 0
	for f := range folds {
		size := n / k
		if f < n%k {
			size++
		}
		val := slices.Clone(perm[start : start+size])
		slices.Sort(val)
		for _, i := range val {
			inFold[i] = f
		}
		folds[f].Val = val
		start += size
	}
	for f := range folds {
		train := make([]int, 0, n-len(folds[f].Val))
		for i := 0; i < n; i++ {
			if inFold[i] != f {
				train = append(train, i)
			}
		}
		folds[f].Train = train
	}
	return folds
}

// Subset returns a new Frame holding the rows idx of f, in that order
// (indices may repeat, as in a bootstrap sample). The feature names are
// shared. Subset panics if idx is empty or an index is out of range.
func Subset(f *Frame, idx []int) *Frame {
	if len(idx) == 0 {
		panic("data: Subset of no rows")
	}
	_, d := f.X.Dims()
	x := mat.NewDense(len(idx), d, nil)
	for k, i := range idx {
		x.SetRow(k, f.X.RawRowView(i))
	}
	out := &Frame{Features: f.Features, Target: f.Target, X: x}
	if f.Y != nil {
		out.Y = make([]float64, len(idx))
		for k, i := range idx {
			out.Y[k] = f.Y[i]
		}
	}
	if f.Weights != nil {
		out.Weights = make([]float64, len(idx))
		for k, i := range idx {
			out.Weights[k] = f.Weights[i]
		}
	}
	return out
}
