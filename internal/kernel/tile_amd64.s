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

// One row of tileUpdatePairAVX512: the row's A value r broadcast into Z,
// times the two strips of B, into the accumulators of row r of each tile.
#define PAIRROW(off, Z, L, R) \
	VBROADCASTSD off(SI), Z; \
	VFMADD231PD  Z24, Z, L;  \
	VFMADD231PD  Z25, Z, R

// A row of the pair's C at R10 (two blocks of eight, 64 bytes apart):
// asked for in the first-level cache, loaded into L and R, or stored from
// them, and R10 moved to the next row (R8 bytes on).
#define PAIRNEXT \
	PREFETCHT0 0(R10);  \
	PREFETCHT0 64(R10); \
	ADDQ       R8, R10

#define PAIRLOAD(L, R) \
	VMOVUPD 0(R10), L;  \
	VMOVUPD 64(R10), R; \
	ADDQ    R8, R10

#define PAIRSTORE(L, R) \
	VMOVUPD L, 0(R10);  \
	VMOVUPD R, 64(R10); \
	ADDQ    R8, R10

// func tileUpdatePairAVX512(c []float64, ldc int, a []float64, lda int, b []float64, ldb int, bstep int, rows int, next *float64)
//
// Two 8×8 tiles side by side: C[r][k] = fma(A[i][r], B[i][k], C[r][k]) for
// r < 8, k < 8 and C[r][8+k] = fma(A[i][r], B'[i][k], C[r][8+k]), B' the
// strip bstep elements after B, for i = 0, 1, …, rows-1 in order: the bits
// of tileUpdate8AVX512 twice. A row takes two loads of B and eight
// broadcasts of A for sixteen multiply-adds, where one tile takes nine
// loads for eight, so the pair is bound by the multiply-adds, not by the
// loads. Z0..Z7 hold the left tile, Z8..Z15 the right, Z24/Z25 the strips'
// row, Z26..Z29 the broadcasts.
//
// Before its own rows it asks for the 8×16 block of C at next (stride ldc)
// in the first-level cache: the block the caller updates next, whose
// loads would otherwise stall that call's multiply-adds for a miss in the
// last-level cache, where a Gram matrix of d = 1000 (8 MB) lives.
TEXT ·tileUpdatePairAVX512(SB), NOSPLIT, $0-120
	MOVQ c_base+0(FP), DI
	MOVQ ldc+24(FP), R8
	SHLQ $3, R8
	MOVQ a_base+32(FP), SI
	MOVQ lda+56(FP), R11
	SHLQ $3, R11
	MOVQ b_base+64(FP), DX
	MOVQ ldb+88(FP), R9
	SHLQ $3, R9
	MOVQ bstep+96(FP), R12
	SHLQ $3, R12
	MOVQ rows+104(FP), CX

	MOVQ next+112(FP), R10
	PAIRNEXT
	PAIRNEXT
	PAIRNEXT
	PAIRNEXT
	PAIRNEXT
	PAIRNEXT
	PAIRNEXT
	PREFETCHT0 0(R10)
	PREFETCHT0 64(R10)

	MOVQ DI, R10
	PAIRLOAD(Z0, Z8)
	PAIRLOAD(Z1, Z9)
	PAIRLOAD(Z2, Z10)
	PAIRLOAD(Z3, Z11)
	PAIRLOAD(Z4, Z12)
	PAIRLOAD(Z5, Z13)
	PAIRLOAD(Z6, Z14)
	VMOVUPD 0(R10), Z7
	VMOVUPD 64(R10), Z15

	TESTQ CX, CX
	JEQ   pdone

ploop:
	VMOVUPD 0(DX), Z24
	VMOVUPD 0(DX)(R12*1), Z25
	PAIRROW(0, Z26, Z0, Z8)
	PAIRROW(8, Z27, Z1, Z9)
	PAIRROW(16, Z28, Z2, Z10)
	PAIRROW(24, Z29, Z3, Z11)
	PAIRROW(32, Z26, Z4, Z12)
	PAIRROW(40, Z27, Z5, Z13)
	PAIRROW(48, Z28, Z6, Z14)
	PAIRROW(56, Z29, Z7, Z15)
	ADDQ R11, SI
	ADDQ R9, DX
	DECQ CX
	JNE  ploop

pdone:
	MOVQ DI, R10
	PAIRSTORE(Z0, Z8)
	PAIRSTORE(Z1, Z9)
	PAIRSTORE(Z2, Z10)
	PAIRSTORE(Z3, Z11)
	PAIRSTORE(Z4, Z12)
	PAIRSTORE(Z5, Z13)
	PAIRSTORE(Z6, Z14)
	VMOVUPD Z7, 0(R10)
	VMOVUPD Z15, 64(R10)
	VZEROUPPER
	RET
