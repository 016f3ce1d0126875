package enet

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// foldSet builds the full problem and each fold's training problem for CV.
type foldSet struct {
	x     *mat.Dense
	y     []float64
	st    settings
	folds []int
	k     int
	rows  [][]int // the rows of each fold, in row order
	full  *problem

	// Covariance updates: each fold's augmented moments about a common
	// shift (moments.go), from one pass over the rows.
	each  [][]float64
	shift []float64
}

// newFoldSet builds the full problem as Path does (so CV's grid and refit
// are Path's to the bit) and, for covariance updates, reads the data once
// more for the moments of every fold about the same shift.
func newFoldSet(x *mat.Dense, y []float64, st *settings, folds []int, k int) (*foldSet, error) {
	fs := &foldSet{x: x, y: y, st: *st, folds: folds, k: k, rows: make([][]int, k)}
	for i, f := range folds {
		fs.rows[f] = append(fs.rows[f], i)
	}
	gram := st.solver == CoordinateDescent && st.update == Covariance
	full, err := newProblem(x, y, st, gram)
	if err != nil || !gram {
		fs.full = full
		return fs, err
	}
	n, d := x.Dims()
	raw := x.RawMatrix()
	fs.shift = provisionalShift(raw.Data, raw.Stride, n, d, y, full.v, full.intercept)
	_, ok, each := moments(raw.Data, raw.Stride, n, d, y, st.weights, full.v, fs.shift, fs.rows)
	if !ok {
		return nil, momentError(x, y, st, full.v)
	}
	fs.full, fs.each = full, each
	return fs, nil
}

// train returns the problem of the rows outside fold f, with its own
// weighted means and scales, and its settings. For covariance updates its
// moments are the sum of the other folds' (in fold order), centred about
// their own mean by fromMoments; the problem then holds no per-row vectors
// (v, yc), which covariance updates do not read. Otherwise it is
// newProblem with the fold's rows given zero weight.
func (fs *foldSet) train(f int) (*problem, *settings, error) {
	n, _ := fs.x.Dims()
	tw := make([]float64, n)
	positive := 0
	for i, g := range fs.folds {
		if g == f {
			continue
		}
		tw[i] = 1
		if fs.st.weights != nil {
			tw[i] = fs.st.weights[i]
		}
		if tw[i] > 0 {
			positive++
		}
	}
	st := fs.st
	st.weights = tw
	if fs.each == nil {
		p, err := newProblem(fs.x, fs.y, &st, false)
		return p, &st, err
	}
	if positive < 2 {
		// normWeights's error for these weights.
		return nil, nil, fmt.Errorf("enet: %d rows have positive weight, need at least 2", positive)
	}
	var a []float64
	for g, ag := range fs.each {
		if g == f {
			continue
		}
		if a == nil {
			a = append([]float64(nil), ag...)
			continue
		}
		addTo(a, ag)
	}
	p := bareProblem(fs.x, &st)
	p.fromMoments(a, fs.shift)
	p.standardise(&st)
	return p, &st, nil
}
