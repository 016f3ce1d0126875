package kernel

//go:noescape
func gramTileAVX(c []float64, ldc int, pj, pk []float64, ldp, rows int)

//go:noescape
func gramTile8AVX512(c []float64, ldc int, pj, pk []float64, ldp, rows int)

// gramTile8 adds the 8×8 block C[j0:j0+8][k0:k0+8] += P[:,j0:j0+8]ᵀP[:,k0:k0+8]
// of rows rows of the row-major panel P (stride ldp); c starts at C[j0][k0],
// pj at P[0][j0] and pk at P[0][k0]. Each entry is accumulated with fused
// multiply-adds in row order, so every kernel gives identical bits: AVX-512
// as one 8×8 tile, AVX2 with FMA as two 4×8 tiles, or gramTile8Go.
func gramTile8(c []float64, ldc int, pj, pk []float64, ldp, rows int) {
	if rows <= 0 {
		return
	}
	// Bounds the assembly relies on.
	_ = c[7*ldc+7]
	_ = pj[(rows-1)*ldp+7]
	_ = pk[(rows-1)*ldp+7]
	switch {
	case useAVX512:
		gramTile8AVX512(c, ldc, pj, pk, ldp, rows)
	case useAVX2:
		gramTileAVX(c, ldc, pj, pk, ldp, rows)
		gramTileAVX(c[4*ldc:], ldc, pj[4:], pk, ldp, rows)
	default:
		gramTile8Go(c, ldc, pj, pk, ldp, rows)
	}
}

//go:noescape
func subDotAVX512(xc, row, means, beta []float64) float64

//go:noescape
func axpy8AVX512(h []float64, t float64, x []float64)

//go:noescape
func dot8AVX512(a, b []float64) float64

// CentredDot sets xc = row − means and returns (row − means)·beta
// (len(xc), len(means), len(beta) ≥ len(row)).
func CentredDot(xc, row, means, beta []float64) float64 {
	n := len(row)
	xc, means, beta = xc[:n], means[:n], beta[:n]
	if !useAVX512 {
		return centredDotGo(xc, row, means, beta)
	}
	k := n &^ 7
	s := subDotAVX512(xc[:k], row[:k], means[:k], beta[:k])
	for j := k; j < n; j++ {
		c := row[j] - means[j]
		xc[j] = c
		s += c * beta[j]
	}
	return s
}

// Axpy sets h += t·x (len(h) ≥ len(x)).
func Axpy(h []float64, t float64, x []float64) {
	n := len(x)
	h = h[:n]
	if !useAVX512 {
		axpy4Go(h, t, x)
		return
	}
	k := n &^ 7
	axpy8AVX512(h[:k], t, x[:k])
	for j := k; j < n; j++ {
		h[j] += t * x[j]
	}
}

// Dot returns a·b (len(b) ≥ len(a)).
func Dot(a, b []float64) float64 {
	n := len(a)
	b = b[:n]
	if !useAVX512 {
		return dot4Go(a, b)
	}
	k := n &^ 7
	s := dot8AVX512(a[:k], b[:k])
	for j := k; j < n; j++ {
		s += a[j] * b[j]
	}
	return s
}
