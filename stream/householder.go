package stream

import (
	"math"

	xdd "github.com/lsqgo/lsq/internal/dd"
	"github.com/lsqgo/lsq/internal/kernel"
)

// foldRows annihilates the m rows of blk (row-major, m×p) against the p×p
// upper-triangular r (row-major, full storage; entries below the diagonal are
// zero and never read) so that, on return, rᵀr equals the old rᵀr plus blkᵀblk.
// blk is overwritten. work must have length p.
//
// Column j uses the Householder reflection H = I − τuuᵀ, u = [1; v], that maps
// [r_jj; blk[:,j]] to [β; 0]; it touches row j of r and the rows of blk only,
// because the entries of r below the diagonal are zero (Golub & Van Loan, 4th
// ed., Algorithm 5.1.1, applied to the stacked matrix [r; blk] with its
// structure exploited, as LAPACK's xTPQRT does). The cost is about 2mp² flops.
func foldRows(r []float64, p int, blk []float64, m int, work []float64) {
	for j := 0; j < p; j++ {
		// Norm of the part below the diagonal, scaled against overflow.
		var scale, ssq float64 = 0, 1
		for i := 0; i < m; i++ {
			a := blk[i*p+j]
			if a == 0 {
				continue
			}
			a = math.Abs(a)
			if scale < a {
				ssq = 1 + ssq*(scale/a)*(scale/a)
				scale = a
			} else {
				ssq += (a / scale) * (a / scale)
			}
		}
		if scale == 0 {
			continue // nothing to annihilate in this column: H = I
		}
		x0 := r[j*p+j]
		sub := scale * math.Sqrt(ssq)
		beta := -math.Copysign(math.Hypot(x0, sub), x0)
		v0 := x0 - beta // |v0| ≥ |x0| and v0 ≠ 0 because sub > 0
		tau := -v0 / beta
		inv := 1 / v0
		for i := 0; i < m; i++ {
			blk[i*p+j] *= inv
		}
		r[j*p+j] = beta
		if j == p-1 {
			break
		}
		// w = r[j, j+1:] + vᵀ·blk[:, j+1:]
		w := work[j+1 : p]
		copy(w, r[j*p+j+1:(j+1)*p])
		for i := 0; i < m; i++ {
			vi := blk[i*p+j]
			if vi == 0 {
				continue
			}
			row := blk[i*p+j+1 : (i+1)*p]
			for c, a := range row {
				w[c] += vi * a
			}
		}
		for c := range w {
			w[c] *= tau
		}
		rj := r[j*p+j+1 : (j+1)*p]
		for c, a := range w {
			rj[c] -= a
		}
		for i := 0; i < m; i++ {
			vi := blk[i*p+j]
			if vi == 0 {
				continue
			}
			row := blk[i*p+j+1 : (i+1)*p]
			for c, a := range w {
				row[c] -= vi * a
			}
		}
	}
}

// foldRowsDD is foldRows carried out in double-double arithmetic: the same
// reflections, with every product and sum rounded to about 2⁻¹⁰⁴ instead of
// 2⁻⁵³. The column norm is scaled by a power of two (exact) instead of
// LAPACK's running scale. The cost is three to four times that of
// foldRows.
func foldRowsDD(r []dd, p int, blk []dd, m int, work []dd) {
	for j := 0; j < p; j++ {
		var big float64
		for i := 0; i < m; i++ {
			big = math.Max(big, math.Abs(blk[i*p+j].Hi))
		}
		if big == 0 {
			continue // nothing to annihilate in this column: H = I
		}
		_, e := math.Frexp(big)
		var ssq dd
		for i := 0; i < m; i++ {
			if a := blk[i*p+j]; a.Hi != 0 {
				a = xdd.Scale(a, -e)
				ssq = xdd.Add(ssq, xdd.Mul(a, a))
			}
		}
		x0 := r[j*p+j]
		x0s := xdd.Scale(x0, -e)
		norm := xdd.Scale(xdd.Sqrt(xdd.Add(ssq, xdd.Mul(x0s, x0s))), e)
		beta := norm
		if x0.Hi >= 0 {
			beta = norm.Neg()
		}
		v0 := xdd.Sub(x0, beta) // |v0| ≥ |x0| and v0 ≠ 0 because the block column is not zero
		tau := xdd.Div(v0, beta).Neg()
		inv := xdd.Div(dd{Hi: 1, Lo: 0}, v0)
		for i := 0; i < m; i++ {
			if blk[i*p+j].Hi != 0 {
				blk[i*p+j] = xdd.Mul(blk[i*p+j], inv)
			}
		}
		r[j*p+j] = beta
		if j == p-1 {
			break
		}
		w := work[j+1 : p]
		copy(w, r[j*p+j+1:(j+1)*p])
		for i := 0; i < m; i++ {
			vi := blk[i*p+j]
			if vi.Hi == 0 {
				continue
			}
			kernel.DDAxpy(w, vi, blk[i*p+j+1:(i+1)*p])
		}
		for c := range w {
			w[c] = xdd.Mul(w[c], tau)
		}
		rj := r[j*p+j+1 : (j+1)*p]
		for c, a := range w {
			rj[c] = xdd.Sub(rj[c], a)
		}
		for i := 0; i < m; i++ {
			vi := blk[i*p+j]
			if vi.Hi == 0 {
				continue
			}
			kernel.DDAxpy(blk[i*p+j+1:(i+1)*p], vi.Neg(), w)
		}
	}
}
