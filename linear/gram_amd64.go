package linear

import "golang.org/x/sys/cpu"

// The assembly kernels: AVX-512 (8×8 tiles) where the CPU and OS support
// it, else AVX2 with FMA (4×8 tiles), else the Go kernel.
var (
	useAVX512 = cpu.X86.HasAVX512F
	useAVX    = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

//go:noescape
func gramTileAVX(c []float64, ldc int, pj, pk []float64, ldp, rows int)

//go:noescape
func gramTile8AVX512(c []float64, ldc int, pj, pk []float64, ldp, rows int)

// gramTile8 adds the 8×8 block C[j0:j0+8][k0:k0+8] += P[:,j0:j0+8]ᵀP[:,k0:k0+8]
// of rows rows of the row-major panel P (stride ldp); c starts at C[j0][k0],
// pj at P[0][j0] and pk at P[0][k0]. Each entry is accumulated with fused
// multiply-adds in row order, so every kernel gives identical bits.
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
	case useAVX:
		gramTileAVX(c, ldc, pj, pk, ldp, rows)
		gramTileAVX(c[4*ldc:], ldc, pj[4:], pk, ldp, rows)
	default:
		gramTile8Go(c, ldc, pj, pk, ldp, rows)
	}
}
