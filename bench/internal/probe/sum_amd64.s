#include "textflag.h"

// func sumRowsAVX2(x []float64, d int, order []int, ahead, lines, hint, dep int) float64
//
// Sums rows order[0], order[1], … of the row-major matrix x (d columns,
// d·8 bytes a row) with four AVX2 accumulators. When lines > 0, before
// reading row order[i] it issues PREFETCHT0 for lines consecutive cache
// lines from the start of row order[i+ahead] (its address rounded down to
// 64 bytes), while i+ahead < len(order): PREFETCHT0 for hint 0 (into every
// cache level), PREFETCHT1 for hint 1 (the second level and up),
// PREFETCHNTA for hint 2 (non-temporal). When dep is not 0, the address of
// each row depends on the sum of the row before (through an AND with 0),
// so that, as in SGD, a row's loads cannot start before the row before it
// is done: only the prefetches run ahead.
TEXT ·sumRowsAVX2(SB), NOSPLIT, $0-96
	MOVQ   x_base+0(FP), SI
	MOVQ   d+24(FP), R8
	MOVQ   order_base+32(FP), DI
	MOVQ   order_len+40(FP), R9
	MOVQ   ahead+56(FP), R10
	MOVQ   lines+64(FP), R11
	MOVQ   hint+72(FP), R12
	MOVQ   dep+80(FP), R14
	XORQ   R13, R13
	SHLQ   $3, R8
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD X4, X4, X4
	XORQ   CX, CX

row:
	CMPQ  CX, R9
	JGE   done
	TESTQ R11, R11
	JEQ   sum
	MOVQ  CX, AX
	ADDQ  R10, AX
	CMPQ  AX, R9
	JGE   sum
	MOVQ  (DI)(AX*8), BX
	IMULQ R8, BX
	ADDQ  SI, BX
	ANDQ  $-64, BX
	MOVQ  R11, DX

	CMPQ R12, $1
	JEQ  pf1
	JGT  pf2

pf0:
	PREFETCHT0 (BX)
	ADDQ       $64, BX
	DECQ       DX
	JNE        pf0
	JMP        sum

pf1:
	PREFETCHT1 (BX)
	ADDQ       $64, BX
	DECQ       DX
	JNE        pf1
	JMP        sum

pf2:
	PREFETCHNTA (BX)
	ADDQ        $64, BX
	DECQ        DX
	JNE         pf2

sum:
	MOVQ  (DI)(CX*8), BX
	IMULQ R8, BX
	ADDQ  SI, BX
	ADDQ  R13, BX
	MOVQ  R8, DX

by16:
	CMPQ   DX, $128
	JLT    by4
	VADDPD (BX), Y0, Y0
	VADDPD 32(BX), Y1, Y1
	VADDPD 64(BX), Y2, Y2
	VADDPD 96(BX), Y3, Y3
	ADDQ   $128, BX
	SUBQ   $128, DX
	JMP    by16

by4:
	CMPQ   DX, $32
	JLT    by1
	VADDPD (BX), Y0, Y0
	ADDQ   $32, BX
	SUBQ   $32, DX
	JMP    by4

by1:
	CMPQ   DX, $8
	JLT    next
	VADDSD (BX), X4, X4
	ADDQ   $8, BX
	SUBQ   $8, DX
	JMP    by1

next:
	TESTQ R14, R14
	JEQ   nodep
	VADDPD Y1, Y0, Y5
	VADDPD Y3, Y2, Y6
	VADDPD Y6, Y5, Y5
	VMOVQ  X5, R13
	ANDQ   $0, R13

nodep:
	INCQ CX
	JMP  row

done:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	VADDSD       X4, X0, X0
	VMOVSD       X0, ret+88(FP)
	VZEROUPPER
	RET
