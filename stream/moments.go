package stream

import (
	"github.com/lsqgo/lsq/enet"
	xdd "github.com/lsqgo/lsq/internal/dd"
)

// Moments returns the weighted moments of the folded rows that the lasso
// and the elastic net need (enet.Moments: covariances in the normalised
// weights w/Σw), read off R without touching the rows again.
//
// RᵀR = [1 X y]ᵀW[1 X y]. With the intercept column first, the first
// Householder step removes the weighted means: the trailing block T of R
// (the rows and columns of X and y) is the R factor of the centred
// W^½[X − x̄, y − ȳ], so TᵀT/Σw is the covariance matrix of [X y], formed
// without the cancellation of raw moments whatever the means. Without an
// intercept, RᵀR/Σw itself gives the moments about the origin. The means
// are Means's.
//
// Each moment is a dot product of two columns of T/√Σw, carried in
// double-double and rounded once to float64 when the factor is
// double-double (DoubleDouble): the moments are then the covariances of the
// rows to a relative error of about ε (1.1e-16) of the product of the two
// columns' standard deviations. A float64 factor is the R of rows perturbed
// by about ε times their size, so its covariances are good to about
// ε·(1 + |x̄_j|/s_j)(1 + |x̄_k|/s_k) relative to s_j·s_k (s the standard
// deviations): digits are lost to means large against the spread.
//
// N is the number of rows of positive weight. Moments panics if no row
// has been folded.
func (q *QR) Moments() enet.Moments {
	q.flush()
	if q.sumW == 0 {
		panic("stream: Moments of an accumulator without rows")
	}
	off := q.lead()
	d := q.d
	// Column k of T/√Σw (k = d for y), its rows off..off+k. With an
	// intercept √Σw is |R₀₀|, carried in the factor's precision; without,
	// the root of SumWeights, a float64 sum.
	root := xdd.Sqrt(dd{Hi: q.sumW, Lo: 0})
	if q.intercept {
		root = xdd.Abs(q.at(0, 0))
	}
	cols := make([][]dd, d+1)
	for k := range cols {
		c := off + k
		cols[k] = make([]dd, c+1-off)
		for i := off; i <= c; i++ {
			cols[k][i-off] = xdd.Div(q.at(i, c), root)
		}
	}
	dot := func(j, k int) float64 {
		n := min(len(cols[j]), len(cols[k]))
		return xdd.Dot(cols[j][:n], cols[k][:n]).Float()
	}
	m := enet.Moments{N: int(q.n), Intercept: q.intercept, Gram: make([]float64, d*d), XTy: make([]float64, d)}
	for j := range d {
		for k := j; k < d; k++ {
			m.Gram[j*d+k] = dot(j, k)
			m.Gram[k*d+j] = m.Gram[j*d+k]
		}
		m.XTy[j] = dot(j, d)
	}
	m.YY = dot(d, d)
	if q.intercept {
		m.Mean, m.YMean = q.Means()
	}
	return m
}
