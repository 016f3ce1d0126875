#include "textflag.h"

// func sgdRowsAVX512(theta []float64, d int, x []float64, stride int, y []float64, rows []int, from, to int, lr float64, ahead int, intercept bool) int
//
// SGDRows' loop over steps from … to−1 of rows for the plain case (no
// centre, scale or weights) for 1 ≤ d ≤ sgdRegMaxD, with θ held in
// registers for the whole call: loaded
// once at the start and stored once at the end (or at the early stop), where
// SGDStep loads and stores all of θ at every step. Each step is SGDStep's
// fast branch: the dot product in dotAVX512's order (one accumulator, chunk
// by chunk, the reduction 256 + 256, 128 + 128, lane 0 + lane 1),
// r = (dot + b) − y_i with b = θ_d or +0, the stop when r² is not finite,
// then θ_j ← θ_j − lr·fma(r, x_j, 0) as sgdUpdateAVX512 and
// θ_d ← θ_d − lr·r. So θ has the bits of SGDStep looped. Before step n it
// prefetches as Prefetch does (rows[n+ahead]'s lines and target, unless that
// row follows the one before it in storage; ahead ≥ 1).
//
// It returns the step it stopped before: to, or the n of the first row whose
// r² is not finite or whose index is not below len(y) (the caller takes that
// step on the general path, which stops or panics as SGDStep).
//
// d is split into F = ⌊(d−1)/8⌋ full chunks of eight and a last chunk of
// t = d − 8F elements (1 ≤ t ≤ 8) under the mask K1 (as rowsRegAVX512);
// each F has its own loop.
//
// Registers: Z16.. the chunks of θ, X10 θ_d (or +0), K2 one lane if there
// is an intercept, none if not; Z6 lr, Z4 r, Z0 the dot product, Z1/X1 and
// Z5 scratch; CX the step n, DX len(rows), R8 the stride in bytes, R9 x,
// R10 y, R11 rows, R12 ahead, R13 8d − 1, SI the row, AX its index, BX and
// DI scratch.

// Before step n: the prefetch of Prefetch (the row's cache lines, then its
// target), into the second-level cache. skip and lines are labels.
#define PF(skip, lines) \
	MOVQ  CX, AX;             \
	ADDQ  R12, AX;            \
	CMPQ  AX, DX;             \
	JGE   skip;               \
	MOVQ  (R11)(AX*8), BX;    \
	MOVQ  -8(R11)(AX*8), DI;  \
	INCQ  DI;                 \
	CMPQ  BX, DI;             \
	JEQ   skip;               \
	LEAQ  (R10)(BX*8), DI;    \
	IMULQ R8, BX;             \
	ADDQ  R9, BX;             \
	LEAQ  (BX)(R13*1), AX;    \
	ANDQ  $-64, BX;           \
	ANDQ  $-64, AX;           \
lines:                        \
	PREFETCHT1 (BX);      \
	ADDQ  $64, BX;            \
	CMPQ  BX, AX;             \
	JLE   lines;              \
	PREFETCHT1 (DI);      \
skip:

// Step n's row: the stop at step to, its index in AX (the stop when
// it is not below len(y)), its address in SI, the dot product cleared.
#define ROW(stop) \
	CMPQ   CX, to+120(FP);      \
	JGE    stop;                \
	MOVQ   (R11)(CX*8), AX;     \
	CMPQ   AX, y_len+72(FP);    \
	JCC    stop;                \
	MOVQ   AX, BX;              \
	IMULQ  R8, BX;              \
	LEAQ   (R9)(BX*1), SI;      \
	VXORPD Z0, Z0, Z0

// The dot product's chunk of θ in T at byte offset off: full, and under K1.
#define DOT(off, T) VFMADD231PD off(SI), T, Z0
#define DOTM(off, T) VFMADD231PD off(SI), T, K1, Z0

// The reduction, r = (dot + b) − y_i, the stop when r² is not finite, r
// broadcast, and θ_d ← θ_d − lr·r under K2.
#define MID(stop) \
	VEXTRACTF64X4 $1, Z0, Y1;     \
	VADDPD        Y1, Y0, Y0;     \
	VEXTRACTF128  $1, Y0, X1;     \
	VADDPD        X1, X0, X0;     \
	VPERMILPD     $1, X0, X1;     \
	VADDSD        X1, X0, X0;     \
	VADDSD        X10, X0, X0;    \
	VSUBSD        (R10)(AX*8), X0, X0; \
	VMULSD        X0, X0, X1;     \
	MOVQ          X1, BX;         \
	SHLQ          $1, BX;         \
	SHRQ          $53, BX;        \
	CMPQ          BX, $0x7ff;     \
	JEQ           stop;           \
	VBROADCASTSD  X0, Z4;         \
	VMULSD        X6, X0, X1;     \
	VSUBSD        X1, X10, K2, X10

// θ's chunk T ← T − lr·fma(r, x, 0) at byte offset off: full, and under K1.
#define UPD(off, T) \
	VXORPD      Z5, Z5, Z5;    \
	VFMADD231PD off(SI), Z4, Z5; \
	VMULPD      Z6, Z5, Z5;    \
	VSUBPD      Z5, T, T

#define UPDM(off, T) \
	VXORPD      Z5, Z5, Z5;        \
	VFMADD231PD off(SI), Z4, K1, Z5; \
	VMULPD      Z6, Z5, Z5;        \
	VSUBPD      Z5, T, K1, T


TEXT ·sgdRowsAVX512(SB), NOSPLIT, $0-160
	MOVQ         theta_base+0(FP), DI
	MOVQ         d+24(FP), R13
	MOVQ         x_base+32(FP), R9
	MOVQ         stride+56(FP), R8
	SHLQ         $3, R8
	MOVQ         y_base+64(FP), R10
	MOVQ         rows_base+88(FP), R11
	MOVQ         rows_len+96(FP), DX
	VBROADCASTSD lr+128(FP), Z6
	MOVQ         ahead+136(FP), R12

	// K2 and X10: θ_d under one lane with an intercept, +0 under none.
	VXORPD     X10, X10, X10
	MOVBQZX    intercept+144(FP), BX
	KMOVW      BX, K2
	TESTQ      BX, BX
	JEQ        kmask
	VMOVSD     (DI)(R13*8), X10

kmask:
	// K1: the last chunk's t = ((d−1) mod 8) + 1 elements; BX = F; R13 = 8d − 1.
	LEAQ  -1(R13), BX
	MOVQ  BX, AX
	ANDQ  $7, AX
	INCQ  AX
	MOVQ  AX, CX
	MOVQ  $1, AX
	SHLQ  CX, AX
	DECQ  AX
	KMOVW AX, K1
	SHRQ  $3, BX
	SHLQ  $3, R13
	DECQ  R13
	MOVQ  from+112(FP), CX

	// One loop for each F.
	CMPQ BX, $0
	JEQ  f0
	CMPQ BX, $1
	JEQ  f1
	CMPQ BX, $2
	JEQ  f2
	CMPQ BX, $3
	JEQ  f3
	CMPQ BX, $4
	JEQ  f4
	CMPQ BX, $5
	JEQ  f5
	CMPQ BX, $6
	JEQ  f6
	CMPQ BX, $7
	JEQ  f7
	CMPQ BX, $8
	JEQ  f8
	CMPQ BX, $9
	JEQ  f9
	CMPQ BX, $10
	JEQ  f10
	CMPQ BX, $11
	JEQ  f11
	CMPQ BX, $12
	JEQ  f12
	JMP  fin

// F = 0: d ≤ 8.
f0:
	VMOVUPD.Z 0(DI), K1, Z16

l0:
	PF(n0, p0)
	ROW(s0)
	DOTM(0, Z16)
	MID(s0)
	UPDM(0, Z16)
	INCQ CX
	JMP  l0

s0:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, K1, 0(DI)
	JMP     fin

// F = 1: 8 < d ≤ 16.
f1:
	VMOVUPD   0(DI), Z16
	VMOVUPD.Z 64(DI), K1, Z17

l1:
	PF(n1, p1)
	ROW(s1)
	DOT(0, Z16)
	DOTM(64, Z17)
	MID(s1)
	UPD(0, Z16)
	UPDM(64, Z17)
	INCQ CX
	JMP  l1

s1:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, K1, 64(DI)
	JMP     fin

// F = 2: 16 < d ≤ 24.
f2:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD.Z 128(DI), K1, Z18

l2:
	PF(n2, p2)
	ROW(s2)
	DOT(0, Z16)
	DOT(64, Z17)
	DOTM(128, Z18)
	MID(s2)
	UPD(0, Z16)
	UPD(64, Z17)
	UPDM(128, Z18)
	INCQ CX
	JMP  l2

s2:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, K1, 128(DI)
	JMP     fin

// F = 3: 24 < d ≤ 32.
f3:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD   128(DI), Z18
	VMOVUPD.Z 192(DI), K1, Z19

l3:
	PF(n3, p3)
	ROW(s3)
	DOT(0, Z16)
	DOT(64, Z17)
	DOT(128, Z18)
	DOTM(192, Z19)
	MID(s3)
	UPD(0, Z16)
	UPD(64, Z17)
	UPD(128, Z18)
	UPDM(192, Z19)
	INCQ CX
	JMP  l3

s3:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, K1, 192(DI)
	JMP     fin

// F = 4: 32 < d ≤ 40.
f4:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD   128(DI), Z18
	VMOVUPD   192(DI), Z19
	VMOVUPD.Z 256(DI), K1, Z20

l4:
	PF(n4, p4)
	ROW(s4)
	DOT(0, Z16)
	DOT(64, Z17)
	DOT(128, Z18)
	DOT(192, Z19)
	DOTM(256, Z20)
	MID(s4)
	UPD(0, Z16)
	UPD(64, Z17)
	UPD(128, Z18)
	UPD(192, Z19)
	UPDM(256, Z20)
	INCQ CX
	JMP  l4

s4:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, 192(DI)
	VMOVUPD Z20, K1, 256(DI)
	JMP     fin

// F = 5: 40 < d ≤ 48.
f5:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD   128(DI), Z18
	VMOVUPD   192(DI), Z19
	VMOVUPD   256(DI), Z20
	VMOVUPD.Z 320(DI), K1, Z21

l5:
	PF(n5, p5)
	ROW(s5)
	DOT(0, Z16)
	DOT(64, Z17)
	DOT(128, Z18)
	DOT(192, Z19)
	DOT(256, Z20)
	DOTM(320, Z21)
	MID(s5)
	UPD(0, Z16)
	UPD(64, Z17)
	UPD(128, Z18)
	UPD(192, Z19)
	UPD(256, Z20)
	UPDM(320, Z21)
	INCQ CX
	JMP  l5

s5:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, 192(DI)
	VMOVUPD Z20, 256(DI)
	VMOVUPD Z21, K1, 320(DI)
	JMP     fin

// F = 6: 48 < d ≤ 56.
f6:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD   128(DI), Z18
	VMOVUPD   192(DI), Z19
	VMOVUPD   256(DI), Z20
	VMOVUPD   320(DI), Z21
	VMOVUPD.Z 384(DI), K1, Z22

l6:
	PF(n6, p6)
	ROW(s6)
	DOT(0, Z16)
	DOT(64, Z17)
	DOT(128, Z18)
	DOT(192, Z19)
	DOT(256, Z20)
	DOT(320, Z21)
	DOTM(384, Z22)
	MID(s6)
	UPD(0, Z16)
	UPD(64, Z17)
	UPD(128, Z18)
	UPD(192, Z19)
	UPD(256, Z20)
	UPD(320, Z21)
	UPDM(384, Z22)
	INCQ CX
	JMP  l6

s6:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, 192(DI)
	VMOVUPD Z20, 256(DI)
	VMOVUPD Z21, 320(DI)
	VMOVUPD Z22, K1, 384(DI)
	JMP     fin

// F = 7: 56 < d ≤ 64.
f7:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD   128(DI), Z18
	VMOVUPD   192(DI), Z19
	VMOVUPD   256(DI), Z20
	VMOVUPD   320(DI), Z21
	VMOVUPD   384(DI), Z22
	VMOVUPD.Z 448(DI), K1, Z23

l7:
	PF(n7, p7)
	ROW(s7)
	DOT(0, Z16)
	DOT(64, Z17)
	DOT(128, Z18)
	DOT(192, Z19)
	DOT(256, Z20)
	DOT(320, Z21)
	DOT(384, Z22)
	DOTM(448, Z23)
	MID(s7)
	UPD(0, Z16)
	UPD(64, Z17)
	UPD(128, Z18)
	UPD(192, Z19)
	UPD(256, Z20)
	UPD(320, Z21)
	UPD(384, Z22)
	UPDM(448, Z23)
	INCQ CX
	JMP  l7

s7:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, 192(DI)
	VMOVUPD Z20, 256(DI)
	VMOVUPD Z21, 320(DI)
	VMOVUPD Z22, 384(DI)
	VMOVUPD Z23, K1, 448(DI)
	JMP     fin

// F = 8: 64 < d ≤ 72.
f8:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD   128(DI), Z18
	VMOVUPD   192(DI), Z19
	VMOVUPD   256(DI), Z20
	VMOVUPD   320(DI), Z21
	VMOVUPD   384(DI), Z22
	VMOVUPD   448(DI), Z23
	VMOVUPD.Z 512(DI), K1, Z24

l8:
	PF(n8, p8)
	ROW(s8)
	DOT(0, Z16)
	DOT(64, Z17)
	DOT(128, Z18)
	DOT(192, Z19)
	DOT(256, Z20)
	DOT(320, Z21)
	DOT(384, Z22)
	DOT(448, Z23)
	DOTM(512, Z24)
	MID(s8)
	UPD(0, Z16)
	UPD(64, Z17)
	UPD(128, Z18)
	UPD(192, Z19)
	UPD(256, Z20)
	UPD(320, Z21)
	UPD(384, Z22)
	UPD(448, Z23)
	UPDM(512, Z24)
	INCQ CX
	JMP  l8

s8:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, 192(DI)
	VMOVUPD Z20, 256(DI)
	VMOVUPD Z21, 320(DI)
	VMOVUPD Z22, 384(DI)
	VMOVUPD Z23, 448(DI)
	VMOVUPD Z24, K1, 512(DI)
	JMP     fin

// F = 9: 72 < d ≤ 80.
f9:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD   128(DI), Z18
	VMOVUPD   192(DI), Z19
	VMOVUPD   256(DI), Z20
	VMOVUPD   320(DI), Z21
	VMOVUPD   384(DI), Z22
	VMOVUPD   448(DI), Z23
	VMOVUPD   512(DI), Z24
	VMOVUPD.Z 576(DI), K1, Z25

l9:
	PF(n9, p9)
	ROW(s9)
	DOT(0, Z16)
	DOT(64, Z17)
	DOT(128, Z18)
	DOT(192, Z19)
	DOT(256, Z20)
	DOT(320, Z21)
	DOT(384, Z22)
	DOT(448, Z23)
	DOT(512, Z24)
	DOTM(576, Z25)
	MID(s9)
	UPD(0, Z16)
	UPD(64, Z17)
	UPD(128, Z18)
	UPD(192, Z19)
	UPD(256, Z20)
	UPD(320, Z21)
	UPD(384, Z22)
	UPD(448, Z23)
	UPD(512, Z24)
	UPDM(576, Z25)
	INCQ CX
	JMP  l9

s9:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, 192(DI)
	VMOVUPD Z20, 256(DI)
	VMOVUPD Z21, 320(DI)
	VMOVUPD Z22, 384(DI)
	VMOVUPD Z23, 448(DI)
	VMOVUPD Z24, 512(DI)
	VMOVUPD Z25, K1, 576(DI)
	JMP     fin

// F = 10: 80 < d ≤ 88.
f10:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD   128(DI), Z18
	VMOVUPD   192(DI), Z19
	VMOVUPD   256(DI), Z20
	VMOVUPD   320(DI), Z21
	VMOVUPD   384(DI), Z22
	VMOVUPD   448(DI), Z23
	VMOVUPD   512(DI), Z24
	VMOVUPD   576(DI), Z25
	VMOVUPD.Z 640(DI), K1, Z26

l10:
	PF(n10, p10)
	ROW(s10)
	DOT(0, Z16)
	DOT(64, Z17)
	DOT(128, Z18)
	DOT(192, Z19)
	DOT(256, Z20)
	DOT(320, Z21)
	DOT(384, Z22)
	DOT(448, Z23)
	DOT(512, Z24)
	DOT(576, Z25)
	DOTM(640, Z26)
	MID(s10)
	UPD(0, Z16)
	UPD(64, Z17)
	UPD(128, Z18)
	UPD(192, Z19)
	UPD(256, Z20)
	UPD(320, Z21)
	UPD(384, Z22)
	UPD(448, Z23)
	UPD(512, Z24)
	UPD(576, Z25)
	UPDM(640, Z26)
	INCQ CX
	JMP  l10

s10:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, 192(DI)
	VMOVUPD Z20, 256(DI)
	VMOVUPD Z21, 320(DI)
	VMOVUPD Z22, 384(DI)
	VMOVUPD Z23, 448(DI)
	VMOVUPD Z24, 512(DI)
	VMOVUPD Z25, 576(DI)
	VMOVUPD Z26, K1, 640(DI)
	JMP     fin

// F = 11: 88 < d ≤ 96.
f11:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD   128(DI), Z18
	VMOVUPD   192(DI), Z19
	VMOVUPD   256(DI), Z20
	VMOVUPD   320(DI), Z21
	VMOVUPD   384(DI), Z22
	VMOVUPD   448(DI), Z23
	VMOVUPD   512(DI), Z24
	VMOVUPD   576(DI), Z25
	VMOVUPD   640(DI), Z26
	VMOVUPD.Z 704(DI), K1, Z27

l11:
	PF(n11, p11)
	ROW(s11)
	DOT(0, Z16)
	DOT(64, Z17)
	DOT(128, Z18)
	DOT(192, Z19)
	DOT(256, Z20)
	DOT(320, Z21)
	DOT(384, Z22)
	DOT(448, Z23)
	DOT(512, Z24)
	DOT(576, Z25)
	DOT(640, Z26)
	DOTM(704, Z27)
	MID(s11)
	UPD(0, Z16)
	UPD(64, Z17)
	UPD(128, Z18)
	UPD(192, Z19)
	UPD(256, Z20)
	UPD(320, Z21)
	UPD(384, Z22)
	UPD(448, Z23)
	UPD(512, Z24)
	UPD(576, Z25)
	UPD(640, Z26)
	UPDM(704, Z27)
	INCQ CX
	JMP  l11

s11:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, 192(DI)
	VMOVUPD Z20, 256(DI)
	VMOVUPD Z21, 320(DI)
	VMOVUPD Z22, 384(DI)
	VMOVUPD Z23, 448(DI)
	VMOVUPD Z24, 512(DI)
	VMOVUPD Z25, 576(DI)
	VMOVUPD Z26, 640(DI)
	VMOVUPD Z27, K1, 704(DI)
	JMP     fin

// F = 12: 96 < d ≤ 104.
f12:
	VMOVUPD   0(DI), Z16
	VMOVUPD   64(DI), Z17
	VMOVUPD   128(DI), Z18
	VMOVUPD   192(DI), Z19
	VMOVUPD   256(DI), Z20
	VMOVUPD   320(DI), Z21
	VMOVUPD   384(DI), Z22
	VMOVUPD   448(DI), Z23
	VMOVUPD   512(DI), Z24
	VMOVUPD   576(DI), Z25
	VMOVUPD   640(DI), Z26
	VMOVUPD   704(DI), Z27
	VMOVUPD.Z 768(DI), K1, Z28

l12:
	PF(n12, p12)
	ROW(s12)
	DOT(0, Z16)
	DOT(64, Z17)
	DOT(128, Z18)
	DOT(192, Z19)
	DOT(256, Z20)
	DOT(320, Z21)
	DOT(384, Z22)
	DOT(448, Z23)
	DOT(512, Z24)
	DOT(576, Z25)
	DOT(640, Z26)
	DOT(704, Z27)
	DOTM(768, Z28)
	MID(s12)
	UPD(0, Z16)
	UPD(64, Z17)
	UPD(128, Z18)
	UPD(192, Z19)
	UPD(256, Z20)
	UPD(320, Z21)
	UPD(384, Z22)
	UPD(448, Z23)
	UPD(512, Z24)
	UPD(576, Z25)
	UPD(640, Z26)
	UPD(704, Z27)
	UPDM(768, Z28)
	INCQ CX
	JMP  l12

s12:
	MOVQ theta_base+0(FP), DI
	VMOVUPD Z16, 0(DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, 192(DI)
	VMOVUPD Z20, 256(DI)
	VMOVUPD Z21, 320(DI)
	VMOVUPD Z22, 384(DI)
	VMOVUPD Z23, 448(DI)
	VMOVUPD Z24, 512(DI)
	VMOVUPD Z25, 576(DI)
	VMOVUPD Z26, 640(DI)
	VMOVUPD Z27, 704(DI)
	VMOVUPD Z28, K1, 768(DI)

fin:
	MOVQ   CX, ret+152(FP)
	CMPB   intercept+144(FP), $0
	JEQ    done
	MOVQ   theta_base+0(FP), DI
	MOVQ   d+24(FP), R13
	VMOVSD X10, (DI)(R13*8)

done:
	VZEROUPPER
	RET
