//go:build !amd64

package kernel

// gramTile8 adds the 8×8 block C[j0:j0+8][k0:k0+8] += P[:,j0:j0+8]ᵀP[:,k0:k0+8]
// of rows rows of the row-major panel P (stride ldp); see gram_amd64.go.
func gramTile8(c []float64, ldc int, pj, pk []float64, ldp, rows int) {
	gramTile8Go(c, ldc, pj, pk, ldp, rows)
}

// CentredDot sets xc = row − means and returns (row − means)·beta
// (len(xc), len(means), len(beta) ≥ len(row)).
func CentredDot(xc, row, means, beta []float64) float64 {
	n := len(row)
	return centredDotGo(xc[:n], row, means[:n], beta[:n])
}

// Axpy sets h += t·x (len(h) ≥ len(x)).
func Axpy(h []float64, t float64, x []float64) { axpy4Go(h[:len(x)], t, x) }

// Dot returns a·b (len(b) ≥ len(a)).
func Dot(a, b []float64) float64 { return dot4Go(a, b[:len(a)]) }
