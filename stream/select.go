package stream

import (
	"fmt"

	xdd "github.com/lsqgo/lsq/internal/dd"
)

// Select returns the accumulator of the same rows with the first d
// features as the design and column c of [X y] as the response: c from d
// to q.Features()−1 is a later feature, c = q.Features() the response. It
// is the accumulator that folding those columns would have given, up to
// rounding and the signs of R's rows, with the same row counts (Rows, N), Σw,
// intercept and precision, so that one pass over [1 X Y₁ … Y_k] (the
// targets as the last columns) gives each target's fit of X: Solve, and
// everything read off R, as from a pass of that target alone.
//
// With the columns S = [1] X and c of the weighted design Z = QR, Z_S =
// Q·R_S. R_S is R's leading triangle on [1] X and, in its last column,
// R's column c down to the diagonal; the rows below the leading triangle
// are zero but in that column, so one rotation folds them into a single
// entry, their norm: the triangular factor R' of Z_S, R'ᵀR' = Z_SᵀZ_S.
//
// It panics unless 0 ≤ d ≤ c ≤ q.Features().
func (q *QR) Select(d, c int) *QR {
	if d < 0 || c < d || c > q.d {
		panic(fmt.Sprintf("stream: Select(%d, %d) of an accumulator of %d features", d, c, q.d))
	}
	q.flush()
	s := newQR(d, q.intercept, q.precise)
	s.rows, s.n, s.sumW = q.rows, q.n, q.sumW
	off := q.lead()
	lead, col := off+d, off+c // the design's columns in R, and column c's
	set := func(i, j int, v dd) {
		if s.precise {
			s.rd[i*s.p+j] = v
		} else {
			s.r[i*s.p+j] = v.Float()
		}
	}
	for i := range lead {
		for j := i; j < lead; j++ {
			set(i, j, q.at(i, j))
		}
		set(i, lead, q.at(i, col))
	}
	below := make([]dd, 0, col+1-lead)
	for i := lead; i <= col; i++ {
		below = append(below, q.at(i, col))
	}
	set(lead, lead, xdd.Norm(below))
	return s
}
