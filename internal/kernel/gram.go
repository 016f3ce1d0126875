package kernel

// The kernels of package linear's Gram path: the update of XᵀX, 8×8 tiles
// at a time, and the row kernels of its refinement and residual passes.
//
// GramUpdate gives the same bits on every kernel: each entry accumulates
// its products with fused multiply-adds in row order. CentredDot, Dot and
// Axpy do not: their assembly forms sum in eight lanes and fuse the
// multiply-adds, their Go forms sum in four partial sums of rounded
// products, so the two agree to rounding error only. (The eight-lane dot
// and fused update of the least-squares pass, in rows.go, are a different
// pair that does agree to the bit.) RefineRows and ResidualRows run a block
// of rows per call with the arithmetic of CentredDot, Axpy and Dot, and so
// give those kernels' bits, whichever is selected; on AVX-512 with d ≤ 32
// in one assembly loop that keeps the row's vectors in registers
// (refine_amd64.s).

// GramUpdate adds PᵀP to the upper triangle (8×8 tiles on or above the
// diagonal) of the m×m row-major C, P being rows×m row-major; m must be a
// multiple of 8. Each tile is TileUpdate's, with both operands in P, taken
// two at a time along a row of tiles (tilePair) while two remain. Entries
// below the diagonal inside diagonal tiles are also written and must be
// ignored.
func GramUpdate(c []float64, p []float64, m, rows int) {
	for j0 := 0; j0 < m; j0 += 8 {
		k0 := j0
		for ; k0+16 <= m; k0 += 16 {
			tilePair(c[j0*m+k0:], m, p[j0:], m, p[k0:], m, 8, rows, c[nextPair(m, j0, k0):])
		}
		if k0 < m {
			TileUpdate(c[j0*m+k0:], m, p[j0:], m, p[k0:], m, rows)
		}
	}
}

// GramUpdatePacked is GramUpdate of a panel stored in blocks of 8 columns
// (PackRow's layout): P[i][j] at p[(j/8)·8·rows + 8i + j mod 8]. A tile then
// reads two contiguous strips of rows×8 values instead of 2·rows cache
// lines m values apart, which the hardware prefetcher streams and which do
// not crowd a few sets of the first-level cache (at m = 1008 a strided
// strip uses half of them, and each row of it is on another 4 KiB page). At
// d = 1000, BenchmarkGramUpdate gives 40–45 GFLOP/s of CPU time by rows and
// 50–53 packed, of a 55 GFLOP/s peak (BenchmarkFMAPeak), on a core with two
// 256-bit FMA pipes; on one with two 512-bit pipes (a 113–118 GFLOP/s
// peak), 81 by rows and 99 packed with tilePair and its prefetch of the
// next block of C, 53 and 78 with single tiles. At d ≤ 400 the two layouts
// are alike. Each entry takes the same fused multiply-adds in the same
// order, so the bits are GramUpdate's.
func GramUpdatePacked(c []float64, p []float64, m, rows int) {
	for j0 := 0; j0 < m; j0 += 8 {
		k0 := j0
		for ; k0+16 <= m; k0 += 16 {
			tilePair(c[j0*m+k0:], m, p[j0*rows:], 8, p[k0*rows:], 8, 8*rows, rows, c[nextPair(m, j0, k0):])
		}
		if k0 < m {
			TileUpdate(c[j0*m+k0:], m, p[j0*rows:], 8, p[k0*rows:], 8, rows)
		}
	}
}

// nextPair is the offset in the m×m C of the block of 8×16 that the Gram
// updates take after the pair at row j0, column k0: the next pair along the
// row, or the first of the next row of tiles, or this one at the end. It
// may end in an odd tile; only its place matters (tilePair's next).
func nextPair(m, j0, k0 int) int {
	switch {
	case k0+32 <= m:
		return j0*m + k0 + 16
	case j0+8+16 <= m:
		return (j0+8)*m + j0 + 8
	}
	return j0*m + k0
}

// PackRow stores row (m values, m a multiple of 8) as row i of a packed
// panel of the given number of rows, GramUpdatePacked's layout.
func PackRow(p []float64, rows, i int, row []float64) {
	for j0 := 0; j0+8 <= len(row); j0 += 8 {
		// Element by element: copy, or an array assignment, calls
		// memmove for each 64-byte strip.
		d, s := p[j0*rows+8*i:][:8], row[j0:][:8]
		d[0], d[1], d[2], d[3] = s[0], s[1], s[2], s[3]
		d[4], d[5], d[6], d[7] = s[4], s[5], s[6], s[7]
	}
}

// centredDotGo sets xc = row − means and returns (row − means)·beta,
// summed in four interleaved partial sums; all slices have one length.
func centredDotGo(xc, row, means, beta []float64) float64 {
	var s0, s1, s2, s3 float64
	j := 0
	for ; j+4 <= len(row); j += 4 {
		c0 := row[j] - means[j]
		c1 := row[j+1] - means[j+1]
		c2 := row[j+2] - means[j+2]
		c3 := row[j+3] - means[j+3]
		xc[j], xc[j+1], xc[j+2], xc[j+3] = c0, c1, c2, c3
		s0 += c0 * beta[j]
		s1 += c1 * beta[j+1]
		s2 += c2 * beta[j+2]
		s3 += c3 * beta[j+3]
	}
	for ; j < len(row); j++ {
		c := row[j] - means[j]
		xc[j] = c
		s0 += c * beta[j]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy4Go sets h += t·x (equal lengths), the Go form of Axpy.
func axpy4Go(h []float64, t float64, x []float64) {
	for j, v := range x {
		h[j] += t * v
	}
}

// dot4Go returns a·b (equal lengths) in four interleaved partial sums, the
// Go form of Dot.
func dot4Go(a, b []float64) float64 {
	var s0, s1, s2, s3 float64
	j := 0
	for ; j+4 <= len(a); j += 4 {
		s0 += a[j] * b[j]
		s1 += a[j+1] * b[j+1]
		s2 += a[j+2] * b[j+2]
		s3 += a[j+3] * b[j+3]
	}
	for ; j < len(a); j++ {
		s0 += a[j] * b[j]
	}
	return (s0 + s1) + (s2 + s3)
}

// RefineRows is the row pass of package linear's refinement over rows rows
// of the row-major x (row i at x[i*stride:]): for each row in order,
//
//	c = xᵢ − m,   t = wᵢ·((yᵢ − m_y) − c·β),   h += t·c  (when t ≠ 0),
//
// with the arithmetic of CentredDot and Axpy, whose bits it gives on every
// kernel. m and β have d = len(beta) entries, h at least d; a nil w weighs
// every row 1 (t·1 = t). xc is d values of scratch.
func RefineRows(h, xc, x []float64, stride, rows int, means, beta, y, w []float64, my float64) {
	d := len(beta)
	if rows <= 0 || d == 0 {
		return
	}
	_, _, _, _ = h[d-1], xc[d-1], means[d-1], x[(rows-1)*stride+d-1]
	_ = y[rows-1]
	if w != nil {
		_ = w[rows-1]
	}
	if stride < d {
		panic("kernel: RefineRows: stride < d")
	}
	if !refineRowsK(h[:d], x, stride, rows, means[:d], beta, y, w, my) {
		refineRowsGo(h[:d], xc[:d], x, stride, rows, means[:d], beta, y, w, my)
	}
}

func refineRowsGo(h, xc, x []float64, stride, rows int, means, beta, y, w []float64, my float64) {
	d := len(beta)
	for i := range rows {
		t := (y[i] - my) - CentredDot(xc, x[i*stride:i*stride+d], means, beta)
		if w != nil {
			t *= w[i]
		}
		if t != 0 {
			Axpy(h, t, xc)
		}
	}
}

// ResidualRows is the residual pass of package linear's Gram path over rows
// rows of x: for each row in order rᵢ = (yᵢ − b₀) − Dot(xᵢ, β), stored in
// r[i], and the sums Σ (wᵢrᵢ)·rᵢ and Σ (wᵢtᵢ)·tᵢ, tᵢ = yᵢ − m_y, with the
// arithmetic of Dot, whose bits it gives on every kernel. A nil w weighs
// every row 1.
func ResidualRows(r, x []float64, stride, rows int, coef []float64, b0 float64, y, w []float64, my float64) (rss, tss float64) {
	d := len(coef)
	if rows <= 0 {
		return 0, 0
	}
	_, _ = r[rows-1], y[rows-1]
	if w != nil {
		_ = w[rows-1]
	}
	if d > 0 {
		_ = x[(rows-1)*stride+d-1]
		if stride < d {
			panic("kernel: ResidualRows: stride < d")
		}
	}
	if rss, tss, ok := residualRowsK(r, x, stride, rows, coef, b0, y, w, my); ok {
		return rss, tss
	}
	return residualRowsGo(r, x, stride, rows, coef, b0, y, w, my)
}

// residualRowsGo is ResidualRows in Go, row by row. The conversions keep
// the compiler from fusing the products into the sums.
func residualRowsGo(r, x []float64, stride, rows int, coef []float64, b0 float64, y, w []float64, my float64) (rss, tss float64) {
	d := len(coef)
	for i := range rows {
		ri := y[i] - b0 - Dot(x[i*stride:i*stride+d], coef)
		r[i] = ri
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		rss += float64(float64(wi*ri) * ri)
		t := y[i] - my
		tss += float64(float64(wi*t) * t)
	}
	return rss, tss
}
