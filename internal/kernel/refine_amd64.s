#include "textflag.h"

// The row passes of package linear's Gram path for 1 ≤ d ≤ 32, a block of
// rows per call, with the row arithmetic of CentredDot, Dot and Axpy on
// AVX-512 (gram_amd64.go) and so their bits: the first k = 8⌊d/8⌋ columns
// in eight fused multiply-add lanes reduced as
// ((a₀+a₄)+(a₂+a₆))+((a₁+a₅)+(a₃+a₇)), then the last d − k columns' products,
// each rounded, added one at a time in column order; an axpy fuses its
// multiply-add on the first k columns and rounds product and sum apart on
// the rest. The row's vectors stay in registers for the whole block.
//
// The k columns are chunks 0..F−1 (F = ⌊d/8⌋) under masks K1..K4 (all ones
// for a chunk below F, all zero above: such a chunk's instructions change
// nothing, and the dot product skips them, so that they do not lengthen its
// chain of multiply-adds); the last d − k columns are one more chunk at byte
// offset 64F under K5 (zero when d is a multiple of 8).
//
// Registers: SI row i, R8 stride in bytes, CX rows left, R14 64F, R9 y, R10
// w, R12 its step (8, or 0 for nil w: it then reads a one, and t·1 = t
// exactly), AX F, DX d − k, Z20..Z23 and Z29 the chunks of β (or of the
// coefficients), Z24..Z27 and Z28 those of the means, Z4..Z8 the row's
// centred chunks, Z0 the dot product's lanes, X31 m_y.

DATA rfone<>+0(SB)/8, $1.0
GLOBL rfone<>(SB), RODATA|NOPTR, $8

// Chunk masks and the offset and size of the last chunk from d in AX;
// clobbers BX, CX.
#define MASKS \
	MOVQ  AX, CX;      \
	SHRQ  $3, CX;      \
	MOVQ  CX, R14;     \
	SHLQ  $6, R14;     \
	SHLQ  $3, CX;      \
	MOVQ  $1, BX;      \
	SHLQ  CX, BX;      \
	DECQ  BX;          \
	KMOVW BX, K1;      \
	SHRQ  $8, BX;      \
	KMOVW BX, K2;      \
	SHRQ  $8, BX;      \
	KMOVW BX, K3;      \
	SHRQ  $8, BX;      \
	KMOVW BX, K4;      \
	MOVQ  AX, DX;      \
	ANDQ  $7, DX;      \
	MOVQ  DX, CX;      \
	MOVQ  $1, BX;      \
	SHLQ  CX, BX;      \
	DECQ  BX;          \
	KMOVW BX, K5

// Load the chunks of the vector at R into V0..V3 and V4 (the last).
#define LOADV(R, V0, V1, V2, V3, V4) \
	VMOVUPD.Z (R), K1, V0;        \
	VMOVUPD.Z 64(R), K2, V1;      \
	VMOVUPD.Z 128(R), K3, V2;     \
	VMOVUPD.Z 192(R), K4, V3;     \
	VMOVUPD.Z (R)(R14*1), K5, V4

// Store them back.
#define STOREV(R, V0, V1, V2, V3, V4) \
	VMOVUPD V0, K1, (R);          \
	VMOVUPD V1, K2, 64(R);        \
	VMOVUPD V2, K3, 128(R);       \
	VMOVUPD V3, K4, 192(R);       \
	VMOVUPD V4, K5, (R)(R14*1)

// Z0's lanes reduced into X0 (subDotAVX512's order).
#define REDUCE \
	VEXTRACTF64X4 $1, Z0, Y1; \
	VADDPD        Y1, Y0, Y0; \
	VEXTRACTF128  $1, Y0, X1; \
	VADDPD        X1, X0, X0; \
	VPERMILPD     $1, X0, X1; \
	VADDSD        X1, X0, X0

// X0 += the first DX lanes of Z9, one at a time in lane order; clobbers
// BX, Z9.
#define TAILSUM(label, done) \
	MOVQ  DX, BX;                \
	TESTQ BX, BX;                \
	JEQ   done;                  \
label:                           \
	VADDSD  X9, X0, X0;          \
	VALIGNQ $1, Z9, Z9, Z9;      \
	DECQ    BX;                  \
	JNE     label;               \
done:

// func refineRowsAVX512(h, x []float64, stride, rows int, means, beta, y, w []float64, my float64)
//
// refineRowsGo: for each row, c = x − m, t = w·((y − m_y) − c·β), and when
// t ≠ 0, h += t·c.
TEXT ·refineRowsAVX512(SB), NOSPLIT, $0-168
	MOVQ beta_len+96(FP), AX
	MASKS
	MOVQ R14, AX
	SHRQ $6, AX
	MOVQ means_base+64(FP), BX
	LOADV(BX, Z24, Z25, Z26, Z27, Z28)
	MOVQ beta_base+88(FP), BX
	LOADV(BX, Z20, Z21, Z22, Z23, Z29)
	MOVQ h_base+0(FP), DI
	LOADV(DI, Z16, Z17, Z18, Z19, Z15)
	MOVQ  x_base+24(FP), SI
	MOVQ  stride+48(FP), R8
	SHLQ  $3, R8
	MOVQ  rows+56(FP), CX
	MOVQ  y_base+112(FP), R9
	MOVQ  w_base+136(FP), R10
	MOVQ  $8, R12
	TESTQ R10, R10
	JNE   rfw
	LEAQ  rfone<>(SB), R10
	XORQ  R12, R12

rfw:
	VMOVSD my+160(FP), X31
	VXORPD X2, X2, X2

rfloop:
	VXORPD      Z0, Z0, Z0
	CMPQ        AX, $0
	JEQ         rflast
	VMOVUPD.Z   (SI), K1, Z4
	VSUBPD      Z24, Z4, Z4
	VFMADD231PD Z20, Z4, K1, Z0
	CMPQ        AX, $1
	JEQ         rflast
	VMOVUPD.Z   64(SI), K2, Z5
	VSUBPD      Z25, Z5, Z5
	VFMADD231PD Z21, Z5, K2, Z0
	CMPQ        AX, $2
	JEQ         rflast
	VMOVUPD.Z   128(SI), K3, Z6
	VSUBPD      Z26, Z6, Z6
	VFMADD231PD Z22, Z6, K3, Z0
	CMPQ        AX, $3
	JEQ         rflast
	VMOVUPD.Z   192(SI), K4, Z7
	VSUBPD      Z27, Z7, Z7
	VFMADD231PD Z23, Z7, K4, Z0

rflast:
	VMOVUPD.Z   (SI)(R14*1), K5, Z8
	VSUBPD      Z28, Z8, Z8
	VMULPD      Z29, Z8, Z9
	REDUCE
	TAILSUM(rftail, rftaildone)
	VMOVSD      (R9), X1
	VSUBSD      X31, X1, X1
	VSUBSD      X0, X1, X1
	VMULSD      (R10), X1, X1
	ADDQ        $8, R9
	ADDQ        R12, R10
	VUCOMISD    X2, X1
	JNE         rfaxpy
	JPS         rfaxpy
	JMP         rfnext

rfaxpy:
	VBROADCASTSD X1, Z30
	VFMADD231PD  Z4, Z30, K1, Z16
	VFMADD231PD  Z5, Z30, K2, Z17
	VFMADD231PD  Z6, Z30, K3, Z18
	VFMADD231PD  Z7, Z30, K4, Z19
	VMULPD       Z8, Z30, Z9
	VADDPD       Z9, Z15, K5, Z15

rfnext:
	ADDQ R8, SI
	DECQ CX
	JNE  rfloop

	STOREV(DI, Z16, Z17, Z18, Z19, Z15)
	VZEROUPPER
	RET

// func residualRowsAVX512(r, x []float64, stride, rows int, coef []float64, b0 float64, y, w []float64, my float64) (rss, tss float64)
//
// residualRowsGo: for each row, rᵢ = (y − b₀) − x·β, and Σ (w·rᵢ)·rᵢ,
// Σ (w·t)·t with t = y − m_y, in row order.
TEXT ·residualRowsAVX512(SB), NOSPLIT, $0-168
	MOVQ coef_len+72(FP), AX
	MASKS
	MOVQ R14, AX
	SHRQ $6, AX
	MOVQ coef_base+64(FP), BX
	LOADV(BX, Z20, Z21, Z22, Z23, Z29)
	MOVQ  r_base+0(FP), DI
	MOVQ  x_base+24(FP), SI
	MOVQ  stride+48(FP), R8
	SHLQ  $3, R8
	MOVQ  rows+56(FP), CX
	MOVQ  y_base+96(FP), R9
	MOVQ  w_base+120(FP), R10
	MOVQ  $8, R12
	TESTQ R10, R10
	JNE   rsw
	LEAQ  rfone<>(SB), R10
	XORQ  R12, R12

rsw:
	VMOVSD b0+88(FP), X30
	VMOVSD my+144(FP), X31
	VXORPD X10, X10, X10
	VXORPD X11, X11, X11

rsloop:
	VXORPD      Z0, Z0, Z0
	CMPQ        AX, $0
	JEQ         rslast
	VFMADD231PD (SI), Z20, K1, Z0
	CMPQ        AX, $1
	JEQ         rslast
	VFMADD231PD 64(SI), Z21, K2, Z0
	CMPQ        AX, $2
	JEQ         rslast
	VFMADD231PD 128(SI), Z22, K3, Z0
	CMPQ        AX, $3
	JEQ         rslast
	VFMADD231PD 192(SI), Z23, K4, Z0

rslast:
	VMOVUPD.Z   (SI)(R14*1), K5, Z9
	VMULPD      Z29, Z9, Z9
	REDUCE
	TAILSUM(rstail, rstaildone)
	VMOVSD      (R9), X3
	VSUBSD      X30, X3, X1
	VSUBSD      X0, X1, X1
	VMOVSD      X1, (DI)
	VMOVSD      (R10), X4
	VMULSD      X1, X4, X5
	VMULSD      X1, X5, X5
	VADDSD      X5, X10, X10
	VSUBSD      X31, X3, X3
	VMULSD      X3, X4, X5
	VMULSD      X3, X5, X5
	VADDSD      X5, X11, X11
	ADDQ        $8, R9
	ADDQ        $8, DI
	ADDQ        R12, R10
	ADDQ        R8, SI
	DECQ        CX
	JNE         rsloop

	VMOVSD X10, rss+152(FP)
	VMOVSD X11, tss+160(FP)
	VZEROUPPER
	RET
