//go:build !amd64

package linear

// gramTile8 adds the 8×8 block C[j0:j0+8][k0:k0+8] += P[:,j0:j0+8]ᵀP[:,k0:k0+8]
// of rows rows of the row-major panel P (stride ldp); see gram_amd64.go.
func gramTile8(c []float64, ldc int, pj, pk []float64, ldp, rows int) {
	gramTile8Go(c, ldc, pj, pk, ldp, rows)
}
