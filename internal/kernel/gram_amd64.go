package kernel

//go:noescape
func subDotAVX512(xc, row, means, beta []float64) float64

//go:noescape
func axpy8AVX512(h []float64, t float64, x []float64)

//go:noescape
func dot8AVX512(a, b []float64) float64

//go:noescape
func refineRowsAVX512(h, x []float64, stride, rows int, means, beta, y, w []float64, my float64)

//go:noescape
func residualRowsAVX512(r, x []float64, stride, rows int, coef []float64, b0 float64, y, w []float64, my float64) (rss, tss float64)

// refineRowKernelMaxD is the largest d whose row vectors the AVX-512 row
// passes hold in registers.
const refineRowKernelMaxD = 32

// refineRowsK runs RefineRows' pass in assembly when the CPU and d allow
// (the caller has checked the bounds) and reports whether it did.
func refineRowsK(h, x []float64, stride, rows int, means, beta, y, w []float64, my float64) bool {
	if !useAVX512 || len(beta) > refineRowKernelMaxD {
		return false
	}
	refineRowsAVX512(h, x, stride, rows, means, beta, y, w, my)
	return true
}

// residualRowsK is refineRowsK for ResidualRows.
func residualRowsK(r, x []float64, stride, rows int, coef []float64, b0 float64, y, w []float64, my float64) (rss, tss float64, ok bool) {
	if !useAVX512 || len(coef) == 0 || len(coef) > refineRowKernelMaxD {
		return 0, 0, false
	}
	rss, tss = residualRowsAVX512(r, x, stride, rows, coef, b0, y, w, my)
	return rss, tss, true
}

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
		s += float64(c * beta[j])
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
		h[j] += float64(t * x[j])
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
		s += float64(a[j] * b[j])
	}
	return s
}
