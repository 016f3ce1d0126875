package stream

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	xdd "github.com/lsqgo/lsq/internal/dd"
)

// blockRows is the number of rows buffered before they are folded into R.
// Any value gives the same R up to rounding; 64 rows of 22 columns (11 KiB)
// keeps the buffer in L1 cache while amortising the updates of R's rows.
const blockRows = 64

// QR is a mergeable accumulator of the triangular factor R of the weighted
// augmented design diag(√w)·[1 X y] (see the package documentation).
// The zero value is not usable; create one with NewQR.
//
// A QR is not safe for concurrent use. Methods that read the factor (Solve,
// R, Merge, MarshalBinary) first fold any rows still buffered.
type QR struct {
	d         int  // number of features
	intercept bool // whether the first column is the column of ones
	p         int  // columns of Z: d + 1 (+1 for the intercept)
	precise   bool // factor carried in double-double (rd, bd, wd) rather than float64 (r, blk, work)
	r         []float64
	rd        []dd
	rows      int64   // rows folded, weight zero included
	n         int64   // rows with positive weight
	sumW      float64 // Σw over all rows
	blk       []float64
	bd        []dd
	m         int // rows buffered in blk or bd
	work      []float64
	wd        []dd
}

// DoubleDoubleMaxFeatures is the largest number of features for which NewQR
// carries the factor in double-double arithmetic. Above it NewQR uses
// float64, which folds rows several times faster but is only as accurate as
// unpivoted Householder QR on the raw design (see the package documentation).
const DoubleDoubleMaxFeatures = 50

// NewQR returns an empty accumulator for d features, with a column of ones
// for the intercept if intercept is true. The factor is carried in
// double-double arithmetic when d ≤ DoubleDoubleMaxFeatures and in float64
// otherwise. It panics if d < 0.
func NewQR(d int, intercept bool) *QR {
	return newQR(d, intercept, d <= DoubleDoubleMaxFeatures)
}

// NewQRFloat64 is NewQR with the factor carried in float64 whatever d: faster,
// and accurate to about ε·κ(Z) instead of about 1e-32·κ(Z).
func NewQRFloat64(d int, intercept bool) *QR { return newQR(d, intercept, false) }

// NewQRDoubleDouble is NewQR with the factor carried in double-double
// whatever d.
func NewQRDoubleDouble(d int, intercept bool) *QR { return newQR(d, intercept, true) }

func newQR(d int, intercept, precise bool) *QR {
	if d < 0 {
		panic(fmt.Sprintf("stream: NewQR with %d features", d))
	}
	p := d + 1
	if intercept {
		p++
	}
	q := &QR{d: d, intercept: intercept, p: p, precise: precise}
	if precise {
		q.rd = make([]dd, p*p)
		q.bd = make([]dd, blockRows*p)
		q.wd = make([]dd, p)
	} else {
		q.r = make([]float64, p*p)
		q.blk = make([]float64, blockRows*p)
		q.work = make([]float64, p)
	}
	return q
}

// DoubleDouble reports whether the factor is carried in double-double
// arithmetic.
func (q *QR) DoubleDouble() bool { return q.precise }

// at returns R_ij.
func (q *QR) at(i, j int) dd {
	if q.precise {
		return q.rd[i*q.p+j]
	}
	return dd{Hi: q.r[i*q.p+j], Lo: 0}
}

// lead is the index of the first feature's column in R: 1 after the column
// of ones, 0 without an intercept.
func (q *QR) lead() int {
	if q.intercept {
		return 1
	}
	return 0
}

// Features returns the number of features d.
func (q *QR) Features() int { return q.d }

// Intercept reports whether the accumulator carries a column of ones.
func (q *QR) Intercept() bool { return q.intercept }

// Rows returns the number of rows folded, rows of weight zero included:
// the rows read, which an in-memory fit of the same rows reports as its n.
func (q *QR) Rows() int64 { return q.rows }

// N returns the number of rows folded with a positive weight: the
// observations (R's nobs), which the degrees of freedom and every statistic
// count. Rows of weight zero change nothing in the factor and are not
// observations, as in R's lm; Rows counts them.
func (q *QR) N() int64 { return q.n }

// SumWeights returns Σw over the rows folded (the number of rows when no
// weights were given).
func (q *QR) SumWeights() float64 { return q.sumW }

// Reset empties the accumulator, keeping its shape and its memory.
func (q *QR) Reset() {
	clear(q.r)
	clear(q.rd)
	q.rows, q.n, q.sumW, q.m = 0, 0, 0, 0
}

// AddRow folds one row x (the features, len d) with response y and weight w.
// It returns an error, and leaves the accumulator unchanged, if a value is not
// finite or the weight is negative. It panics if len(x) != d.
func (q *QR) AddRow(x []float64, y, w float64) error {
	if len(x) != q.d {
		panic(fmt.Sprintf("stream: AddRow got %d features, accumulator has %d", len(x), q.d))
	}
	if err := checkRow(x, y, w, 0); err != nil {
		return err
	}
	q.appendRow(x, y, w)
	return nil
}

func checkRow(x []float64, y, w float64, i int) error {
	if !(w >= 0) || math.IsInf(w, 1) {
		return &DataError{Row: i, Column: -1, Value: w, What: "weight"}
	}
	if math.IsNaN(y) || math.IsInf(y, 0) {
		return &DataError{Row: i, Column: -1, Value: y, What: "response"}
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &DataError{Row: i, Column: j, Value: v, What: "feature"}
		}
	}
	return nil
}

// appendRow buffers a checked row, folding the buffer when it is full.
func (q *QR) appendRow(x []float64, y, w float64) {
	q.rows++
	q.sumW += w
	if w == 0 {
		return
	}
	q.n++
	k := 0
	if q.precise {
		row := q.bd[q.m*q.p : (q.m+1)*q.p]
		if w == 1 {
			if q.intercept {
				row[0] = dd{Hi: 1, Lo: 0}
				k = 1
			}
			for j, v := range x {
				row[k+j] = dd{Hi: v, Lo: 0}
			}
			row[q.p-1] = dd{Hi: y, Lo: 0}
		} else {
			s := xdd.Sqrt(dd{Hi: w, Lo: 0})
			if q.intercept {
				row[0] = s
				k = 1
			}
			for j, v := range x {
				row[k+j] = xdd.MulF(s, v)
			}
			row[q.p-1] = xdd.MulF(s, y)
		}
	} else {
		s := 1.0
		if w != 1 {
			s = math.Sqrt(w)
		}
		row := q.blk[q.m*q.p : (q.m+1)*q.p]
		if q.intercept {
			row[0] = s
			k = 1
		}
		for j, v := range x {
			row[k+j] = s * v
		}
		row[q.p-1] = s * y
	}
	q.m++
	if q.m == blockRows {
		q.flush()
	}
}

func (q *QR) flush() {
	if q.m == 0 {
		return
	}
	if q.precise {
		foldRowsDD(q.rd, q.p, q.bd, q.m, q.wd)
	} else {
		foldRows(q.r, q.p, q.blk, q.m, q.work)
	}
	q.m = 0
}

// Add folds the rows of x (r×d) with responses y (len r) and weights w (len r,
// or nil for unit weights). It checks every row before folding any, so on
// error the accumulator is unchanged; the error is a *DataError whose Row is
// the index within this call. It panics if the dimensions disagree.
func (q *QR) Add(x mat.Matrix, y, w []float64) error {
	rows, cols := x.Dims()
	if cols != q.d || len(y) != rows || (w != nil && len(w) != rows) {
		panic(fmt.Sprintf("stream: Add got x %d×%d, len(y)=%d, len(w)=%d; accumulator has %d features", rows, cols, len(y), len(w), q.d))
	}
	src := newRowSource(x, nil)
	if err := checkRows(&src, rows, y, w); err != nil {
		return err
	}
	for i := 0; i < rows; i++ {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		q.appendRow(src.row(i), y[i], wi)
	}
	return nil
}

// Merge folds the rows of o's factor into q, so that q then describes the
// rows of both, in q's precision (a double-double factor merged into a
// float64 one is rounded to float64 first). o is flushed but otherwise
// unchanged. It returns an error if
// the shapes (number of features, intercept) differ.
func (q *QR) Merge(o *QR) error {
	if o.d != q.d || o.intercept != q.intercept {
		return fmt.Errorf("stream: cannot merge accumulators with %d features (intercept %t) and %d features (intercept %t)",
			q.d, q.intercept, o.d, o.intercept)
	}
	q.flush()
	o.flush()
	if q.precise {
		blk := make([]dd, q.p*q.p)
		for i := range blk {
			blk[i] = o.at(i/q.p, i%q.p)
		}
		foldRowsDD(q.rd, q.p, blk, q.p, q.wd)
	} else {
		blk := make([]float64, q.p*q.p)
		for i := range blk {
			blk[i] = o.at(i/q.p, i%q.p).Float()
		}
		foldRows(q.r, q.p, blk, q.p, q.work)
	}
	q.rows += o.rows
	q.n += o.n
	q.sumW += o.sumW
	return nil
}

// R returns a copy of the current upper-triangular factor, of order d+1
// (d+2 with an intercept); the columns are [1] X y. The sign of each row is
// arbitrary.
func (q *QR) R() *mat.TriDense {
	q.flush()
	t := mat.NewTriDense(q.p, mat.Upper, nil)
	for i := 0; i < q.p; i++ {
		for j := i; j < q.p; j++ {
			t.SetTri(i, j, q.at(i, j).Float())
		}
	}
	return t
}

// Means returns the weighted means of the features and of the response,
// read off R: with the column of ones first, R₀ⱼ = Σwxⱼ/√W and R₀₀ = √W.
// It panics if the accumulator has no intercept column; it returns NaNs when
// no row has been folded.
func (q *QR) Means() (x []float64, y float64) {
	if !q.intercept {
		panic("stream: Means needs an accumulator with an intercept column")
	}
	q.flush()
	x = make([]float64, q.d)
	r00 := q.at(0, 0)
	for j := range x {
		x[j] = xdd.Div(q.at(0, 1+j), r00).Float()
	}
	return x, xdd.Div(q.at(0, q.p-1), r00).Float()
}

// CentredNorms returns √Σw(xⱼ−x̄ⱼ)² for each feature and for the response
// (the square root of the weighted total sum of squares), read off R as the
// norms of its columns without their first entry. It panics if the
// accumulator has no intercept column.
func (q *QR) CentredNorms() (x []float64, y float64) {
	if !q.intercept {
		panic("stream: CentredNorms needs an accumulator with an intercept column")
	}
	q.flush()
	x = make([]float64, q.d)
	for j := range x {
		x[j] = q.colNorm(1+j, 1).Float()
	}
	return x, q.colNorm(q.p-1, 1).Float()
}

// Norms returns the weighted norms √Σw·xⱼ² of the features and √Σw·y² of
// the response (not centred), read off R as the norms of its columns. They
// are what a model without intercept standardises by.
func (q *QR) Norms() (x []float64, y float64) {
	q.flush()
	off := q.lead()
	x = make([]float64, q.d)
	for j := range x {
		x[j] = q.colNorm(off+j, 0).Float()
	}
	return x, q.colNorm(q.p-1, 0).Float()
}

// colNorm returns the norm of column c of R from row `from` to the diagonal.
func (q *QR) colNorm(c, from int) dd {
	col := make([]dd, 0, c+1-from)
	for i := from; i <= c; i++ {
		col = append(col, q.at(i, c))
	}
	return xdd.Norm(col)
}

// DataError reports a value that cannot be folded: a non-finite feature or
// response, or a negative or non-finite weight.
type DataError struct {
	Row    int     // row index within the call that failed
	Column int     // feature index, or -1 for the response or the weight
	Value  float64 // the offending value
	What   string  // "feature", "response" or "weight"
}

func (e *DataError) Error() string {
	if e.What == "feature" {
		return fmt.Sprintf("stream: row %d, feature %d: %v is not finite", e.Row, e.Column, e.Value)
	}
	if e.What == "weight" {
		return fmt.Sprintf("stream: row %d: weight %v is not a finite non-negative number", e.Row, e.Value)
	}
	return fmt.Sprintf("stream: row %d: %s %v is not finite", e.Row, e.What, e.Value)
}

// Standardization returns the standardisation of the folded rows, the one
// every lsq solver uses (lsq.Moments): the weighted column means and
// population standard deviations with an intercept, no centre and the root
// mean squares without one, read off R (Means, CentredNorms, Norms) and
// finished by lsq.Scales, so a streamed fit standardises as an in-memory
// fit of the same rows does.
func (q *QR) Standardization() (center, scale []float64) {
	var ss []float64
	mean := make([]float64, q.d)
	if q.intercept {
		mean, _ = q.Means()
		ss, _ = q.CentredNorms()
	} else {
		ss, _ = q.Norms()
	}
	for j, v := range ss {
		ss[j] = v * v
	}
	scale = lsq.Scales(q.sumW, mean, ss)
	if q.intercept {
		center = mean
	}
	return center, scale
}
