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
// pair that does agree to the bit.)

// GramUpdate adds PᵀP to the upper triangle (8×8 tiles on or above the
// diagonal) of the m×m row-major C, P being rows×m row-major; m must be a
// multiple of 8. Each tile is TileUpdate's, with both operands in P. Entries below the diagonal inside diagonal tiles are also
// written and must be ignored.
func GramUpdate(c []float64, p []float64, m, rows int) {
	for j0 := 0; j0 < m; j0 += 8 {
		for k0 := j0; k0 < m; k0 += 8 {
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
// 50–53 packed, of a 55 GFLOP/s peak (BenchmarkFMAPeak); at d ≤ 400 the two
// are alike. Each entry takes the same fused multiply-adds in the same
// order, so the bits are GramUpdate's.
func GramUpdatePacked(c []float64, p []float64, m, rows int) {
	for j0 := 0; j0 < m; j0 += 8 {
		for k0 := j0; k0 < m; k0 += 8 {
			TileUpdate(c[j0*m+k0:], m, p[j0*rows:], 8, p[k0*rows:], 8, rows)
		}
	}
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
