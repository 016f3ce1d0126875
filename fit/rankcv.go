package fit

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// RankCV is the k-fold cross-validation of the rank of a reduced-rank fit.
type RankCV struct {
	Ranks    []int
	Mean, SE []float64 // held-out loss per rank: mean over folds and its standard error
	Best     int       // the rank with the lowest mean
	OneSE    int       // the smallest rank within one standard error of Best's mean
}

// CrossValidateRank chooses the rank of MultiTarget by cross-validation:
// for each fold (the validation rows in folds[f]) every rank is fitted on the
// other rows and scored on the held-out ones by the loss of the objective,
// (1/2W_val)·Σ wᵢ‖yᵢ − ŷᵢ‖². Rank 0 in ranks means no constraint, as does
// any rank ≥ min(d, k) (the largest rank of the d×k coefficients): such
// ranks all score the unconstrained fit, so list at most one of them. The
// one-standard-error rule picks the smallest rank whose mean is within one
// standard error of the best (Hastie, Tibshirani & Friedman, The Elements
// of Statistical Learning, 2nd ed., §7.10).
func CrossValidateRank(ctx context.Context, x, y *mat.Dense, ranks []int, folds [][]int, s *MultiSettings) (*RankCV, error) {
	if len(folds) < 2 {
		return nil, &SettingsError{"folds", "cross-validation needs at least 2 folds"}
	}
	n, _ := x.Dims()
	base := MultiSettings{}
	if s != nil {
		base = *s
	}
	loss := make([][]float64, len(ranks))
	for f, val := range folds {
		in := make([]bool, n)
		for _, i := range val {
			in[i] = true
		}
		var train []int
		for i := range n {
			if !in[i] {
				train = append(train, i)
			}
		}
		xt, yt, wt := rowsAt(x, y, base.Weights, train)
		xv, yv, wv := rowsAt(x, y, base.Weights, val)
		for k, r := range ranks {
			set := base
			set.Rank, set.Weights = r, wt
			res, err := MultiTarget(ctx, xt, yt, &set)
			if err != nil {
				return nil, fmt.Errorf("fold %d, rank %d: %w", f+1, r, err)
			}
			loss[k] = append(loss[k], multiObjective(xv, yv, wv, res.Coef, res.Intercept, nil, nil, 0))
		}
	}
	cv := &RankCV{Ranks: ranks, Mean: make([]float64, len(ranks)), SE: make([]float64, len(ranks))}
	kf := float64(len(folds))
	best := 0
	for k, l := range loss {
		var m, ss float64
		for _, v := range l {
			m += v
		}
		m /= kf
		for _, v := range l {
			ss += (v - m) * (v - m)
		}
		cv.Mean[k], cv.SE[k] = m, math.Sqrt(ss/(kf-1)/kf)
		if m < cv.Mean[best] {
			best = k
		}
	}
	cv.Best = ranks[best]
	cv.OneSE = cv.Best
	for k, r := range ranks {
		if cv.Mean[k] <= cv.Mean[best]+cv.SE[best] && r > 0 && (cv.OneSE == 0 || r < cv.OneSE) {
			cv.OneSE = r
		}
	}
	return cv, nil
}

// rowsAt copies the listed rows of x, y and w.
func rowsAt(x, y *mat.Dense, w []float64, rows []int) (*mat.Dense, *mat.Dense, []float64) {
	_, d := x.Dims()
	_, k := y.Dims()
	xs, ys := mat.NewDense(len(rows), d, nil), mat.NewDense(len(rows), k, nil)
	var ws []float64
	if w != nil {
		ws = make([]float64, len(rows))
	}
	for a, i := range rows {
		xs.SetRow(a, x.RawRowView(i))
		ys.SetRow(a, y.RawRowView(i))
		if w != nil {
			ws[a] = w[i]
		}
	}
	return xs, ys, ws
}
