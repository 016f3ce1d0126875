package linear

import (
	"math"

	"github.com/lsqgo/lsq/internal/kernel"
	"gonum.org/v1/gonum/mat"
)

// This file computes, for tall designs the Gram path declines, the same
// triangular factor of the standardised [A | b] as tsqrFactor, on the Gram
// kernel instead of Householder QR: Cholesky QR twice (CholeskyQR2:
// Yamamoto, Nakatsukasa, Yanagisawa & Fukaya, ETNA 44, 2015) with the
// nearly dependent columns deflated.
//
// First G₀ = PᵀP, P = [A | b] built panel by panel as tsqrFactor builds it
// (or the Gram matrix the declined Gram attempt formed, standardised).
// Cholesky with diagonal pivoting on its A block takes columns into a set S
// while the largest remaining pivot, relative to the largest diagonal
// entry, is at least 1/κ_max², κ_max = 1/(8·√(c·u)) the condition number up
// to which one Cholesky QR step leaves Q orthonormal to O(1) (the cited
// paper, §3; c = ℓ·p + p(p+1) the constant of the Gram matrix's rounding
// error, ℓ the longest chain of additions in an entry). The other columns,
// K (dependent on S to that level: collinear, or nearly so), and b are not
// normalised: in the permuted order [S, K, b] the factor is
//
//	    ⎡R_S  R_SK  R_Sb⎤
//	T = ⎢ 0    I     0  ⎥,
//	    ⎣ 0    0     1  ⎦
//
// so that Q = P·T⁻¹ = [A_S·R_S⁻¹, A_K − Q_S·R_SK, b − Q_S·R_Sb]: a basis of
// A_S orthonormal to O(1) and the residuals of the other columns against it
// (block Gram–Schmidt).
//
// Then one pass forms Q panel by panel — the triangular solve QᵀT = Pᵀ on
// the transposed panel in L2, 8×8 tiles on kernel.TileUpdate — and
// accumulates G₁ = QᵀQ. Its Cholesky factor R₂ gives R = R₂·T: for S, the
// second Cholesky QR step (its S block close to I, checked); for K and b,
// the second projection that Gram–Schmidt needs (Giraud, Langou &
// Rozložník, Numer. Math. 101, 2005), after which R₂'s K block is the
// Cholesky factor of the Gram matrix of the residuals and its corner the
// residual norm.
//
// The solve is backward stable (the computed Q satisfies QT = P + ΔP,
// |ΔP| ≤ γ_p·|Q||T|; Higham 2002, Thm 8.5). A product with an explicitly
// inverted T would carry a factor κ(T) into that bound; with S well
// conditioned by construction it passed the same tests, but the solve costs
// the same and keeps the better bound. Since Q_S is orthonormal to O(1),
// the rounding errors of G₁ and of its Cholesky factor perturb R
// multiplicatively, R ← (I + O(c·u))·R, so R is the exact factor of P + ΔP
// with ‖ΔP‖ = O(c·u·‖P‖) column by column, as in CholeskyQR2 (the cited
// paper, §3) and in Householder QR (with its own constant): the rank
// decision and the minimum-norm solution in qrSmall see the same small
// pivots. An exactly dependent column's residual is rounding noise,
// independent of the others, so the K block of G₁ is well conditioned once
// its diagonal is scaled away. The factor declines, and fitTall falls back
// to TSQR, when it is not (two nearly dependent columns nearly parallel to
// each other after their common part is removed, or a duplicated column),
// when the S block of G₁ is farther from I than the theory allows, or when
// a Cholesky factorisation of S fails.
//
// That is one pass over X after the Gram attempt (two without one, with
// ridge) and no shift. The shifted Cholesky QR of Fukaya, Kannan,
// Nakatsukasa, Yamamoto & Yanagisawa (SIAM J. Sci. Comput. 42, 2020) needs
// two passes after G₀ for the same accuracy (shifted step, then
// CholeskyQR2) and cannot resolve an exactly dependent column, whose
// condition number, ≈ 1/u, is beyond its range; deflating such columns
// leaves S to plain CholeskyQR2. The bits do not depend on GOMAXPROCS:
// fixed row blocks (rowBlocks), each block's Gram matrix accumulated in
// row order, the blocks' added in block order.

// cqr holds what the two passes share.
type cqr struct {
	xs     []float64
	stride int
	y, w   []float64
	m      *moments
	inv    []float64 // 1/scale per column
	d, p   int       // columns of A; p = d + 1 with b
	mw     int       // p rounded up to a multiple of 8
	pr     int       // rows per panel, a multiple of 8
	ld     int       // stride of a transposed panel: pr + 8, so that its rows do not share cache sets
	rb     rowBlocks
}

// cqrWidth is the padded width of a panel row [√w(x−m)/s, √w(y−m_y)].
func cqrWidth(d int) int { return (d + 1 + 7) &^ 7 }

func newCQR(x *mat.Dense, y, w []float64, m *moments) *cqr {
	n, d := x.Dims()
	raw := x.RawMatrix()
	c := &cqr{xs: raw.Data, stride: raw.Stride, y: y, w: w, m: m, d: d, p: d + 1}
	c.mw = cqrWidth(d)
	c.pr = max(8, min(gramPanelRows, gramPanelVals/c.mw)) &^ 7
	c.ld = c.pr + 8
	c.rb = newRowBlocks(n, d)
	c.inv = make([]float64, d)
	for j, s := range m.scales {
		c.inv[j] = 1 / s
	}
	return c
}

// pass returns the mw×mw upper triangle (row-major) of QᵀQ, Q = P·T⁻¹ with
// P's columns in the order pos (column j of A at position pos[j], b at d),
// or of PᵀP when t is nil. t is mw×mw upper triangular with t[j][j] = 1 from
// position p on. Q's panels are kernel.Panels, packed when wide (packs):
// the same bits either way.
func (c *cqr) pass(pos []int, t []float64) []float64 {
	mw, pr, ld := c.mw, c.pr, c.ld
	var negT, rdiag []float64
	if t != nil {
		negT = make([]float64, mw*mw)
		rdiag = make([]float64, mw)
		for i := 0; i < mw; i++ {
			rdiag[i] = 1 / t[i*mw+i]
			for j := i + 1; j < mw; j++ {
				negT[i*mw+j] = -t[i*mw+j]
			}
		}
	}
	nb := c.rb.nb
	slots := make([]float64, nb*mw*mw)
	type scratch struct {
		pt []float64
		q  *kernel.Panel
		g  []float64
	}
	work := make([]scratch, c.rb.workers())
	c.rb.run(func(k, b int) {
		if work[k].pt == nil {
			work[k] = scratch{make([]float64, mw*ld), kernel.NewPanel(mw, pr, packs(mw)), make([]float64, mw*mw)}
		}
		pt, q, gp := work[k].pt, work[k].q, work[k].g
		slot := slots[b*mw*mw : (b+1)*mw*mw]
		lo, hi := c.rb.bounds(b)
		for i0 := lo; i0 < hi; i0 += pr {
			rows := min(hi, i0+pr) - i0
			lc := (rows + 7) &^ 7
			c.fill(pt, pos, i0, rows, lc)
			if t != nil {
				solveTransposed(pt, negT, rdiag, mw, ld, lc)
			}
			// The panel's Gram matrix on its own, then added to the
			// block's: sums of pr terms, then of one per panel, not one
			// sum over the block's rows (Higham 2002, §4.2).
			clear(gp)
			q.AddGram(gp, rows, func(dst []float64, r0, r1 int) {
				for j := 0; j < mw; j++ { // Q = (Qᵀ)ᵀ, row-major
					for r, v := range pt[j*ld+r0 : j*ld+r1] {
						dst[r*mw+j] = v
					}
				}
			})
			for i, v := range gp {
				slot[i] += v
			}
		}
	})
	g := slots[:mw*mw]
	for b := 1; b < nb; b++ {
		for i, v := range slots[b*mw*mw : (b+1)*mw*mw] {
			g[i] += v
		}
	}
	return g
}

// fill writes the transposed panel of rows i0 … i0+rows−1 into pt (mw×ld,
// row-major): pt[pos[j]][r] = √wᵢ(x_ij − m_j)/s_j, pt[d][r] = √wᵢ(yᵢ − m_y),
// zero in the padding rows and in the columns rows … lc−1.
func (c *cqr) fill(pt []float64, pos []int, i0, rows, lc int) {
	d, ld, m := c.d, c.ld, c.m
	for r := 0; r < rows; r++ {
		i := i0 + r
		sw := 1.0
		if c.w != nil {
			sw = math.Sqrt(c.w[i])
		}
		for j, v := range c.xs[i*c.stride : i*c.stride+d] {
			pt[pos[j]*ld+r] = sw * (v - m.means[j]) * c.inv[j]
		}
		pt[d*ld+r] = sw * (c.y[i] - m.my)
	}
	for j := 0; j < c.mw; j++ {
		if j >= c.p {
			clear(pt[j*ld : j*ld+lc])
		} else {
			clear(pt[j*ld+rows : j*ld+lc])
		}
	}
}

// solveTransposed overwrites the mw×lc panel pt (stride ld), holding Pᵀ,
// with Qᵀ = T⁻ᵀPᵀ by forward substitution in blocks of 8 rows: row j of Qᵀ
// is (row j of Pᵀ − Σ_{k<j} T_kj·row k of Qᵀ)/T_jj, the sum over earlier
// blocks on the tile kernel, within the block by axpys. negT holds −T above
// the diagonal, rdiag 1/T_jj.
func solveTransposed(pt, negT, rdiag []float64, mw, ld, lc int) {
	for j0 := 0; j0 < mw; j0 += 8 {
		if j0 > 0 {
			for r0 := 0; r0 < lc; r0 += 8 {
				kernel.TileUpdate(pt[j0*ld+r0:], ld, negT[j0:], mw, pt[r0:], ld, j0)
			}
		}
		for j := j0; j < j0+8; j++ {
			row := pt[j*ld : j*ld+lc]
			for k := j0; k < j; k++ {
				if t := negT[k*mw+j]; t != 0 {
					kernel.Axpy(row, t, pt[k*ld:k*ld+lc])
				}
			}
			if s := rdiag[j]; s != 1 {
				for r := range row {
					row[r] *= s
				}
			}
		}
	}
}

// cholqrFactor returns the (d+1)×(d+1) upper-triangular factor, row-major,
// of the standardised [A | b], as tsqrFactor does (up to the signs of its
// rows), or nil when it declines (see above); the caller then uses
// tsqrFactor. g0, if not nil, is G₀ (upper triangle, stride cqrWidth(d)),
// as a declined Gram attempt found it; else the first pass forms it.
func cholqrFactor(x *mat.Dense, y, w []float64, m *moments, g0 []float64) []float64 {
	c := newCQR(x, y, w, m)
	d, p, mw := c.d, c.p, c.mw
	pos := make([]int, d)
	for j := range pos {
		pos[j] = j
	}
	if g0 == nil {
		g0 = c.pass(pos, nil)
	}
	kmax := c.condLimit()
	order, rs := pivotSplit(g0, d, mw, 1/(kmax*kmax))
	ns := len(rs) / p
	if ns == 0 {
		return nil
	}
	for k, j := range order {
		pos[j] = k
	}
	// T in the order [S, K, b]: the rows of the pivoted Cholesky factor,
	// then the identity.
	t := make([]float64, mw*mw)
	for i := 0; i < ns; i++ {
		for k := i; k < d; k++ {
			t[i*mw+k] = rs[i*p+order[k]]
		}
		t[i*mw+d] = rs[i*p+d]
	}
	for i := ns; i < mw; i++ {
		t[i*mw+i] = 1
	}
	r2 := secondCholesky(c.pass(pos, t), ns, d, mw, kmax)
	if r2 == nil {
		return nil
	}
	// R = R₂·T, its columns back in the original order, triangularised
	// again (a p×p Householder QR, which leaves RᵀR unchanged).
	f := make([]float64, p*p)
	for i := 0; i < p; i++ {
		for k := i; k < p; k++ {
			var s float64
			for l := i; l <= k; l++ {
				s += r2[i*p+l] * t[l*mw+k]
			}
			col := d
			if k < d {
				col = order[k]
			}
			f[i*p+col] = s
		}
	}
	householderR(f, p, p)
	return f
}

// condLimit is κ_max = 1/(8·√(c·u)), c = ℓ·p + p(p+1), ℓ the longest chain
// of additions in a Gram entry (rows per panel, panels per block, blocks): the condition number up to
// which Cholesky QR of an m×p matrix keeps ‖QᵀQ − I‖ below 5/64 (Yamamoto
// et al. 2015, §3, with the row count m of its rounding-error bound
// replaced by ℓ, the length of the blocked sums; Higham 2002, §4.2).
func (c *cqr) condLimit() float64 {
	perBlock := (c.rb.n + c.rb.nb - 1) / c.rb.nb
	l := float64(c.pr + (perBlock+c.pr-1)/c.pr + c.rb.nb)
	p := float64(c.p)
	return 1 / (8 * math.Sqrt((l*p+p*(p+1))*eps))
}

// pivotSplit runs Cholesky with diagonal pivoting on the A block of the
// p×p matrix whose upper triangle is g (stride mw, b last), while the
// largest remaining pivot is above tau times the largest diagonal entry.
// It returns the columns of A ordered as [S in pivot order, K ascending]
// and the rows of the factor (ns×p, in the original column indices, b at
// d), or no rows when g is not finite or has no positive diagonal.
func pivotSplit(g []float64, d, mw int, tau float64) (order []int, rows []float64) {
	p := d + 1
	a := make([]float64, p*p) // upper triangle of the Schur complement
	var maxd float64
	for i := 0; i < p; i++ {
		copy(a[i*p+i:i*p+p], g[i*mw+i:i*mw+p])
		if !isFinite(a[i*p+i]) {
			return nil, nil
		}
		if i < d {
			maxd = math.Max(maxd, a[i*p+i])
		}
	}
	done := make([]bool, p)
	for len(order) < d {
		best, bv := -1, tau*maxd
		for j := 0; j < d; j++ {
			if !done[j] && a[j*p+j] > bv {
				best, bv = j, a[j*p+j]
			}
		}
		if best < 0 {
			break
		}
		done[best] = true
		order = append(order, best)
		piv := math.Sqrt(bv)
		row := make([]float64, p)
		row[best] = piv
		for j := 0; j < p; j++ {
			if !done[j] {
				row[j] = a[min(best, j)*p+max(best, j)] / piv
			}
		}
		for i := 0; i < p; i++ {
			if done[i] {
				continue
			}
			for j := i; j < p; j++ {
				if !done[j] {
					a[i*p+j] -= row[i] * row[j]
				}
			}
		}
		rows = append(rows, row...)
	}
	for j := 0; j < d; j++ {
		if !done[j] {
			order = append(order, j)
		}
	}
	return order, rows
}

// secondCholesky factorises G₁ (upper triangle g, stride mw, order
// [S, K, b], ns columns in S), or returns nil when the S block is farther
// from I than 5/64 in the Frobenius norm (Yamamoto et al.'s bound above:
// κ(A_S) was then larger than the pivots promised), when a pivot of S is
// not positive, or when a pivot of K, relative to that column's diagonal
// after S is eliminated, lies in (0, 1/κ_max²) — K's residuals are then
// nearly dependent among themselves and one Cholesky step would lose more
// than Householder QR. A K pivot that cancels to zero or below is a column
// whose residual is rounding noise: its row is zero. b's pivot is the
// residual norm, zero if it cancels.
func secondCholesky(g []float64, ns, d, mw int, kmax float64) []float64 {
	p := d + 1
	a := make([]float64, p*p) // upper triangle of the Schur complement
	var off float64
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			a[i*p+j] = g[i*mw+j]
			if i < ns && j < ns {
				e := a[i*p+j]
				if i == j {
					e--
				}
				off += e * e * float64(1+min(1, j-i))
			}
		}
		if !isFinite(a[i*p+i]) {
			return nil
		}
	}
	if !(off <= (5.0/64)*(5.0/64)) {
		return nil
	}
	r := make([]float64, p*p)
	var diagS []float64 // K's diagonal once S is eliminated
	for k := 0; k < p; k++ {
		if k == ns {
			diagS = make([]float64, d-ns)
			for j := ns; j < d; j++ {
				diagS[j-ns] = a[j*p+j]
			}
		}
		akk := a[k*p+k]
		switch {
		case k == d:
			r[k*p+k] = math.Sqrt(math.Max(akk, 0))
			return r
		case k < ns && !(akk > 0):
			return nil
		case k >= ns:
			s0 := diagS[k-ns]
			if !(akk > 0) || !(s0 > 0) {
				continue // zero row
			}
			if akk < s0/(kmax*kmax) {
				return nil
			}
		}
		piv := math.Sqrt(akk)
		r[k*p+k] = piv
		for j := k + 1; j < p; j++ {
			r[k*p+j] = a[k*p+j] / piv
		}
		for i := k + 1; i < p; i++ {
			for j := i; j < p; j++ {
				a[i*p+j] -= r[k*p+i] * r[k*p+j]
			}
		}
	}
	return r
}
