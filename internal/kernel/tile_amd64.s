#include "textflag.h"

// func tileUpdateAVX(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, rows int)
//
// C[r][k] = fma(A[i][r], B[i][k], C[r][k]) for r < 4, k < 8 and
// i = 0, 1, …, rows-1 in order; A has stride lda, B stride ldb.
TEXT ·tileUpdateAVX(SB), NOSPLIT, $0-104
	MOVQ c_base+0(FP), DI
	MOVQ ldc+24(FP), R8
	SHLQ $3, R8
	MOVQ a_base+32(FP), SI
	MOVQ lda+56(FP), R11
	SHLQ $3, R11
	MOVQ b_base+64(FP), DX
	MOVQ ldb+88(FP), R9
	SHLQ $3, R9
	MOVQ rows+96(FP), CX

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
	JEQ   tdone

tloop:
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
	ADDQ         R11, SI
	ADDQ         R9, DX
	DECQ         CX
	JNE          tloop

tdone:
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

// func tileUpdate8AVX512(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, rows int)
//
// The 8×8 form of tileUpdateAVX: C[r][k] = fma(A[i][r], B[i][k], C[r][k])
// for r, k < 8 and i = 0, 1, …, rows-1 in order.
TEXT ·tileUpdate8AVX512(SB), NOSPLIT, $0-104
	MOVQ c_base+0(FP), DI
	MOVQ ldc+24(FP), R8
	SHLQ $3, R8
	MOVQ a_base+32(FP), SI
	MOVQ lda+56(FP), R11
	SHLQ $3, R11
	MOVQ b_base+64(FP), DX
	MOVQ ldb+88(FP), R9
	SHLQ $3, R9
	MOVQ rows+96(FP), CX

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
	JEQ   tdone8

tloop8:
	VMOVUPD          0(DX), Z8
	VFMADD231PD.BCST 0(SI), Z8, Z0
	VFMADD231PD.BCST 8(SI), Z8, Z1
	VFMADD231PD.BCST 16(SI), Z8, Z2
	VFMADD231PD.BCST 24(SI), Z8, Z3
	VFMADD231PD.BCST 32(SI), Z8, Z4
	VFMADD231PD.BCST 40(SI), Z8, Z5
	VFMADD231PD.BCST 48(SI), Z8, Z6
	VFMADD231PD.BCST 56(SI), Z8, Z7
	ADDQ             R11, SI
	ADDQ             R9, DX
	DECQ             CX
	JNE              tloop8

tdone8:
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
