package kernel

// The assembly row kernels follow the arithmetic described in rows.go and
// give the bits of the Go code.

//go:noescape
func rowsAVX512(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64, grad int) (sr, sl float64)

//go:noescape
func rowsAVX2(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64, grad int) (sr, sl float64)

//go:noescape
func rowsRegAVX512(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64) (sr, sl float64)

//go:noescape
func rowsReg2AVX512(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64) (sr, sl float64)

// regMaxD is the largest d for which rowsRegAVX512 holds the gradient sums
// and w' in registers (four chunks of eight each), reg2MaxD that for
// rowsReg2AVX512 (thirteen, two rows at a time).
const (
	regMaxD  = 32
	reg2MaxD = 104
)

//go:noescape
func dotAVX512(x, w []float64) float64

//go:noescape
func dotAVX2(x, w []float64) float64

//go:noescape
func axpyAVX512(g []float64, a float64, x []float64)

//go:noescape
func axpyAVX2(g []float64, a float64, x []float64)

// rowsK is rowsGo on the fastest kernel available.
func rowsK(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64, grad bool) (sr, sl float64) {
	if !useAVX512 && !useAVX2 || rows <= 0 {
		return rowsGo(g, x, stride, rows, wp, bp, y, wt, grad)
	}
	// Bounds the assembly relies on.
	d := len(wp)
	if d > 0 {
		_ = x[(rows-1)*stride+d-1]
	}
	if grad {
		_ = g[:d]
	}
	if y != nil {
		_ = y[rows-1]
	}
	if wt != nil {
		_ = wt[rows-1]
	}
	gr := 0
	if grad {
		gr = 1
	}
	if useAVX512 && grad && d >= 1 && d <= regMaxD {
		return rowsRegAVX512(g, x, stride, rows, wp, bp, y, wt)
	}
	if useAVX512 && grad && d > regMaxD && d <= reg2MaxD {
		return rowsReg2AVX512(g, x, stride, rows, wp, bp, y, wt)
	}
	if useAVX512 {
		return rowsAVX512(g, x, stride, rows, wp, bp, y, wt, gr)
	}
	return rowsAVX2(g, x, stride, rows, wp, bp, y, wt, gr)
}

// dotK is dotGo on the fastest kernel available.
func dotK(x, w []float64) float64 {
	x = x[:len(w)]
	switch {
	case useAVX512:
		return dotAVX512(x, w)
	case useAVX2:
		return dotAVX2(x, w)
	}
	return dotGo(x, w)
}

// axpyK is axpyGo on the fastest kernel available.
func axpyK(g []float64, a float64, x []float64) {
	x = x[:len(g)]
	switch {
	case useAVX512:
		axpyAVX512(g, a, x)
	case useAVX2:
		axpyAVX2(g, a, x)
	default:
		axpyGo(g, a, x)
	}
}

//go:noescape
func sgdUpdateAVX512(theta []float64, wr, lr float64, x []float64)

//go:noescape
func sgdUpdateAVX2(theta []float64, wr, lr float64, x []float64)

// sgdUpdateK is sgdUpdateGo on the fastest kernel available.
func sgdUpdateK(theta []float64, wr, lr float64, x []float64) {
	x = x[:len(theta)]
	switch {
	case useAVX512:
		sgdUpdateAVX512(theta, wr, lr, x)
	case useAVX2:
		sgdUpdateAVX2(theta, wr, lr, x)
	default:
		sgdUpdateGo(theta, wr, lr, x)
	}
}
