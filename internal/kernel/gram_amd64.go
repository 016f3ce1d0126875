package kernel

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
