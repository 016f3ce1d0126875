package stream

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/enet"
)

// FoldCV is enet.CV for rows read from partitions: the same folds, grid,
// curves, chosen α and refit as enet.CV on the rows of the partitions in
// order (partition 0's rows first), up to the rounding of their moments.
// The partitions are read twice:
//
//  1. a counting pass gives the number of rows n of each partition (rows
//     of weight zero included, as enet.CV counts them), hence each
//     partition's first global row index and the total n;
//  2. cs.Assign(n), enet.CV's own assignment (a seeded permutation of n
//     dealt out round-robin, or cs.FoldIDs), gives the fold of every row,
//     and the fold pass adds each row to its fold's QR accumulator, one set
//     of k accumulators per partition merged in partition order.
//
// The fold assignment thus depends on the rows' global order only, not on
// how they are split into partitions or blocks, and it is held as n ints
// (8 bytes a row, 16 while the permutation is drawn, against 8(d+1) for
// the rows in memory).
//
// The full data's accumulator is the merge of the k folds' (in fold
// order), each fold's training accumulator the merge of the other k−1 (in
// fold order); their moments (QR.Moments) and those of each fold's own rows
// go to enet.CVMoments, which gives the α grid (PathMoments' on the full
// moments), the per-fold paths, the held-out errors as quadratic forms in
// the fold's moments, CV's mean, standard error and choice, and the refit.
// It returns the CV result, with Folds set, and the full data's moments.
// Only s.NoIntercept, s.Workers and s.Precision are read from s; cs is
// refused as enet.CVMoments refuses it, a cs.FoldIDs whose length is not n
// is an error, and so (a *FoldsError) are fewer than 2 folds or more folds
// than rows, which only the counting pass can tell.
func FoldCV(ctx context.Context, parts []Chunks, s *Settings, cs *enet.CVSettings) (*enet.CVResult, enet.Moments, error) {
	set := resolve(s)
	var c enet.CVSettings
	if cs != nil {
		c = *cs
	}
	first, n, err := countRows(ctx, parts, set.workers)
	if err != nil {
		return nil, enet.Moments{}, err
	}
	if err := checkFolds(&c, n); err != nil {
		return nil, enet.Moments{}, err
	}
	folds, k := c.Assign(n)
	f, err := foldEach(ctx, parts, set, folds, k, first)
	if err != nil {
		return nil, enet.Moments{}, err
	}
	full, fm, err := f.moments()
	if err != nil {
		return nil, enet.Moments{}, err
	}
	res, err := enet.CVMoments(ctx, &full, fm, &c)
	if err != nil {
		return nil, full, err
	}
	res.Folds = folds
	return res, full, nil
}

// countRows is FoldCV's counting pass: it returns each partition's first
// global row index and the total number of rows n, rows of weight zero
// included, as enet.CV counts them.
func countRows(ctx context.Context, parts []Chunks, workers int) (first []int, n int, err error) {
	counts, err := foldParts(ctx, parts, workers,
		func(_, d int) *rowCount { return &rowCount{d: d} },
		func(r *rowCount) int { return r.d },
		func(r *rowCount, x *mat.Dense, _, _ []float64) error {
			rows, _ := x.Dims()
			r.n += rows
			return nil
		})
	if err != nil {
		return nil, 0, err
	}
	first = make([]int, len(parts))
	for i, r := range counts {
		first[i] = n
		if r != nil {
			n += r.n
		}
	}
	return first, n, nil
}

// checkFolds returns the error for n rows that c's folds cannot be dealt
// from, before c.Assign is asked to: ErrNoData without rows, an error for
// fold ids that do not number n, and a *FoldsError for fewer than 2 folds
// or more folds than rows (c.Folds, 0 meaning enet.DefaultFolds).
func checkFolds(c *enet.CVSettings, n int) error {
	if n == 0 {
		return ErrNoData
	}
	k := c.Folds
	if k == 0 {
		k = enet.DefaultFolds
	}
	switch {
	case c.FoldIDs != nil && len(c.FoldIDs) != n:
		return fmt.Errorf("stream: %d fold ids for %d rows", len(c.FoldIDs), n)
	case c.FoldIDs == nil && (k < 2 || k > n):
		return &FoldsError{Folds: k, Rows: n}
	}
	return nil
}

// foldEach is FoldCV's fold pass: each partition's rows go to the QR
// accumulators of their folds (folds[i] the fold of global row i, first[p]
// partition p's first row), one set of k per partition, and the sets are
// merged in partition order into one accumulator per fold.
func foldEach(ctx context.Context, parts []Chunks, set settings, folds []int, k int, first []int) (foldTotals, error) {
	accs, err := foldParts(ctx, parts, set.workers,
		func(part, d int) *foldQRs {
			f := &foldQRs{folds: folds, next: first[part], qs: make([]*QR, k)}
			for g := range f.qs {
				f.qs[g] = set.newQR(d)
			}
			return f
		},
		func(f *foldQRs) int { return f.qs[0].d },
		(*foldQRs).add)
	if err != nil {
		return foldTotals{}, err
	}
	t := foldTotals{set: set, each: make([]*QR, k)}
	for _, f := range accs {
		if f == nil {
			continue
		}
		t.d = f.qs[0].d
		for g, q := range f.qs {
			if t.each[g] == nil {
				t.each[g] = q
				continue
			}
			if err := t.each[g].Merge(q); err != nil {
				return foldTotals{}, err
			}
		}
	}
	return t, nil
}

// foldTotals are the accumulators of each fold's rows over all partitions,
// in fold order, of d features, made with set.
type foldTotals struct {
	set  settings
	d    int
	each []*QR
}

// union returns the merge, in fold order, of every fold's accumulator but
// fold skip's (all of them for skip −1).
func (t foldTotals) union(skip int) *QR {
	u := t.set.newQR(t.d)
	for g, q := range t.each {
		if g != skip {
			u.Merge(q) // same shape by construction
		}
	}
	return u
}

// moments returns what enet.CVMoments reads: the full data's moments and,
// for each fold, its training rows' moments (the union of the other folds),
// its own rows' moments and its total weight. A fold without weight has
// moments of no rows. It returns ErrNoData if no row has positive weight.
func (t foldTotals) moments() (enet.Moments, []enet.FoldMoments, error) {
	all := t.union(-1)
	if all.N() == 0 {
		return enet.Moments{}, nil, ErrNoData
	}
	full := all.Moments()
	fm := make([]enet.FoldMoments, len(t.each))
	for g, q := range t.each {
		fm[g].Train = momentsOrEmpty(t.union(g))
		fm[g].Weight = q.SumWeights()
		if fm[g].Weight > 0 {
			fm[g].Test = q.Moments()
		}
	}
	return full, fm, nil
}

// FoldsError reports a number of folds that the rows cannot fill: fewer
// than 2, or more than the rows.
type FoldsError struct{ Folds, Rows int }

func (e *FoldsError) Error() string {
	return fmt.Sprintf("stream: %d folds for %d rows", e.Folds, e.Rows)
}

// rowCount counts the rows of a partition.
type rowCount struct{ d, n int }

// foldQRs are one partition's accumulators, one per fold; next is the
// global index of the partition's next row.
type foldQRs struct {
	folds []int
	next  int
	qs    []*QR
}

// add checks a block's rows, as QR.Add does, and folds each into the
// accumulator of its fold.
func (f *foldQRs) add(x *mat.Dense, y, w []float64) error {
	rows, _ := x.Dims()
	src := newRowSource(x, nil)
	if err := checkRows(&src, rows, y, w); err != nil {
		return err
	}
	for i := 0; i < rows; i++ {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		f.qs[f.folds[f.next+i]].appendRow(src.row(i), y[i], wi)
	}
	f.next += rows
	return nil
}

// momentsOrEmpty is q's moments, or, if q holds no weight, moments of no
// rows (N = 0), which enet refuses as it refuses rows without positive
// weight.
func momentsOrEmpty(q *QR) enet.Moments {
	if q.SumWeights() > 0 {
		return q.Moments()
	}
	d := q.d
	return enet.Moments{Intercept: q.intercept, Mean: make([]float64, d), Gram: make([]float64, d*d), XTy: make([]float64, d)}
}
