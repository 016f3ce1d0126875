#include "textflag.h"

// func rowsRegAVX512(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64) (sr, sl float64)
//
// rowsAVX512 with grad ≠ 0 for 1 ≤ d ≤ 32, with the gradient sums and w'
// held in registers for the whole call instead of loaded and stored at every
// row: the same operations in the same order, so the same bits. At small d
// the per-row loads and stores of g (each one waiting for the store of the
// row before) cost more than the row's arithmetic.
//
// d is split into F = ⌊(d−1)/8⌋ full chunks of eight and a last chunk of
// t = d − 8F elements (1 ≤ t ≤ 8) under the mask K1; each F has its own
// loop, so no instruction is spent on absent chunks. A nil y reads a zero and
// a nil wt a one (r − 0 = r and r·1 = r exactly), so the row arithmetic has
// no branches.
//
// Registers: SI row i, R11/BX/R13 rows i+1..i+3, R8 stride in bytes, CX
// rows left, R9 y, AX its step (8, or 0 for nil y), DX = 3·AX, R10 wt, R12
// its step, DI = 3·R12, X10 bp, X11 sr, X12 sl, Z16..Z19 the gradient
// chunks, Z20..Z23 the chunks of w', Z0..Z3 the dot products of a quad,
// Z4..Z7 its weighted residuals.

DATA regzero<>+0(SB)/8, $0.0
GLOBL regzero<>(SB), RODATA|NOPTR, $8
DATA regone<>+0(SB)/8, $1.0
GLOBL regone<>(SB), RODATA|NOPTR, $8

// Dot products of the quad's four rows with the chunk of w' in W at byte
// offset off: full, and under the mask K1.
#define QDOT(off, W) \
	VFMADD231PD off(SI), W, Z0;  \
	VFMADD231PD off(R11), W, Z1; \
	VFMADD231PD off(BX), W, Z2;  \
	VFMADD231PD off(R13), W, Z3

#define QDOTM(off, W) \
	VFMADD231PD off(SI), W, K1, Z0;  \
	VFMADD231PD off(R11), W, K1, Z1; \
	VFMADD231PD off(BX), W, K1, Z2;  \
	VFMADD231PD off(R13), W, K1, Z3

// Gradient chunk G += wr_i row_i, …, += wr_{i+3} row_{i+3}, in row order.
#define QGRAD(off, G) \
	VFMADD231PD off(SI), Z4, G;  \
	VFMADD231PD off(R11), Z5, G; \
	VFMADD231PD off(BX), Z6, G;  \
	VFMADD231PD off(R13), Z7, G

#define QGRADM(off, G) \
	VFMADD231PD off(SI), Z4, K1, G;  \
	VFMADD231PD off(R11), Z5, K1, G; \
	VFMADD231PD off(BX), Z6, K1, G;  \
	VFMADD231PD off(R13), Z7, K1, G

// The quad's lanes reduced, r and wr formed, Σwr and Σwr·r updated in row
// order, wr broadcast into Z4..Z7 (the arithmetic of rowsAVX512).
#define QMID \
	VEXTRACTF64X4 $1, Z0, Y4;  \
	VEXTRACTF64X4 $1, Z1, Y5;  \
	VEXTRACTF64X4 $1, Z2, Y6;  \
	VEXTRACTF64X4 $1, Z3, Y7;  \
	VADDPD        Y4, Y0, Y0;  \
	VADDPD        Y5, Y1, Y1;  \
	VADDPD        Y6, Y2, Y2;  \
	VADDPD        Y7, Y3, Y3;  \
	VEXTRACTF128  $1, Y0, X4;  \
	VEXTRACTF128  $1, Y1, X5;  \
	VEXTRACTF128  $1, Y2, X6;  \
	VEXTRACTF128  $1, Y3, X7;  \
	VADDPD        X4, X0, X0;  \
	VADDPD        X5, X1, X1;  \
	VADDPD        X6, X2, X2;  \
	VADDPD        X7, X3, X3;  \
	VPERMILPD     $1, X0, X4;  \
	VPERMILPD     $1, X1, X5;  \
	VPERMILPD     $1, X2, X6;  \
	VPERMILPD     $1, X3, X7;  \
	VADDSD        X4, X0, X0;  \
	VADDSD        X5, X1, X1;  \
	VADDSD        X6, X2, X2;  \
	VADDSD        X7, X3, X3;  \
	VADDSD        X10, X0, X0; \
	VADDSD        X10, X1, X1; \
	VADDSD        X10, X2, X2; \
	VADDSD        X10, X3, X3; \
	VSUBSD        (R9), X0, X0;       \
	VSUBSD        (R9)(AX*1), X1, X1; \
	VSUBSD        (R9)(AX*2), X2, X2; \
	VSUBSD        (R9)(DX*1), X3, X3; \
	LEAQ          (R9)(AX*4), R9;     \
	VMULSD        (R10), X0, X4;       \
	VMULSD        (R10)(R12*1), X1, X5; \
	VMULSD        (R10)(R12*2), X2, X6; \
	VMULSD        (R10)(DI*1), X3, X7;  \
	LEAQ          (R10)(R12*4), R10;    \
	VMULSD        X0, X4, X0;  \
	VMULSD        X1, X5, X1;  \
	VMULSD        X2, X6, X2;  \
	VMULSD        X3, X7, X3;  \
	VADDSD        X0, X12, X12; \
	VADDSD        X4, X11, X11; \
	VADDSD        X1, X12, X12; \
	VADDSD        X5, X11, X11; \
	VADDSD        X2, X12, X12; \
	VADDSD        X6, X11, X11; \
	VADDSD        X3, X12, X12; \
	VADDSD        X7, X11, X11; \
	VBROADCASTSD  X4, Z4; \
	VBROADCASTSD  X5, Z5; \
	VBROADCASTSD  X6, Z6; \
	VBROADCASTSD  X7, Z7

// Start of a quad: the row pointers, a prefetch, the accumulators cleared.
#define QSTART \
	LEAQ       (SI)(R8*1), R11; \
	LEAQ       (SI)(R8*2), BX;  \
	LEAQ       (R11)(R8*2), R13; \
	PREFETCHT0 (R13)(R8*4);     \
	VXORPD     Z0, Z0, Z0;      \
	VXORPD     Z1, Z1, Z1;      \
	VXORPD     Z2, Z2, Z2;      \
	VXORPD     Z3, Z3, Z3

// One row: dot product chunks, then the reduction and sums, then the
// gradient chunks.
#define SDOT(off, W) VFMADD231PD off(SI), W, Z0
#define SDOTM(off, W) VFMADD231PD off(SI), W, K1, Z0
#define SGRAD(off, G) VFMADD231PD off(SI), Z4, G
#define SGRADM(off, G) VFMADD231PD off(SI), Z4, K1, G

#define SMID \
	VEXTRACTF64X4 $1, Z0, Y1; \
	VADDPD        Y1, Y0, Y0; \
	VEXTRACTF128  $1, Y0, X1; \
	VADDPD        X1, X0, X0; \
	VPERMILPD     $1, X0, X1; \
	VADDSD        X1, X0, X0; \
	VADDSD        X10, X0, X0; \
	VSUBSD        (R9), X0, X0; \
	ADDQ          AX, R9;       \
	VMULSD        (R10), X0, X2; \
	ADDQ          R12, R10;      \
	VMULSD        X0, X2, X3;    \
	VADDSD        X3, X12, X12;  \
	VADDSD        X2, X11, X11;  \
	VBROADCASTSD  X2, Z4

TEXT ·rowsRegAVX512(SB), NOSPLIT, $0-160
	MOVQ  x_base+24(FP), SI
	MOVQ  stride+48(FP), R8
	SHLQ  $3, R8
	MOVSD bp+88(FP), X10
	MOVQ  y_base+96(FP), R9
	MOVQ  $8, AX
	TESTQ R9, R9
	JNE   yset
	LEAQ  regzero<>(SB), R9
	XORQ  AX, AX

yset:
	LEAQ  (AX)(AX*2), DX
	MOVQ  wt_base+120(FP), R10
	MOVQ  $8, R12
	TESTQ R10, R10
	JNE   wset
	LEAQ  regone<>(SB), R10
	XORQ  R12, R12

wset:
	LEAQ (R12)(R12*2), DI

	// K1: the last chunk's t = ((d−1) mod 8) + 1 elements; R13 = F until
	// the loops use it for row i+3.
	MOVQ   wp_len+72(FP), R13
	DECQ   R13
	MOVQ   R13, CX
	ANDQ   $7, CX
	INCQ   CX
	MOVQ   $1, BX
	SHLQ   CX, BX
	DECQ   BX
	KMOVW  BX, K1
	SHRQ   $3, R13
	MOVQ   wp_base+64(FP), BX
	MOVQ   g_base+0(FP), R11
	MOVQ   rows+56(FP), CX
	VXORPD X11, X11, X11
	VXORPD X12, X12, X12
	CMPQ   R13, $1
	JLT    f0
	JEQ    f1
	CMPQ   R13, $2
	JEQ    f2
	JMP    f3

// F = 0: d ≤ 8.
f0:
	VMOVUPD.Z (BX), K1, Z20
	VMOVUPD.Z (R11), K1, Z16

q0:
	CMPQ CX, $4
	JLT  s0
	QSTART
	QDOTM(0, Z20)
	QMID
	QGRADM(0, Z16)
	LEAQ (R13)(R8*1), SI
	SUBQ $4, CX
	JMP  q0

s0:
	TESTQ CX, CX
	JEQ   e0

r0:
	VXORPD Z0, Z0, Z0
	SDOTM(0, Z20)
	SMID
	SGRADM(0, Z16)
	ADDQ R8, SI
	DECQ CX
	JNE  r0

e0:
	MOVQ    g_base+0(FP), R11
	VMOVUPD Z16, K1, (R11)
	JMP     done

// F = 1: 8 < d ≤ 16.
f1:
	VMOVUPD   (BX), Z20
	VMOVUPD.Z 64(BX), K1, Z21
	VMOVUPD   (R11), Z16
	VMOVUPD.Z 64(R11), K1, Z17

q1:
	CMPQ CX, $4
	JLT  s1
	QSTART
	QDOT(0, Z20)
	QDOTM(64, Z21)
	QMID
	QGRAD(0, Z16)
	QGRADM(64, Z17)
	LEAQ (R13)(R8*1), SI
	SUBQ $4, CX
	JMP  q1

s1:
	TESTQ CX, CX
	JEQ   e1

r1:
	VXORPD Z0, Z0, Z0
	SDOT(0, Z20)
	SDOTM(64, Z21)
	SMID
	SGRAD(0, Z16)
	SGRADM(64, Z17)
	ADDQ R8, SI
	DECQ CX
	JNE  r1

e1:
	MOVQ    g_base+0(FP), R11
	VMOVUPD Z16, (R11)
	VMOVUPD Z17, K1, 64(R11)
	JMP     done

// F = 2: 16 < d ≤ 24.
f2:
	VMOVUPD   (BX), Z20
	VMOVUPD   64(BX), Z21
	VMOVUPD.Z 128(BX), K1, Z22
	VMOVUPD   (R11), Z16
	VMOVUPD   64(R11), Z17
	VMOVUPD.Z 128(R11), K1, Z18

q2:
	CMPQ CX, $4
	JLT  s2
	QSTART
	QDOT(0, Z20)
	QDOT(64, Z21)
	QDOTM(128, Z22)
	QMID
	QGRAD(0, Z16)
	QGRAD(64, Z17)
	QGRADM(128, Z18)
	LEAQ (R13)(R8*1), SI
	SUBQ $4, CX
	JMP  q2

s2:
	TESTQ CX, CX
	JEQ   e2

r2:
	VXORPD Z0, Z0, Z0
	SDOT(0, Z20)
	SDOT(64, Z21)
	SDOTM(128, Z22)
	SMID
	SGRAD(0, Z16)
	SGRAD(64, Z17)
	SGRADM(128, Z18)
	ADDQ R8, SI
	DECQ CX
	JNE  r2

e2:
	MOVQ    g_base+0(FP), R11
	VMOVUPD Z16, (R11)
	VMOVUPD Z17, 64(R11)
	VMOVUPD Z18, K1, 128(R11)
	JMP     done

// F = 3: 24 < d ≤ 32.
f3:
	VMOVUPD   (BX), Z20
	VMOVUPD   64(BX), Z21
	VMOVUPD   128(BX), Z22
	VMOVUPD.Z 192(BX), K1, Z23
	VMOVUPD   (R11), Z16
	VMOVUPD   64(R11), Z17
	VMOVUPD   128(R11), Z18
	VMOVUPD.Z 192(R11), K1, Z19

q3:
	CMPQ CX, $4
	JLT  s3
	QSTART
	QDOT(0, Z20)
	QDOT(64, Z21)
	QDOT(128, Z22)
	QDOTM(192, Z23)
	QMID
	QGRAD(0, Z16)
	QGRAD(64, Z17)
	QGRAD(128, Z18)
	QGRADM(192, Z19)
	LEAQ (R13)(R8*1), SI
	SUBQ $4, CX
	JMP  q3

s3:
	TESTQ CX, CX
	JEQ   e3

r3:
	VXORPD Z0, Z0, Z0
	SDOT(0, Z20)
	SDOT(64, Z21)
	SDOT(128, Z22)
	SDOTM(192, Z23)
	SMID
	SGRAD(0, Z16)
	SGRAD(64, Z17)
	SGRAD(128, Z18)
	SGRADM(192, Z19)
	ADDQ R8, SI
	DECQ CX
	JNE  r3

e3:
	MOVQ    g_base+0(FP), R11
	VMOVUPD Z16, (R11)
	VMOVUPD Z17, 64(R11)
	VMOVUPD Z18, 128(R11)
	VMOVUPD Z19, K1, 192(R11)

done:
	MOVSD      X11, sr+144(FP)
	MOVSD      X12, sl+152(FP)
	VZEROUPPER
	RET


// Pairs of rows for rowsReg2AVX512: dot products of rows i and i+1 with the
// chunk of w' in W at byte offset off (with a prefetch of the lines 8 KB
// on, as rowsAVX512's PREFETCHL2: contiguous rows stream ahead of the
// reads), full and under the mask K1.
#define PDOT(off, W) \
	PREFETCHT1  8192+off(SI);   \
	PREFETCHT1  8192+off(R11);  \
	VFMADD231PD off(SI), W, Z0; \
	VFMADD231PD off(R11), W, Z1

#define PDOTM(off, W) \
	PREFETCHT1  8192+off(SI);       \
	PREFETCHT1  8192+off(R11);      \
	VFMADD231PD off(SI), W, K1, Z0; \
	VFMADD231PD off(R11), W, K1, Z1

// Gradient chunk G += wr_i row_i, then += wr_{i+1} row_{i+1}.
#define PGRAD(off, G) \
	VFMADD231PD off(SI), Z4, G; \
	VFMADD231PD off(R11), Z5, G

#define PGRADM(off, G) \
	VFMADD231PD off(SI), Z4, K1, G; \
	VFMADD231PD off(R11), Z5, K1, G

// The pair's lanes reduced, r and wr formed, (Σwr·r, Σwr) in the two lanes
// of X2 updated in row order (a lane of VADDPD is VADDSD's sum), wr
// broadcast into Z4 and Z5: QMID for two rows, with bp in X3.
#define PMID \
	VEXTRACTF64X4 $1, Z0, Y4;           \
	VEXTRACTF64X4 $1, Z1, Y5;           \
	VADDPD        Y4, Y0, Y0;           \
	VADDPD        Y5, Y1, Y1;           \
	VEXTRACTF128  $1, Y0, X4;           \
	VEXTRACTF128  $1, Y1, X5;           \
	VADDPD        X4, X0, X0;           \
	VADDPD        X5, X1, X1;           \
	VPERMILPD     $1, X0, X4;           \
	VPERMILPD     $1, X1, X5;           \
	VADDSD        X4, X0, X0;           \
	VADDSD        X5, X1, X1;           \
	VADDSD        X3, X0, X0;           \
	VADDSD        X3, X1, X1;           \
	VSUBSD        (R9), X0, X0;         \
	VSUBSD        (R9)(AX*1), X1, X1;   \
	LEAQ          (R9)(AX*2), R9;       \
	VMULSD        (R10), X0, X4;        \
	VMULSD        (R10)(R12*1), X1, X5; \
	LEAQ          (R10)(R12*2), R10;    \
	VMULSD        X0, X4, X0;           \
	VMULSD        X1, X5, X1;           \
	VUNPCKLPD     X4, X0, X0;           \
	VUNPCKLPD     X5, X1, X1;           \
	VADDPD        X0, X2, X2;           \
	VADDPD        X1, X2, X2;           \
	VBROADCASTSD  X4, Z4;               \
	VBROADCASTSD  X5, Z5

// One row's reduction for rowsReg2AVX512 (SMID with its registers).
#define SMID2 \
	VEXTRACTF64X4 $1, Z0, Y4; \
	VADDPD        Y4, Y0, Y0; \
	VEXTRACTF128  $1, Y0, X4; \
	VADDPD        X4, X0, X0; \
	VPERMILPD     $1, X0, X4; \
	VADDSD        X4, X0, X0; \
	VADDSD        X3, X0, X0; \
	VSUBSD        (R9), X0, X0; \
	ADDQ          AX, R9;       \
	VMULSD        (R10), X0, X4; \
	ADDQ          R12, R10;      \
	VMULSD        X0, X4, X0;    \
	VUNPCKLPD     X4, X0, X0;    \
	VADDPD        X0, X2, X2;    \
	VBROADCASTSD  X4, Z4

// The unrolled parts of rowsReg2AVX512 for F full chunks, each built on
// the one for F − 1: load w' (LW) and the gradient sums (LG), the pair's dot
// products (PD) and gradient updates (PG), a single row's (SD, SG), and the
// store of the sums (ST). Chunk k is w' in Z(19+k) and the sums in Z(6+k),
// at byte offset 64k.
#define LW1 VMOVUPD 0(BX), Z19
#define LW2 LW1; VMOVUPD 64(BX), Z20
#define LW3 LW2; VMOVUPD 128(BX), Z21
#define LW4 LW3; VMOVUPD 192(BX), Z22
#define LW5 LW4; VMOVUPD 256(BX), Z23
#define LW6 LW5; VMOVUPD 320(BX), Z24
#define LW7 LW6; VMOVUPD 384(BX), Z25
#define LW8 LW7; VMOVUPD 448(BX), Z26
#define LW9 LW8; VMOVUPD 512(BX), Z27
#define LW10 LW9; VMOVUPD 576(BX), Z28
#define LW11 LW10; VMOVUPD 640(BX), Z29
#define LW12 LW11; VMOVUPD 704(BX), Z30
#define LG1 VMOVUPD 0(R11), Z6
#define LG2 LG1; VMOVUPD 64(R11), Z7
#define LG3 LG2; VMOVUPD 128(R11), Z8
#define LG4 LG3; VMOVUPD 192(R11), Z9
#define LG5 LG4; VMOVUPD 256(R11), Z10
#define LG6 LG5; VMOVUPD 320(R11), Z11
#define LG7 LG6; VMOVUPD 384(R11), Z12
#define LG8 LG7; VMOVUPD 448(R11), Z13
#define LG9 LG8; VMOVUPD 512(R11), Z14
#define LG10 LG9; VMOVUPD 576(R11), Z15
#define LG11 LG10; VMOVUPD 640(R11), Z16
#define LG12 LG11; VMOVUPD 704(R11), Z17
#define PD1 PDOT(0, Z19)
#define PD2 PD1; PDOT(64, Z20)
#define PD3 PD2; PDOT(128, Z21)
#define PD4 PD3; PDOT(192, Z22)
#define PD5 PD4; PDOT(256, Z23)
#define PD6 PD5; PDOT(320, Z24)
#define PD7 PD6; PDOT(384, Z25)
#define PD8 PD7; PDOT(448, Z26)
#define PD9 PD8; PDOT(512, Z27)
#define PD10 PD9; PDOT(576, Z28)
#define PD11 PD10; PDOT(640, Z29)
#define PD12 PD11; PDOT(704, Z30)
#define PG1 PGRAD(0, Z6)
#define PG2 PG1; PGRAD(64, Z7)
#define PG3 PG2; PGRAD(128, Z8)
#define PG4 PG3; PGRAD(192, Z9)
#define PG5 PG4; PGRAD(256, Z10)
#define PG6 PG5; PGRAD(320, Z11)
#define PG7 PG6; PGRAD(384, Z12)
#define PG8 PG7; PGRAD(448, Z13)
#define PG9 PG8; PGRAD(512, Z14)
#define PG10 PG9; PGRAD(576, Z15)
#define PG11 PG10; PGRAD(640, Z16)
#define PG12 PG11; PGRAD(704, Z17)
#define SD1 SDOT(0, Z19)
#define SD2 SD1; SDOT(64, Z20)
#define SD3 SD2; SDOT(128, Z21)
#define SD4 SD3; SDOT(192, Z22)
#define SD5 SD4; SDOT(256, Z23)
#define SD6 SD5; SDOT(320, Z24)
#define SD7 SD6; SDOT(384, Z25)
#define SD8 SD7; SDOT(448, Z26)
#define SD9 SD8; SDOT(512, Z27)
#define SD10 SD9; SDOT(576, Z28)
#define SD11 SD10; SDOT(640, Z29)
#define SD12 SD11; SDOT(704, Z30)
#define SG1 SGRAD(0, Z6)
#define SG2 SG1; SGRAD(64, Z7)
#define SG3 SG2; SGRAD(128, Z8)
#define SG4 SG3; SGRAD(192, Z9)
#define SG5 SG4; SGRAD(256, Z10)
#define SG6 SG5; SGRAD(320, Z11)
#define SG7 SG6; SGRAD(384, Z12)
#define SG8 SG7; SGRAD(448, Z13)
#define SG9 SG8; SGRAD(512, Z14)
#define SG10 SG9; SGRAD(576, Z15)
#define SG11 SG10; SGRAD(640, Z16)
#define SG12 SG11; SGRAD(704, Z17)
#define ST1 VMOVUPD Z6, 0(R11)
#define ST2 ST1; VMOVUPD Z7, 64(R11)
#define ST3 ST2; VMOVUPD Z8, 128(R11)
#define ST4 ST3; VMOVUPD Z9, 192(R11)
#define ST5 ST4; VMOVUPD Z10, 256(R11)
#define ST6 ST5; VMOVUPD Z11, 320(R11)
#define ST7 ST6; VMOVUPD Z12, 384(R11)
#define ST8 ST7; VMOVUPD Z13, 448(R11)
#define ST9 ST8; VMOVUPD Z14, 512(R11)
#define ST10 ST9; VMOVUPD Z15, 576(R11)
#define ST11 ST10; VMOVUPD Z16, 640(R11)
#define ST12 ST11; VMOVUPD Z17, 704(R11)

// func rowsReg2AVX512(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64) (sr, sl float64)
//
// rowsRegAVX512 for 32 < d ≤ 104: the gradient sums and w' in registers
// (at most thirteen chunks of eight each), rows two at a time instead of
// four, which is what the registers left allow: the same operations in the
// same order, so the same bits. Each F = ⌊(d−1)/8⌋ from 4 to 12 has its
// own loop.
//
// Registers: SI row i, R11 row i+1, R8 stride in bytes, CX rows left, R9
// y, AX its step, R10 wt, R12 its step, X3 bp, X2 (Σwr·r, Σwr), Z0/Z1 the
// pair's dot products, Z4/Z5 scratch and then their weighted residuals,
// Z6..Z18 the gradient chunks, Z19..Z31 the chunks of w'.
TEXT ·rowsReg2AVX512(SB), NOSPLIT, $0-160
	MOVQ  x_base+24(FP), SI
	MOVQ  stride+48(FP), R8
	SHLQ  $3, R8
	MOVSD bp+88(FP), X3
	MOVQ  y_base+96(FP), R9
	MOVQ  $8, AX
	TESTQ R9, R9
	JNE   yset2
	LEAQ  regzero<>(SB), R9
	XORQ  AX, AX

yset2:
	MOVQ  wt_base+120(FP), R10
	MOVQ  $8, R12
	TESTQ R10, R10
	JNE   wset2
	LEAQ  regone<>(SB), R10
	XORQ  R12, R12

wset2:
	// K1: the last chunk's t = ((d−1) mod 8) + 1 elements; R13 = F.
	MOVQ   wp_len+72(FP), R13
	DECQ   R13
	MOVQ   R13, CX
	ANDQ   $7, CX
	INCQ   CX
	MOVQ   $1, BX
	SHLQ   CX, BX
	DECQ   BX
	KMOVW  BX, K1
	SHRQ   $3, R13
	MOVQ   wp_base+64(FP), BX
	MOVQ   g_base+0(FP), R11
	MOVQ   rows+56(FP), CX
	VXORPD X2, X2, X2
	CMPQ   R13, $4
	JEQ    g4
	CMPQ   R13, $5
	JEQ    g5
	CMPQ   R13, $6
	JEQ    g6
	CMPQ   R13, $7
	JEQ    g7
	CMPQ   R13, $8
	JEQ    g8
	CMPQ   R13, $9
	JEQ    g9
	CMPQ   R13, $10
	JEQ    g10
	CMPQ   R13, $11
	JEQ    g11
	JMP    g12

// F = 4: 32 < d ≤ 40.
// F = 4: 32 < d ≤ 40.
g4:
	LW4
	VMOVUPD.Z 256(BX), K1, Z23
	LG4
	VMOVUPD.Z 256(R11), K1, Z10

p4:
	CMPQ   CX, $2
	JLT    t4
	LEAQ   (SI)(R8*1), R11
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	PD4
	PDOTM(256, Z23)
	PMID
	PG4
	PGRADM(256, Z10)
	LEAQ   (R11)(R8*1), SI
	SUBQ   $2, CX
	JMP    p4

t4:
	TESTQ  CX, CX
	JEQ    h4
	VXORPD Z0, Z0, Z0
	SD4
	SDOTM(256, Z23)
	SMID2
	SG4
	SGRADM(256, Z10)

h4:
	MOVQ    g_base+0(FP), R11
	ST4
	VMOVUPD Z10, K1, 256(R11)
	JMP     done2

// F = 5: 40 < d ≤ 48.
g5:
	LW5
	VMOVUPD.Z 320(BX), K1, Z24
	LG5
	VMOVUPD.Z 320(R11), K1, Z11

p5:
	CMPQ   CX, $2
	JLT    t5
	LEAQ   (SI)(R8*1), R11
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	PD5
	PDOTM(320, Z24)
	PMID
	PG5
	PGRADM(320, Z11)
	LEAQ   (R11)(R8*1), SI
	SUBQ   $2, CX
	JMP    p5

t5:
	TESTQ  CX, CX
	JEQ    h5
	VXORPD Z0, Z0, Z0
	SD5
	SDOTM(320, Z24)
	SMID2
	SG5
	SGRADM(320, Z11)

h5:
	MOVQ    g_base+0(FP), R11
	ST5
	VMOVUPD Z11, K1, 320(R11)
	JMP     done2

// F = 6: 48 < d ≤ 56.
g6:
	LW6
	VMOVUPD.Z 384(BX), K1, Z25
	LG6
	VMOVUPD.Z 384(R11), K1, Z12

p6:
	CMPQ   CX, $2
	JLT    t6
	LEAQ   (SI)(R8*1), R11
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	PD6
	PDOTM(384, Z25)
	PMID
	PG6
	PGRADM(384, Z12)
	LEAQ   (R11)(R8*1), SI
	SUBQ   $2, CX
	JMP    p6

t6:
	TESTQ  CX, CX
	JEQ    h6
	VXORPD Z0, Z0, Z0
	SD6
	SDOTM(384, Z25)
	SMID2
	SG6
	SGRADM(384, Z12)

h6:
	MOVQ    g_base+0(FP), R11
	ST6
	VMOVUPD Z12, K1, 384(R11)
	JMP     done2

// F = 7: 56 < d ≤ 64.
g7:
	LW7
	VMOVUPD.Z 448(BX), K1, Z26
	LG7
	VMOVUPD.Z 448(R11), K1, Z13

p7:
	CMPQ   CX, $2
	JLT    t7
	LEAQ   (SI)(R8*1), R11
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	PD7
	PDOTM(448, Z26)
	PMID
	PG7
	PGRADM(448, Z13)
	LEAQ   (R11)(R8*1), SI
	SUBQ   $2, CX
	JMP    p7

t7:
	TESTQ  CX, CX
	JEQ    h7
	VXORPD Z0, Z0, Z0
	SD7
	SDOTM(448, Z26)
	SMID2
	SG7
	SGRADM(448, Z13)

h7:
	MOVQ    g_base+0(FP), R11
	ST7
	VMOVUPD Z13, K1, 448(R11)
	JMP     done2

// F = 8: 64 < d ≤ 72.
g8:
	LW8
	VMOVUPD.Z 512(BX), K1, Z27
	LG8
	VMOVUPD.Z 512(R11), K1, Z14

p8:
	CMPQ   CX, $2
	JLT    t8
	LEAQ   (SI)(R8*1), R11
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	PD8
	PDOTM(512, Z27)
	PMID
	PG8
	PGRADM(512, Z14)
	LEAQ   (R11)(R8*1), SI
	SUBQ   $2, CX
	JMP    p8

t8:
	TESTQ  CX, CX
	JEQ    h8
	VXORPD Z0, Z0, Z0
	SD8
	SDOTM(512, Z27)
	SMID2
	SG8
	SGRADM(512, Z14)

h8:
	MOVQ    g_base+0(FP), R11
	ST8
	VMOVUPD Z14, K1, 512(R11)
	JMP     done2

// F = 9: 72 < d ≤ 80.
g9:
	LW9
	VMOVUPD.Z 576(BX), K1, Z28
	LG9
	VMOVUPD.Z 576(R11), K1, Z15

p9:
	CMPQ   CX, $2
	JLT    t9
	LEAQ   (SI)(R8*1), R11
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	PD9
	PDOTM(576, Z28)
	PMID
	PG9
	PGRADM(576, Z15)
	LEAQ   (R11)(R8*1), SI
	SUBQ   $2, CX
	JMP    p9

t9:
	TESTQ  CX, CX
	JEQ    h9
	VXORPD Z0, Z0, Z0
	SD9
	SDOTM(576, Z28)
	SMID2
	SG9
	SGRADM(576, Z15)

h9:
	MOVQ    g_base+0(FP), R11
	ST9
	VMOVUPD Z15, K1, 576(R11)
	JMP     done2

// F = 10: 80 < d ≤ 88.
g10:
	LW10
	VMOVUPD.Z 640(BX), K1, Z29
	LG10
	VMOVUPD.Z 640(R11), K1, Z16

p10:
	CMPQ   CX, $2
	JLT    t10
	LEAQ   (SI)(R8*1), R11
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	PD10
	PDOTM(640, Z29)
	PMID
	PG10
	PGRADM(640, Z16)
	LEAQ   (R11)(R8*1), SI
	SUBQ   $2, CX
	JMP    p10

t10:
	TESTQ  CX, CX
	JEQ    h10
	VXORPD Z0, Z0, Z0
	SD10
	SDOTM(640, Z29)
	SMID2
	SG10
	SGRADM(640, Z16)

h10:
	MOVQ    g_base+0(FP), R11
	ST10
	VMOVUPD Z16, K1, 640(R11)
	JMP     done2

// F = 11: 88 < d ≤ 96.
g11:
	LW11
	VMOVUPD.Z 704(BX), K1, Z30
	LG11
	VMOVUPD.Z 704(R11), K1, Z17

p11:
	CMPQ   CX, $2
	JLT    t11
	LEAQ   (SI)(R8*1), R11
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	PD11
	PDOTM(704, Z30)
	PMID
	PG11
	PGRADM(704, Z17)
	LEAQ   (R11)(R8*1), SI
	SUBQ   $2, CX
	JMP    p11

t11:
	TESTQ  CX, CX
	JEQ    h11
	VXORPD Z0, Z0, Z0
	SD11
	SDOTM(704, Z30)
	SMID2
	SG11
	SGRADM(704, Z17)

h11:
	MOVQ    g_base+0(FP), R11
	ST11
	VMOVUPD Z17, K1, 704(R11)
	JMP     done2

// F = 12: 96 < d ≤ 104.
g12:
	LW12
	VMOVUPD.Z 768(BX), K1, Z31
	LG12
	VMOVUPD.Z 768(R11), K1, Z18

p12:
	CMPQ   CX, $2
	JLT    t12
	LEAQ   (SI)(R8*1), R11
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	PD12
	PDOTM(768, Z31)
	PMID
	PG12
	PGRADM(768, Z18)
	LEAQ   (R11)(R8*1), SI
	SUBQ   $2, CX
	JMP    p12

t12:
	TESTQ  CX, CX
	JEQ    h12
	VXORPD Z0, Z0, Z0
	SD12
	SDOTM(768, Z31)
	SMID2
	SG12
	SGRADM(768, Z18)

h12:
	MOVQ    g_base+0(FP), R11
	ST12
	VMOVUPD Z18, K1, 768(R11)
	JMP     done2

done2:
	MOVSD      X2, sl+152(FP)
	VPERMILPD  $1, X2, X2
	MOVSD      X2, sr+144(FP)
	VZEROUPPER
	RET
