#include "textflag.h"

// func gramTileAVX(c []float64, ldc int, pj, pk []float64, ldp, rows int)
//
// C[a][b] = fma(P[i][j0+a], P[i][k0+b], C[a][b]) for a < 4, b < 8 and
// i = 0, 1, …, rows-1 in order; pj points at P[0][j0], pk at P[0][k0].
TEXT ·gramTileAVX(SB), NOSPLIT, $0-96
	MOVQ c_base+0(FP), DI
	MOVQ ldc+24(FP), R8
	SHLQ $3, R8
	MOVQ pj_base+32(FP), SI
	MOVQ pk_base+56(FP), DX
	MOVQ ldp+80(FP), R9
	SHLQ $3, R9
	MOVQ rows+88(FP), CX

	MOVQ    DI, R10
	VMOVUPD 0(R10), Y0
	VMOVUPD 32(R10), Y1
	ADDQ    R8, R10
	VMOVUPD 0(R10), Y2
	VMOVUPD 32(R10), Y3
	ADDQ    R8, R10
	VMOVUPD 0(R10), Y4
	VMOVUPD 32(R10), Y5
	ADDQ    R8, R10
	VMOVUPD 0(R10), Y6
	VMOVUPD 32(R10), Y7

	TESTQ CX, CX
	JEQ   done

loop:
	VMOVUPD      0(DX), Y8
	VMOVUPD      32(DX), Y9
	VBROADCASTSD 0(SI), Y10
	VBROADCASTSD 8(SI), Y11
	VBROADCASTSD 16(SI), Y12
	VBROADCASTSD 24(SI), Y13
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         R9, SI
	ADDQ         R9, DX
	DECQ         CX
	JNE          loop

done:
	MOVQ    DI, R10
	VMOVUPD Y0, 0(R10)
	VMOVUPD Y1, 32(R10)
	ADDQ    R8, R10
	VMOVUPD Y2, 0(R10)
	VMOVUPD Y3, 32(R10)
	ADDQ    R8, R10
	VMOVUPD Y4, 0(R10)
	VMOVUPD Y5, 32(R10)
	ADDQ    R8, R10
	VMOVUPD Y6, 0(R10)
	VMOVUPD Y7, 32(R10)
	VZEROUPPER
	RET

// func gramTile8AVX512(c []float64, ldc int, pj, pk []float64, ldp, rows int)
//
// The 8×8 form of gramTileAVX: C[a][b] = fma(P[i][j0+a], P[i][k0+b], C[a][b])
// for a, b < 8 and i = 0, 1, …, rows-1 in order.
TEXT ·gramTile8AVX512(SB), NOSPLIT, $0-96
	MOVQ c_base+0(FP), DI
	MOVQ ldc+24(FP), R8
	SHLQ $3, R8
	MOVQ pj_base+32(FP), SI
	MOVQ pk_base+56(FP), DX
	MOVQ ldp+80(FP), R9
	SHLQ $3, R9
	MOVQ rows+88(FP), CX

	MOVQ    DI, R10
	VMOVUPD 0(R10), Z0
	ADDQ    R8, R10
	VMOVUPD 0(R10), Z1
	ADDQ    R8, R10
	VMOVUPD 0(R10), Z2
	ADDQ    R8, R10
	VMOVUPD 0(R10), Z3
	ADDQ    R8, R10
	VMOVUPD 0(R10), Z4
	ADDQ    R8, R10
	VMOVUPD 0(R10), Z5
	ADDQ    R8, R10
	VMOVUPD 0(R10), Z6
	ADDQ    R8, R10
	VMOVUPD 0(R10), Z7

	TESTQ CX, CX
	JEQ   done8

loop8:
	VMOVUPD          0(DX), Z8
	VFMADD231PD.BCST 0(SI), Z8, Z0
	VFMADD231PD.BCST 8(SI), Z8, Z1
	VFMADD231PD.BCST 16(SI), Z8, Z2
	VFMADD231PD.BCST 24(SI), Z8, Z3
	VFMADD231PD.BCST 32(SI), Z8, Z4
	VFMADD231PD.BCST 40(SI), Z8, Z5
	VFMADD231PD.BCST 48(SI), Z8, Z6
	VFMADD231PD.BCST 56(SI), Z8, Z7
	ADDQ             R9, SI
	ADDQ             R9, DX
	DECQ             CX
	JNE              loop8

done8:
	MOVQ    DI, R10
	VMOVUPD Z0, 0(R10)
	ADDQ    R8, R10
	VMOVUPD Z1, 0(R10)
	ADDQ    R8, R10
	VMOVUPD Z2, 0(R10)
	ADDQ    R8, R10
	VMOVUPD Z3, 0(R10)
	ADDQ    R8, R10
	VMOVUPD Z4, 0(R10)
	ADDQ    R8, R10
	VMOVUPD Z5, 0(R10)
	ADDQ    R8, R10
	VMOVUPD Z6, 0(R10)
	ADDQ    R8, R10
	VMOVUPD Z7, 0(R10)
	VZEROUPPER
	RET

// func subDotAVX512(xc, row, means, beta []float64) float64
//
// xc[j] = row[j] − means[j] and returns Σ xc[j]·beta[j] for j < len(row),
// which must be a multiple of 8 (the caller does the tail).
TEXT ·subDotAVX512(SB), NOSPLIT, $0-104
	MOVQ   xc_base+0(FP), DI
	MOVQ   row_base+24(FP), SI
	MOVQ   row_len+32(FP), CX
	MOVQ   means_base+48(FP), DX
	MOVQ   beta_base+72(FP), R8
	VXORPD Z0, Z0, Z0
	SHRQ   $3, CX
	JEQ    sdred

sdloop:
	VMOVUPD     0(SI), Z2
	VSUBPD      0(DX), Z2, Z2
	VMOVUPD     Z2, 0(DI)
	VFMADD231PD 0(R8), Z2, Z0
	ADDQ        $64, SI
	ADDQ        $64, DX
	ADDQ        $64, DI
	ADDQ        $64, R8
	DECQ        CX
	JNE         sdloop

sdred:
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPD        X1, X0, X0
	VPERMILPD     $1, X0, X1
	VADDSD        X1, X0, X0
	MOVSD         X0, ret+96(FP)
	VZEROUPPER
	RET

// func axpy8AVX512(h []float64, t float64, x []float64)
//
// h[j] += t·x[j] for j < len(x), a multiple of 8.
TEXT ·axpy8AVX512(SB), NOSPLIT, $0-56
	MOVQ         h_base+0(FP), DI
	VBROADCASTSD t+24(FP), Z0
	MOVQ         x_base+32(FP), SI
	MOVQ         x_len+40(FP), CX
	SHRQ         $3, CX
	JEQ          axdone

axloop:
	VMOVUPD     0(DI), Z1
	VFMADD231PD 0(SI), Z0, Z1
	VMOVUPD     Z1, 0(DI)
	ADDQ        $64, SI
	ADDQ        $64, DI
	DECQ        CX
	JNE         axloop

axdone:
	VZEROUPPER
	RET

// func dot8AVX512(a, b []float64) float64
//
// Σ a[j]·b[j] for j < len(a), a multiple of 8.
TEXT ·dot8AVX512(SB), NOSPLIT, $0-56
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DX
	VXORPD Z0, Z0, Z0
	SHRQ   $3, CX
	JEQ    dtred

dtloop:
	VMOVUPD     0(SI), Z2
	VFMADD231PD 0(DX), Z2, Z0
	ADDQ        $64, SI
	ADDQ        $64, DX
	DECQ        CX
	JNE         dtloop

dtred:
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPD        X1, X0, X0
	VPERMILPD     $1, X0, X1
	VADDSD        X1, X0, X0
	MOVSD         X0, ret+48(FP)
	VZEROUPPER
	RET
