package stats

import (
	"errors"
	"fmt"
	"math"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/floats"
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
	Term   int     // the term (a column of X when there is no grouping), or −1 for the residuals
	DF     int     // the term's columns that add rank; n − p for the residuals
	SS     float64 // the drop in RSS when the term is added after those before it
	MeanSq float64 // SS/DF
	F      float64 // MeanSq/s², s² the residual mean square of the full model
	P      float64 // P(F(DF, n − p) > F)
}

// Sequential is SequentialTerms with each column of x a term of its own.
func Sequential(x *mat.Dense, y []float64, s *linear.Settings) ([]SequentialRow, error) {
	return SequentialTerms(x, y, nil, s)
}

// SequentialTerms is R's anova(lm) for the fit of y on the columns of x in
// order, terms[j] the term of column j (R's assign: the columns of a
// factor, a polynomial basis or an interaction form one term). The terms
// must be numbered 0, 1, … in order of their columns, each term's columns
// adjacent; nil makes each column a term of its own. A term's sum of
// squares is the drop in the residual sum of squares when its columns are
// added to the model with the terms before it (and the intercept, unless
// s.NoIntercept), so the sums add up to the total sum of squares about the
// mean (about zero without intercept) minus the RSS of the full model.
//
// As R's lm, the sums are the squared effects Qᵀ√W·y of an orthogonal
// factorisation √W·X̃ = QR taken in column order, a term's sum of squares
// the sum of its columns' squared effects and its DF the number of its
// columns that add rank: Gram–Schmidt with a second orthogonalisation pass
// ("twice is enough", Giraud, Langou & Rozložník 2005), O(n·p²) for all
// terms at once. A column whose part orthogonal to those before it is
// below 1e-7 of its norm adds no rank (R's tolerance in lm.fit); a term
// none of whose columns adds rank is left out of the table, as R leaves
// out aliased terms. Mean Sq = SS/DF, F = Mean Sq/s² on (DF, n − p)
// degrees of freedom. The residual row is that of the full fit by
// linear.Solve with s (nil for the defaults: QR; Ridge must be zero).
func SequentialTerms(x *mat.Dense, y []float64, terms []int, s *linear.Settings) ([]SequentialRow, error) {
	var set linear.Settings
	if s != nil {
		set = *s
	}
	if set.Ridge != 0 {
		return nil, ErrPenalized
	}
	n, d := x.Dims()
	if terms != nil {
		if len(terms) != d {
			return nil, fmt.Errorf("stats: %d terms for %d columns", len(terms), d)
		}
		for j, t := range terms {
			if j == 0 && t != 0 || j > 0 && t != terms[j-1] && t != terms[j-1]+1 {
				return nil, fmt.Errorf("stats: column %d is of term %d: the terms must be numbered 0, 1, … in order of their columns", j, t)
			}
		}
	}
	full, err := linear.Solve(x, y, &set)
	if err != nil {
		return nil, err
	}
	if full.DF == 0 {
		return nil, fmt.Errorf("stats: no residual degrees of freedom (n = %d, rank %d)", full.N, full.Rank)
	}
	sw := make([]float64, n)
	b := make([]float64, n)
	for i := range sw {
		sw[i] = math.Sqrt(weight(set.Weights, i))
		b[i] = sw[i] * y[i]
	}
	var q [][]float64 // orthonormal columns so far
	v := make([]float64, n)
	// add orthogonalises column a against q and returns its effect qᵀb,
	// or ok = false when it adds no rank.
	add := func(a []float64) (effect float64, ok bool) {
		copy(v, a)
		norm0 := floats.Norm(v, 2)
		if norm0 == 0 {
			return 0, false
		}
		for pass := 0; pass < 2; pass++ {
			for _, u := range q {
				floats.AddScaled(v, -floats.Dot(u, v), u)
			}
		}
		nv := floats.Norm(v, 2)
		if nv <= 1e-7*norm0 {
			return 0, false
		}
		u := make([]float64, n)
		floats.ScaleTo(u, 1/nv, v)
		q = append(q, u)
		return floats.Dot(u, b), true
	}
	if !set.NoIntercept {
		add(sw)
	}
	dfRes := float64(full.DF)
	scale := full.RSS / dfRes
	var rows []SequentialRow
	col := make([]float64, n)
	termOf := func(j int) int {
		if terms == nil {
			return j
		}
		return terms[j]
	}
	for j := 0; j < d; {
		term := termOf(j)
		var ss float64
		df := 0
		for ; j < d && termOf(j) == term; j++ {
			for i := range col {
				col[i] = sw[i] * x.At(i, j)
			}
			if e, ok := add(col); ok {
				ss += e * e
				df++
			}
		}
		if df == 0 {
			continue
		}
		ms := ss / float64(df)
		f := ms / scale
		rows = append(rows, SequentialRow{Term: term, DF: df, SS: ss, MeanSq: ms, F: f, P: fSurvival(f, float64(df), dfRes)})
	}
	rows = append(rows, SequentialRow{Term: -1, DF: full.DF, SS: full.RSS, MeanSq: scale, F: math.NaN(), P: math.NaN()})
	return rows, nil
}
