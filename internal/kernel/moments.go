package kernel

import "fmt"

// SumKind is the term a ColumnSums pass adds per row: for row i with weight
// wᵢ, column j with value x_ij and shift m_j,
//
//	Sum:    wᵢ·x_ij
//	Dev:    wᵢ·(x_ij − m_j)
//	Square: (wᵢ·c)·c,  c = x_ij − m_j
//
// the three passes of lsq.Moments (weighted sums, the correction of the
// corrected two-pass mean, the sums of squares about the mean).
type SumKind int

// The kinds of ColumnSums.
const (
	Sum SumKind = iota
	Dev
	Square
)

// tileCols is the most columns one call of the column-sum kernel holds in
// registers (four chunks of eight); tileBytes the bytes of the row blocks
// wider matrices are walked in, one column tile after another, while they
// stay in L2 cache.
const (
	tileCols  = 32
	tileBytes = 1 << 18
)

// ColumnSums adds to acc[j], for j < len(acc) and every row i < n of the
// row-major x (row i at x[i*stride:]) in row order, the term of the given
// kind. A nil w weighs every row 1; mean (len ≥ len(acc)) is not read for
// Sum.
//
// Every column's sum runs over the rows in order with each product and sum
// rounded on its own (no fused multiply-add), so the sums are the bits of
// the plain loop
//
//	for i := range n { for j := range acc { acc[j] += term(i, j) } }
//
// on every kernel: the vector kernels only do several columns at once.
func ColumnSums(acc, x []float64, stride, n int, mean, w []float64, kind SumKind) {
	d := len(acc)
	if n <= 0 || d == 0 {
		return
	}
	if stride < d || len(x) < (n-1)*stride+d || w != nil && len(w) < n || kind != Sum && len(mean) < d || kind < Sum || kind > Square {
		panic(fmt.Sprintf("kernel: ColumnSums: bad shapes n=%d d=%d stride=%d len(x)=%d len(w)=%d len(mean)=%d kind=%d",
			n, d, stride, len(x), len(w), len(mean), kind))
	}
	if kind == Sum {
		mean = nil
	}
	if d <= tileCols {
		columnSumsK(acc, x, stride, n, mean, w, kind)
		return
	}
	rb := max(1, tileBytes/(8*d))
	for lo := 0; lo < n; lo += rb {
		hi := min(n, lo+rb)
		var wb []float64
		if w != nil {
			wb = w[lo:hi]
		}
		for j0 := 0; j0 < d; j0 += tileCols {
			j1 := min(d, j0+tileCols)
			var mb []float64
			if mean != nil {
				mb = mean[j0:j1]
			}
			columnSumsK(acc[j0:j1], x[lo*stride+j0:], stride, hi-lo, mb, wb, kind)
		}
	}
}

// columnSumsGo is ColumnSums on rows rows, in Go. The conversions keep the
// compiler from fusing the products into the sums.
func columnSumsGo(acc, x []float64, stride, rows int, mean, w []float64, kind SumKind) {
	d := len(acc)
	for i := range rows {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		row := x[i*stride : i*stride+d]
		switch kind {
		case Sum:
			for j, v := range row {
				acc[j] += float64(wi * v)
			}
		case Dev:
			for j, v := range row {
				acc[j] += float64(wi * (v - mean[j]))
			}
		case Square:
			for j, v := range row {
				c := v - mean[j]
				acc[j] += float64(float64(wi*c) * c)
			}
		}
	}
}
