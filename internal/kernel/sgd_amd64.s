#include "textflag.h"

// The SGD update θ_j ← θ_j − lr·fma(wr, x_j, 0), each product and the
// difference rounded separately, as sgdUpdateGo computes it.

// func sgdUpdateAVX512(theta []float64, wr, lr float64, x []float64)
TEXT ·sgdUpdateAVX512(SB), NOSPLIT, $0-64
	MOVQ         theta_base+0(FP), DI
	MOVQ         theta_len+8(FP), R12
	VBROADCASTSD wr+24(FP), Z4
	VBROADCASTSD lr+32(FP), Z6
	MOVQ         x_base+40(FP), SI
	MOVQ         R12, CX
	ANDQ         $7, CX
	MOVQ         $1, BX
	SHLQ         CX, BX
	DECQ         BX
	KMOVW        BX, K1
	SHRQ         $3, R12
	XORQ         AX, AX
	TESTQ        R12, R12
	JEQ          utail

uloop:
	VXORPD      Z5, Z5, Z5
	VFMADD231PD (SI)(AX*1), Z4, Z5
	VMULPD      Z6, Z5, Z5
	VMOVUPD     (DI)(AX*1), Z7
	VSUBPD      Z5, Z7, Z7
	VMOVUPD     Z7, (DI)(AX*1)
	ADDQ        $64, AX
	DECQ        R12
	JNE         uloop

utail:
	TESTQ       CX, CX
	JEQ         udone
	VXORPD      Z5, Z5, Z5
	VMOVUPD.Z   (SI)(AX*1), K1, Z1
	VFMADD231PD Z1, Z4, Z5
	VMULPD      Z6, Z5, Z5
	VMOVUPD.Z   (DI)(AX*1), K1, Z7
	VSUBPD      Z5, Z7, Z7
	VMOVUPD     Z7, K1, (DI)(AX*1)

udone:
	VZEROUPPER
	RET

// func sgdUpdateAVX2(theta []float64, wr, lr float64, x []float64)
TEXT ·sgdUpdateAVX2(SB), NOSPLIT, $0-64
	MOVQ         theta_base+0(FP), DI
	MOVQ         theta_len+8(FP), R12
	VBROADCASTSD wr+24(FP), Y4
	VBROADCASTSD lr+32(FP), Y6
	MOVQ         x_base+40(FP), SI
	MOVQ         R12, R13
	ANDQ         $3, R13
	SHRQ         $2, R12
	XORQ         AX, AX
	TESTQ        R12, R12
	JEQ          utail

uloop:
	VXORPD      Y5, Y5, Y5
	VFMADD231PD (SI)(AX*1), Y4, Y5
	VMULPD      Y6, Y5, Y5
	VMOVUPD     (DI)(AX*1), Y7
	VSUBPD      Y5, Y7, Y7
	VMOVUPD     Y7, (DI)(AX*1)
	ADDQ        $32, AX
	DECQ        R12
	JNE         uloop

utail:
	TESTQ R13, R13
	JEQ   udone

uscalar:
	VXORPD      X5, X5, X5
	VMOVSD      (SI)(AX*1), X1
	VFMADD231SD X1, X4, X5
	VMULSD      X6, X5, X5
	VMOVSD      (DI)(AX*1), X7
	VSUBSD      X5, X7, X7
	VMOVSD      X7, (DI)(AX*1)
	ADDQ        $8, AX
	DECQ        R13
	JNE         uscalar

udone:
	VZEROUPPER
	RET

// func prefetchSpan(p *float64, n int)
//
// PREFETCHT1 for every cache line of the n ≥ 1 bytes from p.
TEXT ·prefetchSpan(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), AX
	MOVQ n+8(FP), CX
	LEAQ -1(AX)(CX*1), CX
	ANDQ $-64, AX
	ANDQ $-64, CX

pfloop:
	PREFETCHT1 (AX)
	ADDQ       $64, AX
	CMPQ       AX, CX
	JLE        pfloop
	RET
