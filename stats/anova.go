package stats

import (
	"errors"
	"fmt"
	"math"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// NestedRow is one model of a nested-model comparison, as a row of R's
// anova(m1, m2, ...) table. DF, SS, F and P compare the model with the one
// before it and are NaN (R's NA, printed blank) in the first row.
type NestedRow struct {
	ResDF int     // residual degrees of freedom n − p
	RSS   float64 // residual sum of squares Σwᵢrᵢ²
	DF    float64 // ResDF of the previous model minus this one's
	SS    float64 // RSS of the previous model minus this one's
	F     float64 // (SS/DF)/s², s² = RSS/ResDF of the largest model
	P     float64 // P(F(|DF|, ResDF of the largest model) > F)
}

// Nested compares fits of models on the same observations, in the order
// given, as R's anova.lm with several models does (anova.lmlist): each
// model is tested against the previous one by
//
//	F = ((RSSₖ₋₁ − RSSₖ)/(dfₖ₋₁ − dfₖ)) / (RSS_big/df_big)
//
// on (|dfₖ₋₁ − dfₖ|, df_big) degrees of freedom, "big" the model with the
// fewest residual degrees of freedom (the largest; the first of them if
// several). The test is the classical one for nested models (each one's
// columns contain the previous one's), which Nested does not check: that
// is the caller's to know. It returns an error when the models were not
// fitted to the same number of observations, as R does, or a fit is
// penalised.
func Nested(fits []*linear.Result) ([]NestedRow, error) {
	if len(fits) < 2 {
		return nil, errors.New("stats: a nested comparison needs at least two models")
	}
	big := 0
	for k, f := range fits {
		if f.Unscaled == nil {
			return nil, ErrPenalized
		}
		if f.N != fits[0].N {
			return nil, fmt.Errorf("stats: the models were not all fitted to the same observations (n = %d and %d)", fits[0].N, f.N)
		}
		if f.DF < fits[big].DF {
			big = k
		}
	}
	if fits[big].DF == 0 {
		return nil, fmt.Errorf("stats: the largest model has no residual degrees of freedom (n = %d)", fits[big].N)
	}
	scale := fits[big].RSS / float64(fits[big].DF)
	dfBig := float64(fits[big].DF)
	rows := make([]NestedRow, len(fits))
	nan := math.NaN()
	for k, f := range fits {
		r := NestedRow{ResDF: f.DF, RSS: f.RSS, DF: nan, SS: nan, F: nan, P: nan}
		if k > 0 {
			prev := fits[k-1]
			r.DF = float64(prev.DF - f.DF)
			r.SS = prev.RSS - f.RSS
			if r.DF != 0 {
				r.F = r.SS / r.DF / scale
				r.P = fSurvival(r.F, math.Abs(r.DF), dfBig)
			}
		}
		rows[k] = r
	}
	return rows, nil
}

// SequentialRow is one row of the sequential (type I) analysis of
// variance: a term, or the residuals (F and P NaN).
type SequentialRow struct {
	Term   int     // column of X, or −1 for the residuals
	DF     int     // 1 for a term (the rank it adds), n − p for the residuals
	SS     float64 // the drop in RSS when the term is added after those before it
	MeanSq float64 // SS/DF
	F      float64 // MeanSq/s², s² the residual mean square of the full model
	P      float64 // P(F(DF, n − p) > F)
}

// Sequential is R's anova(lm) for the fit of y on the columns of x in
// order: each column's sum of squares is the drop in the residual sum of
// squares when it is added to the model with the columns before it (and
// the intercept, unless s.NoIntercept), so the sums add up to the total
// sum of squares about the mean (about zero without intercept) minus the
// RSS of the full model. A column that adds no rank (aliased) is left out
// of the table, as R leaves out aliased terms. Each column is one term of
// one degree of freedom; the models are fitted by linear.Solve with s
// (nil for the defaults: QR; Ridge must be zero). The last row is the
// residuals.
func Sequential(x *mat.Dense, y []float64, s *linear.Settings) ([]SequentialRow, error) {
	var set linear.Settings
	if s != nil {
		set = *s
	}
	if set.Ridge != 0 {
		return nil, ErrPenalized
	}
	n, d := x.Dims()
	full, err := linear.Solve(x, y, &set)
	if err != nil {
		return nil, err
	}
	if full.DF == 0 {
		return nil, fmt.Errorf("stats: no residual degrees of freedom (n = %d, rank %d)", full.N, full.Rank)
	}
	// The model with no columns: RSS is the total sum of squares.
	prevRSS, prevRank := full.TSS, 0
	dfRes := float64(full.DF)
	scale := full.RSS / dfRes
	var rows []SequentialRow
	for j := 1; j <= d; j++ {
		var rss float64
		var rank int
		if j == d {
			rss, rank = full.RSS, full.Rank
		} else {
			sub := mat.DenseCopyOf(x.Slice(0, n, 0, j))
			f, err := linear.Solve(sub, y, &set)
			if err != nil {
				return nil, err
			}
			rss, rank = f.RSS, f.Rank
		}
		if rank > prevRank {
			ss := prevRSS - rss
			df := rank - prevRank
			ms := ss / float64(df)
			f := ms / scale
			rows = append(rows, SequentialRow{Term: j - 1, DF: df, SS: ss, MeanSq: ms, F: f, P: fSurvival(f, float64(df), dfRes)})
		}
		prevRSS, prevRank = rss, rank
	}
	rows = append(rows, SequentialRow{Term: -1, DF: full.DF, SS: full.RSS, MeanSq: scale, F: math.NaN(), P: math.NaN()})
	return rows, nil
}
