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

// The F full chunks of θ (Z16 …) before the last one: loaded, in the dot
// product, updated and stored, F = 1 … 12, each macro the one before it and
// one chunk more.
#define LOADS1 VMOVUPD 0(DI), Z16
#define LOADS2 LOADS1; VMOVUPD 64(DI), Z17
#define LOADS3 LOADS2; VMOVUPD 128(DI), Z18
#define LOADS4 LOADS3; VMOVUPD 192(DI), Z19
#define LOADS5 LOADS4; VMOVUPD 256(DI), Z20
#define LOADS6 LOADS5; VMOVUPD 320(DI), Z21
#define LOADS7 LOADS6; VMOVUPD 384(DI), Z22
#define LOADS8 LOADS7; VMOVUPD 448(DI), Z23
#define LOADS9 LOADS8; VMOVUPD 512(DI), Z24
#define LOADS10 LOADS9; VMOVUPD 576(DI), Z25
#define LOADS11 LOADS10; VMOVUPD 640(DI), Z26
#define LOADS12 LOADS11; VMOVUPD 704(DI), Z27
#define DOTS1 DOT(0, Z16)
#define DOTS2 DOTS1; DOT(64, Z17)
#define DOTS3 DOTS2; DOT(128, Z18)
#define DOTS4 DOTS3; DOT(192, Z19)
#define DOTS5 DOTS4; DOT(256, Z20)
#define DOTS6 DOTS5; DOT(320, Z21)
#define DOTS7 DOTS6; DOT(384, Z22)
#define DOTS8 DOTS7; DOT(448, Z23)
#define DOTS9 DOTS8; DOT(512, Z24)
#define DOTS10 DOTS9; DOT(576, Z25)
#define DOTS11 DOTS10; DOT(640, Z26)
#define DOTS12 DOTS11; DOT(704, Z27)
#define UPDS1 UPD(0, Z16)
#define UPDS2 UPDS1; UPD(64, Z17)
#define UPDS3 UPDS2; UPD(128, Z18)
#define UPDS4 UPDS3; UPD(192, Z19)
#define UPDS5 UPDS4; UPD(256, Z20)
#define UPDS6 UPDS5; UPD(320, Z21)
#define UPDS7 UPDS6; UPD(384, Z22)
#define UPDS8 UPDS7; UPD(448, Z23)
#define UPDS9 UPDS8; UPD(512, Z24)
#define UPDS10 UPDS9; UPD(576, Z25)
#define UPDS11 UPDS10; UPD(640, Z26)
#define UPDS12 UPDS11; UPD(704, Z27)
#define STORES1 VMOVUPD Z16, 0(DI)
#define STORES2 STORES1; VMOVUPD Z17, 64(DI)
#define STORES3 STORES2; VMOVUPD Z18, 128(DI)
#define STORES4 STORES3; VMOVUPD Z19, 192(DI)
#define STORES5 STORES4; VMOVUPD Z20, 256(DI)
#define STORES6 STORES5; VMOVUPD Z21, 320(DI)
#define STORES7 STORES6; VMOVUPD Z22, 384(DI)
#define STORES8 STORES7; VMOVUPD Z23, 448(DI)
#define STORES9 STORES8; VMOVUPD Z24, 512(DI)
#define STORES10 STORES9; VMOVUPD Z25, 576(DI)
#define STORES11 STORES10; VMOVUPD Z26, 640(DI)
#define STORES12 STORES11; VMOVUPD Z27, 704(DI)

// NONE stands for the chunks F = 0 has none of.
#define NONE

// The loop for F full chunks and the last one in T at byte offset off:
// θ loaded (entry f), one step an iteration (l), θ stored at the stop (s);
// n and p are the prefetch's labels.
#define LOOP(f, l, s, n, p, loads, dots, upds, stores, off, T) \
f:                                \
	loads;                        \
	VMOVUPD.Z off(DI), K1, T;     \
l:                                \
	PF(n, p);                     \
	ROW(s);                       \
	dots;                         \
	DOTM(off, T);                 \
	MID(s);                       \
	upds;                         \
	UPDM(off, T);                 \
	INCQ CX;                      \
	JMP  l;                       \
s:                                \
	MOVQ theta_base+0(FP), DI;    \
	stores;                       \
	VMOVUPD T, K1, off(DI);       \
	JMP  fin

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
	LOOP(f0, l0, s0, n0, p0, NONE, NONE, NONE, NONE, 0, Z16)

// F = 1: 8 < d ≤ 16.
	LOOP(f1, l1, s1, n1, p1, LOADS1, DOTS1, UPDS1, STORES1, 64, Z17)

// F = 2: 16 < d ≤ 24.
	LOOP(f2, l2, s2, n2, p2, LOADS2, DOTS2, UPDS2, STORES2, 128, Z18)

// F = 3: 24 < d ≤ 32.
	LOOP(f3, l3, s3, n3, p3, LOADS3, DOTS3, UPDS3, STORES3, 192, Z19)

// F = 4: 32 < d ≤ 40.
	LOOP(f4, l4, s4, n4, p4, LOADS4, DOTS4, UPDS4, STORES4, 256, Z20)

// F = 5: 40 < d ≤ 48.
	LOOP(f5, l5, s5, n5, p5, LOADS5, DOTS5, UPDS5, STORES5, 320, Z21)

// F = 6: 48 < d ≤ 56.
	LOOP(f6, l6, s6, n6, p6, LOADS6, DOTS6, UPDS6, STORES6, 384, Z22)

// F = 7: 56 < d ≤ 64.
	LOOP(f7, l7, s7, n7, p7, LOADS7, DOTS7, UPDS7, STORES7, 448, Z23)

// F = 8: 64 < d ≤ 72.
	LOOP(f8, l8, s8, n8, p8, LOADS8, DOTS8, UPDS8, STORES8, 512, Z24)

// F = 9: 72 < d ≤ 80.
	LOOP(f9, l9, s9, n9, p9, LOADS9, DOTS9, UPDS9, STORES9, 576, Z25)

// F = 10: 80 < d ≤ 88.
	LOOP(f10, l10, s10, n10, p10, LOADS10, DOTS10, UPDS10, STORES10, 640, Z26)

// F = 11: 88 < d ≤ 96.
	LOOP(f11, l11, s11, n11, p11, LOADS11, DOTS11, UPDS11, STORES11, 704, Z27)

// F = 12: 96 < d ≤ 104.
	LOOP(f12, l12, s12, n12, p12, LOADS12, DOTS12, UPDS12, STORES12, 768, Z28)

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
