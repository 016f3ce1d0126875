#include "textflag.h"

// func shiftedRowsAVX512(p []float64, m int, x []float64, stride, rows int, s, y, w []float64)
//
// shiftedRowsGo: row i of the panel p (at p[i*m:]) gets
// [√wᵢ, √wᵢ(xᵢ − s), √wᵢ(yᵢ − s_y)] for d = len(s) − 1 columns, a nil w
// reading a one (√1 = 1 and 1·v = v exactly, ShiftedRow's unweighted row).
// Each entry is a difference and a product, rounded apart: ShiftedRow's
// bits. The d columns go in F = ⌊d/8⌋ chunks of eight and one more under
// the mask K1 (zero when d is a multiple of 8).
//
// Registers: DI panel row, R11 its step in bytes, SI row i, R8 stride in
// bytes, CX rows left, R9 y, R10 w, R12 its step, DX the shift, BX F, R13
// chunk counter, AX byte offset of a chunk, R14 that of the y entry,
// 8(d+1), X1 √wᵢ (Z30 broadcast), X3 s_y, X7 zero.

DATA shone<>+0(SB)/8, $1.0
GLOBL shone<>(SB), RODATA|NOPTR, $8

TEXT ·shiftedRowsAVX512(SB), NOSPLIT, $0-144
	MOVQ p_base+0(FP), DI
	MOVQ m+24(FP), R11
	SHLQ $3, R11
	MOVQ x_base+32(FP), SI
	MOVQ stride+56(FP), R8
	SHLQ $3, R8
	MOVQ rows+64(FP), CX
	MOVQ s_base+72(FP), DX
	MOVQ s_len+80(FP), BX
	DECQ BX
	VMOVSD (DX)(BX*8), X3
	MOVQ BX, AX
	ANDQ $7, AX
	MOVQ CX, R13
	MOVQ AX, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	MOVQ R13, CX
	SHRQ $3, BX
	MOVQ s_len+80(FP), R14
	SHLQ $3, R14
	MOVQ y_base+96(FP), R9
	MOVQ w_base+120(FP), R10
	MOVQ $8, R12
	TESTQ R10, R10
	JNE  shw
	LEAQ shone<>(SB), R10
	XORQ R12, R12

shw:
	// The square root merges the upper lane of its first source into X1:
	// a zero register there, not X1, keeps the rows independent.
	VXORPD X7, X7, X7

shrow:
	VSQRTSD      (R10), X7, X1
	VMOVSD       X1, (DI)
	VBROADCASTSD X1, Z30
	XORQ         AX, AX
	MOVQ         BX, R13
	TESTQ        R13, R13
	JEQ          shlast

shchunk:
	VMOVUPD (SI)(AX*1), Z0
	VSUBPD  (DX)(AX*1), Z0, Z0
	VMULPD  Z0, Z30, Z0
	VMOVUPD Z0, 8(DI)(AX*1)
	ADDQ    $64, AX
	DECQ    R13
	JNE     shchunk

shlast:
	VMOVUPD.Z (SI)(AX*1), K1, Z0
	VMOVUPD.Z (DX)(AX*1), K1, Z2
	VSUBPD    Z2, Z0, Z0
	VMULPD    Z0, Z30, Z0
	VMOVUPD   Z0, K1, 8(DI)(AX*1)
	VMOVSD    (R9), X2
	VSUBSD    X3, X2, X2
	VMULSD    X2, X1, X2
	VMOVSD    X2, (DI)(R14*1)
	ADDQ      $8, R9
	ADDQ      R12, R10
	ADDQ      R8, SI
	ADDQ      R11, DI
	DECQ      CX
	JNE       shrow

	VZEROUPPER
	RET
