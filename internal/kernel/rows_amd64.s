#include "textflag.h"

// The arithmetic of every kernel here is that of rows.go: dot products in
// eight lanes (lane j mod 8) with fused multiply-adds, the lanes added as
// ((a0+a4)+(a2+a6))+((a1+a5)+(a3+a7)), gradient updates g_j = fma(wr, x_j, g_j).
// The last len mod 8 elements go through a mask, so no element outside the
// slices is touched.

// masktab[i] is all ones for i < 8 and zero for i ≥ 8: the AVX2 tail masks
// for t = len mod 8 elements are masktab[8-t:12-t] (lanes 0-3) and
// masktab[12-t:16-t] (lanes 4-7).
DATA masktab<>+0(SB)/8, $-1
DATA masktab<>+8(SB)/8, $-1
DATA masktab<>+16(SB)/8, $-1
DATA masktab<>+24(SB)/8, $-1
DATA masktab<>+32(SB)/8, $-1
DATA masktab<>+40(SB)/8, $-1
DATA masktab<>+48(SB)/8, $-1
DATA masktab<>+56(SB)/8, $-1
DATA masktab<>+64(SB)/8, $0
DATA masktab<>+72(SB)/8, $0
DATA masktab<>+80(SB)/8, $0
DATA masktab<>+88(SB)/8, $0
DATA masktab<>+96(SB)/8, $0
DATA masktab<>+104(SB)/8, $0
DATA masktab<>+112(SB)/8, $0
DATA masktab<>+120(SB)/8, $0
GLOBL masktab<>(SB), RODATA|NOPTR, $128

// PREFETCHL2 asks for the 256 bytes at 4·AX + 8 KB past row i (SI) in L2
// cache. At the eight-element step AX of a quad's dot products this keeps
// contiguous rows streaming 8 KB ahead of the reads: 256 bytes per step, the
// 4·64 that the quad reads. Without it a full AVX-512 pass at n = 10⁶, d = 100 read
// at about 55% of the STREAM rate, and a loss-only pass (no gradient sums)
// was barely faster, so the bound was the reads; prefetching into L1
// (PREFETCHT0) at this distance gave about 75%, into L2 about 90%. A
// prefetch past the end of x does not fault.
#define PREFETCHL2 \
	PREFETCHT1 8192(SI)(AX*4);     \
	PREFETCHT1 8192+64(SI)(AX*4);  \
	PREFETCHT1 8192+128(SI)(AX*4); \
	PREFETCHT1 8192+192(SI)(AX*4)

// func rowsAVX512(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64, grad int) (sr, sl float64)
//
// For i < rows, with row_i at x[i*stride:] and d = len(wp):
// r = (row_i·wp + bp) − y[i] (y[i] = 0 when y is nil), wr = r·wt[i] (wt[i] = 1
// when wt is nil), sl += wr·r, sr += wr, and when grad ≠ 0 g += wr·row_i.
// Rows go four at a time (four independent dot products, then one sweep over
// g adding the four rows in order), the last rows mod 4 one at a time; the
// dot products of a quad prefetch the rows 8 KB ahead (PREFETCHL2).
//
// Registers: DI g, DX wp, SI row i, R11/BX/R13 rows i+1..i+3, R8 stride in
// bytes, CX rows left, R9 y, R10 wt, R12 = 64·⌊d/8⌋, AX byte offset in the
// row, K1 the mask of the last d mod 8 elements, X10 bp, X11 sr, X12 sl.
TEXT ·rowsAVX512(SB), NOSPLIT, $0-168
	MOVQ   g_base+0(FP), DI
	MOVQ   x_base+24(FP), SI
	MOVQ   stride+48(FP), R8
	SHLQ   $3, R8
	MOVQ   wp_base+64(FP), DX
	MOVQ   wp_len+72(FP), R12
	MOVSD  bp+88(FP), X10
	MOVQ   y_base+96(FP), R9
	MOVQ   wt_base+120(FP), R10
	MOVQ   R12, CX
	ANDQ   $7, CX
	MOVQ   $1, BX
	SHLQ   CX, BX
	DECQ   BX
	KMOVW  BX, K1
	ANDQ   $-8, R12
	SHLQ   $3, R12
	MOVQ   rows+56(FP), CX
	VXORPD X11, X11, X11
	VXORPD X12, X12, X12

quad:
	CMPQ       CX, $4
	JLT        single
	LEAQ       (SI)(R8*1), R11
	LEAQ       (SI)(R8*2), BX
	LEAQ       (R11)(R8*2), R13
	VXORPD     Z0, Z0, Z0
	VXORPD     Z1, Z1, Z1
	VXORPD     Z2, Z2, Z2
	VXORPD     Z3, Z3, Z3
	XORQ       AX, AX
	TESTQ      R12, R12
	JEQ        qdtail

qdloop:
	PREFETCHL2
	VMOVUPD     (DX)(AX*1), Z8
	VFMADD231PD (SI)(AX*1), Z8, Z0
	VFMADD231PD (R11)(AX*1), Z8, Z1
	VFMADD231PD (BX)(AX*1), Z8, Z2
	VFMADD231PD (R13)(AX*1), Z8, Z3
	ADDQ        $64, AX
	CMPQ        AX, R12
	JNE         qdloop

qdtail:
	KORTESTW    K1, K1
	JEQ         qdred
	PREFETCHL2
	VMOVUPD.Z   (DX)(AX*1), K1, Z8
	VFMADD231PD (SI)(AX*1), Z8, K1, Z0
	VFMADD231PD (R11)(AX*1), Z8, K1, Z1
	VFMADD231PD (BX)(AX*1), Z8, K1, Z2
	VFMADD231PD (R13)(AX*1), Z8, K1, Z3

qdred:
	VEXTRACTF64X4 $1, Z0, Y4
	VEXTRACTF64X4 $1, Z1, Y5
	VEXTRACTF64X4 $1, Z2, Y6
	VEXTRACTF64X4 $1, Z3, Y7
	VADDPD        Y4, Y0, Y0
	VADDPD        Y5, Y1, Y1
	VADDPD        Y6, Y2, Y2
	VADDPD        Y7, Y3, Y3
	VEXTRACTF128  $1, Y0, X4
	VEXTRACTF128  $1, Y1, X5
	VEXTRACTF128  $1, Y2, X6
	VEXTRACTF128  $1, Y3, X7
	VADDPD        X4, X0, X0
	VADDPD        X5, X1, X1
	VADDPD        X6, X2, X2
	VADDPD        X7, X3, X3
	VPERMILPD     $1, X0, X4
	VPERMILPD     $1, X1, X5
	VPERMILPD     $1, X2, X6
	VPERMILPD     $1, X3, X7
	VADDSD        X4, X0, X0
	VADDSD        X5, X1, X1
	VADDSD        X6, X2, X2
	VADDSD        X7, X3, X3

	// r in X0..X3, wr in X4..X7
	VADDSD X10, X0, X0
	VADDSD X10, X1, X1
	VADDSD X10, X2, X2
	VADDSD X10, X3, X3
	TESTQ  R9, R9
	JEQ    qnoy
	VSUBSD (R9), X0, X0
	VSUBSD 8(R9), X1, X1
	VSUBSD 16(R9), X2, X2
	VSUBSD 24(R9), X3, X3
	ADDQ   $32, R9

qnoy:
	TESTQ  R10, R10
	JEQ    qnow
	VMULSD (R10), X0, X4
	VMULSD 8(R10), X1, X5
	VMULSD 16(R10), X2, X6
	VMULSD 24(R10), X3, X7
	ADDQ   $32, R10
	JMP    qsums

qnow:
	VMOVAPD X0, X4
	VMOVAPD X1, X5
	VMOVAPD X2, X6
	VMOVAPD X3, X7

qsums:
	VMULSD X0, X4, X0
	VMULSD X1, X5, X1
	VMULSD X2, X6, X2
	VMULSD X3, X7, X3
	VADDSD X0, X12, X12
	VADDSD X4, X11, X11
	VADDSD X1, X12, X12
	VADDSD X5, X11, X11
	VADDSD X2, X12, X12
	VADDSD X6, X11, X11
	VADDSD X3, X12, X12
	VADDSD X7, X11, X11
	CMPQ   grad+144(FP), $0
	JEQ    qnext

	// g = fma(wr_{i+3}, row_{i+3}, … fma(wr_i, row_i, g))
	VBROADCASTSD X4, Z4
	VBROADCASTSD X5, Z5
	VBROADCASTSD X6, Z6
	VBROADCASTSD X7, Z7
	XORQ         AX, AX
	TESTQ        R12, R12
	JEQ          qatail

qaloop:
	VMOVUPD     (DI)(AX*1), Z9
	VFMADD231PD (SI)(AX*1), Z4, Z9
	VFMADD231PD (R11)(AX*1), Z5, Z9
	VFMADD231PD (BX)(AX*1), Z6, Z9
	VFMADD231PD (R13)(AX*1), Z7, Z9
	VMOVUPD     Z9, (DI)(AX*1)
	ADDQ        $64, AX
	CMPQ        AX, R12
	JNE         qaloop

qatail:
	KORTESTW    K1, K1
	JEQ         qnext
	VMOVUPD.Z   (DI)(AX*1), K1, Z9
	VFMADD231PD (SI)(AX*1), Z4, K1, Z9
	VFMADD231PD (R11)(AX*1), Z5, K1, Z9
	VFMADD231PD (BX)(AX*1), Z6, K1, Z9
	VFMADD231PD (R13)(AX*1), Z7, K1, Z9
	VMOVUPD     Z9, K1, (DI)(AX*1)

qnext:
	LEAQ (R13)(R8*1), SI
	SUBQ $4, CX
	JMP  quad

single:
	TESTQ CX, CX
	JEQ   done

row:
	VXORPD Z0, Z0, Z0
	XORQ   AX, AX
	TESTQ  R12, R12
	JEQ    dtail

dloop:
	VMOVUPD     (SI)(AX*1), Z1
	VFMADD231PD (DX)(AX*1), Z1, Z0
	ADDQ        $64, AX
	CMPQ        AX, R12
	JNE         dloop

dtail:
	KORTESTW    K1, K1
	JEQ         dred
	VMOVUPD.Z   (SI)(AX*1), K1, Z1
	VFMADD231PD (DX)(AX*1), Z1, K1, Z0

dred:
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPD        X1, X0, X0
	VPERMILPD     $1, X0, X1
	VADDSD        X1, X0, X0

	VADDSD X10, X0, X0
	TESTQ  R9, R9
	JEQ    noy
	VSUBSD (R9), X0, X0
	ADDQ   $8, R9

noy:
	VMOVAPD X0, X2
	TESTQ   R10, R10
	JEQ     now
	VMULSD  (R10), X0, X2
	ADDQ    $8, R10

now:
	VMULSD X0, X2, X3
	VADDSD X3, X12, X12
	VADDSD X2, X11, X11
	CMPQ   grad+144(FP), $0
	JEQ    next

	VBROADCASTSD X2, Z4
	XORQ         AX, AX
	TESTQ        R12, R12
	JEQ          atail

aloop:
	VMOVUPD     (DI)(AX*1), Z5
	VFMADD231PD (SI)(AX*1), Z4, Z5
	VMOVUPD     Z5, (DI)(AX*1)
	ADDQ        $64, AX
	CMPQ        AX, R12
	JNE         aloop

atail:
	KORTESTW    K1, K1
	JEQ         next
	VMOVUPD.Z   (DI)(AX*1), K1, Z5
	VFMADD231PD (SI)(AX*1), Z4, K1, Z5
	VMOVUPD     Z5, K1, (DI)(AX*1)

next:
	ADDQ R8, SI
	DECQ CX
	JNE  row

done:
	MOVSD      X11, sr+152(FP)
	MOVSD      X12, sl+160(FP)
	VZEROUPPER
	RET

// func rowsAVX2(g, x []float64, stride, rows int, wp []float64, bp float64, y, wt []float64, grad int) (sr, sl float64)
//
// rowsAVX512 with the eight lanes of a row in two YMM registers (lanes 0-3
// and 4-7: Y0/Y1 for row i, Y2/Y3 for i+1, …) and the last d mod 8 elements
// through VMASKMOVPD and a blend, so that masked lanes keep their bits. The
// dot products of a quad prefetch as in rowsAVX512 (at n = 10⁶, d = 100 the
// pass went from about 45% to about 75% of the STREAM read rate).
//
// Registers as in rowsAVX512, with Y10/Y11 the tail masks of lanes 0-3 and
// 4-7, X13 sr, X14 sl; bp is read from the frame.
TEXT ·rowsAVX2(SB), NOSPLIT, $0-168
	MOVQ    g_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    stride+48(FP), R8
	SHLQ    $3, R8
	MOVQ    wp_base+64(FP), DX
	MOVQ    wp_len+72(FP), R12
	MOVQ    y_base+96(FP), R9
	MOVQ    wt_base+120(FP), R10
	MOVQ    R12, CX
	ANDQ    $7, CX
	LEAQ    masktab<>(SB), BX
	MOVQ    $8, AX
	SUBQ    CX, AX
	VMOVUPD (BX)(AX*8), Y10
	VMOVUPD 32(BX)(AX*8), Y11
	ANDQ    $-8, R12
	SHLQ    $3, R12
	MOVQ    rows+56(FP), CX
	VXORPD  X13, X13, X13
	VXORPD  X14, X14, X14

quad:
	CMPQ       CX, $4
	JLT        single
	LEAQ       (SI)(R8*1), R11
	LEAQ       (SI)(R8*2), BX
	LEAQ       (R11)(R8*2), R13
	VXORPD     Y0, Y0, Y0
	VXORPD     Y1, Y1, Y1
	VXORPD     Y2, Y2, Y2
	VXORPD     Y3, Y3, Y3
	VXORPD     Y4, Y4, Y4
	VXORPD     Y5, Y5, Y5
	VXORPD     Y6, Y6, Y6
	VXORPD     Y7, Y7, Y7
	XORQ       AX, AX
	TESTQ      R12, R12
	JEQ        qdtail

qdloop:
	PREFETCHL2
	VMOVUPD     (DX)(AX*1), Y8
	VFMADD231PD (SI)(AX*1), Y8, Y0
	VFMADD231PD (R11)(AX*1), Y8, Y2
	VFMADD231PD (BX)(AX*1), Y8, Y4
	VFMADD231PD (R13)(AX*1), Y8, Y6
	VMOVUPD     32(DX)(AX*1), Y8
	VFMADD231PD 32(SI)(AX*1), Y8, Y1
	VFMADD231PD 32(R11)(AX*1), Y8, Y3
	VFMADD231PD 32(BX)(AX*1), Y8, Y5
	VFMADD231PD 32(R13)(AX*1), Y8, Y7
	ADDQ        $64, AX
	CMPQ        AX, R12
	JNE         qdloop

qdtail:
	VPTEST      Y10, Y10
	JEQ         qdred
	PREFETCHL2
	VMASKMOVPD  (DX)(AX*1), Y10, Y8
	VMASKMOVPD  (SI)(AX*1), Y10, Y12
	VMOVAPD     Y0, Y9
	VFMADD231PD Y12, Y8, Y9
	VBLENDVPD   Y10, Y9, Y0, Y0
	VMASKMOVPD  (R11)(AX*1), Y10, Y12
	VMOVAPD     Y2, Y9
	VFMADD231PD Y12, Y8, Y9
	VBLENDVPD   Y10, Y9, Y2, Y2
	VMASKMOVPD  (BX)(AX*1), Y10, Y12
	VMOVAPD     Y4, Y9
	VFMADD231PD Y12, Y8, Y9
	VBLENDVPD   Y10, Y9, Y4, Y4
	VMASKMOVPD  (R13)(AX*1), Y10, Y12
	VMOVAPD     Y6, Y9
	VFMADD231PD Y12, Y8, Y9
	VBLENDVPD   Y10, Y9, Y6, Y6
	VMASKMOVPD  32(DX)(AX*1), Y11, Y8
	VMASKMOVPD  32(SI)(AX*1), Y11, Y12
	VMOVAPD     Y1, Y9
	VFMADD231PD Y12, Y8, Y9
	VBLENDVPD   Y11, Y9, Y1, Y1
	VMASKMOVPD  32(R11)(AX*1), Y11, Y12
	VMOVAPD     Y3, Y9
	VFMADD231PD Y12, Y8, Y9
	VBLENDVPD   Y11, Y9, Y3, Y3
	VMASKMOVPD  32(BX)(AX*1), Y11, Y12
	VMOVAPD     Y5, Y9
	VFMADD231PD Y12, Y8, Y9
	VBLENDVPD   Y11, Y9, Y5, Y5
	VMASKMOVPD  32(R13)(AX*1), Y11, Y12
	VMOVAPD     Y7, Y9
	VFMADD231PD Y12, Y8, Y9
	VBLENDVPD   Y11, Y9, Y7, Y7

qdred:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y5, Y4, Y4
	VADDPD       Y7, Y6, Y6
	VEXTRACTF128 $1, Y0, X1
	VEXTRACTF128 $1, Y2, X3
	VEXTRACTF128 $1, Y4, X5
	VEXTRACTF128 $1, Y6, X7
	VADDPD       X1, X0, X0
	VADDPD       X3, X2, X2
	VADDPD       X5, X4, X4
	VADDPD       X7, X6, X6
	VPERMILPD    $1, X0, X1
	VPERMILPD    $1, X2, X3
	VPERMILPD    $1, X4, X5
	VPERMILPD    $1, X6, X7
	VADDSD       X1, X0, X0
	VADDSD       X3, X2, X2
	VADDSD       X5, X4, X4
	VADDSD       X7, X6, X6

	// r in X0, X2, X4, X6; wr in X1, X3, X5, X7
	VADDSD bp+88(FP), X0, X0
	VADDSD bp+88(FP), X2, X2
	VADDSD bp+88(FP), X4, X4
	VADDSD bp+88(FP), X6, X6
	TESTQ  R9, R9
	JEQ    qnoy
	VSUBSD (R9), X0, X0
	VSUBSD 8(R9), X2, X2
	VSUBSD 16(R9), X4, X4
	VSUBSD 24(R9), X6, X6
	ADDQ   $32, R9

qnoy:
	TESTQ  R10, R10
	JEQ    qnow
	VMULSD (R10), X0, X1
	VMULSD 8(R10), X2, X3
	VMULSD 16(R10), X4, X5
	VMULSD 24(R10), X6, X7
	ADDQ   $32, R10
	JMP    qsums

qnow:
	VMOVAPD X0, X1
	VMOVAPD X2, X3
	VMOVAPD X4, X5
	VMOVAPD X6, X7

qsums:
	VMULSD X0, X1, X0
	VMULSD X2, X3, X2
	VMULSD X4, X5, X4
	VMULSD X6, X7, X6
	VADDSD X0, X14, X14
	VADDSD X1, X13, X13
	VADDSD X2, X14, X14
	VADDSD X3, X13, X13
	VADDSD X4, X14, X14
	VADDSD X5, X13, X13
	VADDSD X6, X14, X14
	VADDSD X7, X13, X13
	CMPQ   grad+144(FP), $0
	JEQ    qnext

	VBROADCASTSD X1, Y1
	VBROADCASTSD X3, Y3
	VBROADCASTSD X5, Y5
	VBROADCASTSD X7, Y7
	XORQ         AX, AX
	TESTQ        R12, R12
	JEQ          qatail

qaloop:
	VMOVUPD     (DI)(AX*1), Y8
	VMOVUPD     32(DI)(AX*1), Y9
	VFMADD231PD (SI)(AX*1), Y1, Y8
	VFMADD231PD 32(SI)(AX*1), Y1, Y9
	VFMADD231PD (R11)(AX*1), Y3, Y8
	VFMADD231PD 32(R11)(AX*1), Y3, Y9
	VFMADD231PD (BX)(AX*1), Y5, Y8
	VFMADD231PD 32(BX)(AX*1), Y5, Y9
	VFMADD231PD (R13)(AX*1), Y7, Y8
	VFMADD231PD 32(R13)(AX*1), Y7, Y9
	VMOVUPD     Y8, (DI)(AX*1)
	VMOVUPD     Y9, 32(DI)(AX*1)
	ADDQ        $64, AX
	CMPQ        AX, R12
	JNE         qaloop

qatail:
	VPTEST      Y10, Y10
	JEQ         qnext
	VMASKMOVPD  (DI)(AX*1), Y10, Y8
	VMASKMOVPD  (SI)(AX*1), Y10, Y12
	VFMADD231PD Y12, Y1, Y8
	VMASKMOVPD  (R11)(AX*1), Y10, Y12
	VFMADD231PD Y12, Y3, Y8
	VMASKMOVPD  (BX)(AX*1), Y10, Y12
	VFMADD231PD Y12, Y5, Y8
	VMASKMOVPD  (R13)(AX*1), Y10, Y12
	VFMADD231PD Y12, Y7, Y8
	VMASKMOVPD  Y8, Y10, (DI)(AX*1)
	VMASKMOVPD  32(DI)(AX*1), Y11, Y8
	VMASKMOVPD  32(SI)(AX*1), Y11, Y12
	VFMADD231PD Y12, Y1, Y8
	VMASKMOVPD  32(R11)(AX*1), Y11, Y12
	VFMADD231PD Y12, Y3, Y8
	VMASKMOVPD  32(BX)(AX*1), Y11, Y12
	VFMADD231PD Y12, Y5, Y8
	VMASKMOVPD  32(R13)(AX*1), Y11, Y12
	VFMADD231PD Y12, Y7, Y8
	VMASKMOVPD  Y8, Y11, 32(DI)(AX*1)

qnext:
	LEAQ (R13)(R8*1), SI
	SUBQ $4, CX
	JMP  quad

single:
	TESTQ CX, CX
	JEQ   done

row:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	XORQ   AX, AX
	TESTQ  R12, R12
	JEQ    dtail

dloop:
	VMOVUPD     (SI)(AX*1), Y2
	VMOVUPD     32(SI)(AX*1), Y3
	VFMADD231PD (DX)(AX*1), Y2, Y0
	VFMADD231PD 32(DX)(AX*1), Y3, Y1
	ADDQ        $64, AX
	CMPQ        AX, R12
	JNE         dloop

dtail:
	VPTEST      Y10, Y10
	JEQ         dred
	VMASKMOVPD  (SI)(AX*1), Y10, Y2
	VMASKMOVPD  (DX)(AX*1), Y10, Y3
	VMOVAPD     Y0, Y4
	VFMADD231PD Y3, Y2, Y4
	VBLENDVPD   Y10, Y4, Y0, Y0
	VMASKMOVPD  32(SI)(AX*1), Y11, Y2
	VMASKMOVPD  32(DX)(AX*1), Y11, Y3
	VMOVAPD     Y1, Y4
	VFMADD231PD Y3, Y2, Y4
	VBLENDVPD   Y11, Y4, Y1, Y1

dred:
	VADDPD       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VPERMILPD    $1, X0, X1
	VADDSD       X1, X0, X0

	VADDSD bp+88(FP), X0, X0
	TESTQ  R9, R9
	JEQ    noy
	VSUBSD (R9), X0, X0
	ADDQ   $8, R9

noy:
	VMOVAPD X0, X2
	TESTQ   R10, R10
	JEQ     now
	VMULSD  (R10), X0, X2
	ADDQ    $8, R10

now:
	VMULSD X0, X2, X3
	VADDSD X3, X14, X14
	VADDSD X2, X13, X13
	CMPQ   grad+144(FP), $0
	JEQ    next

	VBROADCASTSD X2, Y4
	XORQ         AX, AX
	TESTQ        R12, R12
	JEQ          atail

aloop:
	VMOVUPD     (DI)(AX*1), Y5
	VMOVUPD     32(DI)(AX*1), Y6
	VFMADD231PD (SI)(AX*1), Y4, Y5
	VFMADD231PD 32(SI)(AX*1), Y4, Y6
	VMOVUPD     Y5, (DI)(AX*1)
	VMOVUPD     Y6, 32(DI)(AX*1)
	ADDQ        $64, AX
	CMPQ        AX, R12
	JNE         aloop

atail:
	VPTEST      Y10, Y10
	JEQ         next
	VMASKMOVPD  (DI)(AX*1), Y10, Y5
	VMASKMOVPD  (SI)(AX*1), Y10, Y2
	VFMADD231PD Y2, Y4, Y5
	VMASKMOVPD  Y5, Y10, (DI)(AX*1)
	VMASKMOVPD  32(DI)(AX*1), Y11, Y6
	VMASKMOVPD  32(SI)(AX*1), Y11, Y3
	VFMADD231PD Y3, Y4, Y6
	VMASKMOVPD  Y6, Y11, 32(DI)(AX*1)

next:
	ADDQ R8, SI
	DECQ CX
	JNE  row

done:
	MOVSD      X13, sr+152(FP)
	MOVSD      X14, sl+160(FP)
	VZEROUPPER
	RET

// func dotAVX512(x, w []float64) float64
//
// x·w over len(w) elements (len(x) = len(w)).
TEXT ·dotAVX512(SB), NOSPLIT, $0-56
	MOVQ   x_base+0(FP), SI
	MOVQ   w_base+24(FP), DX
	MOVQ   w_len+32(FP), R12
	MOVQ   R12, CX
	ANDQ   $7, CX
	MOVQ   $1, BX
	SHLQ   CX, BX
	DECQ   BX
	KMOVW  BX, K1
	SHRQ   $3, R12
	VXORPD Z0, Z0, Z0
	XORQ   AX, AX
	TESTQ  R12, R12
	JEQ    dtail

dloop:
	VMOVUPD     (SI)(AX*1), Z1
	VFMADD231PD (DX)(AX*1), Z1, Z0
	ADDQ        $64, AX
	DECQ        R12
	JNE         dloop

dtail:
	TESTQ       CX, CX
	JEQ         dred
	VMOVUPD.Z   (SI)(AX*1), K1, Z1
	VFMADD231PD (DX)(AX*1), Z1, K1, Z0

dred:
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPD        X1, X0, X0
	VPERMILPD     $1, X0, X1
	VADDSD        X1, X0, X0
	MOVSD         X0, ret+48(FP)
	VZEROUPPER
	RET

// func dotAVX2(x, w []float64) float64
TEXT ·dotAVX2(SB), NOSPLIT, $0-56
	MOVQ    x_base+0(FP), SI
	MOVQ    w_base+24(FP), DX
	MOVQ    w_len+32(FP), R12
	MOVQ    R12, R13
	ANDQ    $7, R13
	SHRQ    $3, R12
	LEAQ    masktab<>(SB), BX
	MOVQ    $8, AX
	SUBQ    R13, AX
	VMOVUPD (BX)(AX*8), Y8
	VMOVUPD 32(BX)(AX*8), Y9
	VXORPD  Y0, Y0, Y0
	VXORPD  Y1, Y1, Y1
	XORQ    AX, AX
	TESTQ   R12, R12
	JEQ     dtail

dloop:
	VMOVUPD     (SI)(AX*1), Y2
	VMOVUPD     32(SI)(AX*1), Y3
	VFMADD231PD (DX)(AX*1), Y2, Y0
	VFMADD231PD 32(DX)(AX*1), Y3, Y1
	ADDQ        $64, AX
	DECQ        R12
	JNE         dloop

dtail:
	TESTQ       R13, R13
	JEQ         dred
	VMASKMOVPD  (SI)(AX*1), Y8, Y2
	VMASKMOVPD  (DX)(AX*1), Y8, Y3
	VMOVAPD     Y0, Y4
	VFMADD231PD Y3, Y2, Y4
	VBLENDVPD   Y8, Y4, Y0, Y0
	VMASKMOVPD  32(SI)(AX*1), Y9, Y2
	VMASKMOVPD  32(DX)(AX*1), Y9, Y3
	VMOVAPD     Y1, Y4
	VFMADD231PD Y3, Y2, Y4
	VBLENDVPD   Y9, Y4, Y1, Y1

dred:
	VADDPD       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VPERMILPD    $1, X0, X1
	VADDSD       X1, X0, X0
	MOVSD        X0, ret+48(FP)
	VZEROUPPER
	RET

// func axpyAVX512(g []float64, a float64, x []float64)
//
// g[j] = fma(a, x[j], g[j]) for j < len(g) (len(x) = len(g)).
TEXT ·axpyAVX512(SB), NOSPLIT, $0-56
	MOVQ         g_base+0(FP), DI
	MOVQ         g_len+8(FP), R12
	VBROADCASTSD a+24(FP), Z4
	MOVQ         x_base+32(FP), SI
	MOVQ         R12, CX
	ANDQ         $7, CX
	MOVQ         $1, BX
	SHLQ         CX, BX
	DECQ         BX
	KMOVW        BX, K1
	SHRQ         $3, R12
	XORQ         AX, AX
	TESTQ        R12, R12
	JEQ          atail

aloop:
	VMOVUPD     (DI)(AX*1), Z5
	VFMADD231PD (SI)(AX*1), Z4, Z5
	VMOVUPD     Z5, (DI)(AX*1)
	ADDQ        $64, AX
	DECQ        R12
	JNE         aloop

atail:
	TESTQ       CX, CX
	JEQ         adone
	VMOVUPD.Z   (DI)(AX*1), K1, Z5
	VFMADD231PD (SI)(AX*1), Z4, K1, Z5
	VMOVUPD     Z5, K1, (DI)(AX*1)

adone:
	VZEROUPPER
	RET

// func axpyAVX2(g []float64, a float64, x []float64)
TEXT ·axpyAVX2(SB), NOSPLIT, $0-56
	MOVQ         g_base+0(FP), DI
	MOVQ         g_len+8(FP), R12
	VBROADCASTSD a+24(FP), Y4
	MOVQ         x_base+32(FP), SI
	MOVQ         R12, R13
	ANDQ         $7, R13
	SHRQ         $3, R12
	LEAQ         masktab<>(SB), BX
	MOVQ         $8, AX
	SUBQ         R13, AX
	VMOVUPD      (BX)(AX*8), Y8
	VMOVUPD      32(BX)(AX*8), Y9
	XORQ         AX, AX
	TESTQ        R12, R12
	JEQ          atail

aloop:
	VMOVUPD     (DI)(AX*1), Y5
	VMOVUPD     32(DI)(AX*1), Y6
	VFMADD231PD (SI)(AX*1), Y4, Y5
	VFMADD231PD 32(SI)(AX*1), Y4, Y6
	VMOVUPD     Y5, (DI)(AX*1)
	VMOVUPD     Y6, 32(DI)(AX*1)
	ADDQ        $64, AX
	DECQ        R12
	JNE         aloop

atail:
	TESTQ       R13, R13
	JEQ         adone
	VMASKMOVPD  (DI)(AX*1), Y8, Y5
	VMASKMOVPD  (SI)(AX*1), Y8, Y2
	VFMADD231PD Y2, Y4, Y5
	VMASKMOVPD  Y5, Y8, (DI)(AX*1)
	VMASKMOVPD  32(DI)(AX*1), Y9, Y6
	VMASKMOVPD  32(SI)(AX*1), Y9, Y3
	VFMADD231PD Y3, Y4, Y6
	VMASKMOVPD  Y6, Y9, 32(DI)(AX*1)

adone:
	VZEROUPPER
	RET
