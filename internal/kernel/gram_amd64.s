#include "textflag.h"

// func subDotAVX512(xc, row, means, beta []float64) float64
//
// xc[j] = row[j] − means[j] and returns Σ xc[j]·beta[j] for j < len(row),
// which must be a multiple of 8 (the caller does the tail).
TEXT ·subDotAVX512(SB), NOSPLIT, $0-104
	MOVQ   xc_base+0(FP), DI
	MOVQ   row_base+24(FP), SI
	MOVQ   row_len+32(FP), CX
	MOVQ   means_base+48(FP), DX
	MOVQ   beta_base+72(FP), R8
	VXORPD Z0, Z0, Z0
	SHRQ   $3, CX
	JEQ    sdred

sdloop:
	VMOVUPD     0(SI), Z2
	VSUBPD      0(DX), Z2, Z2
	VMOVUPD     Z2, 0(DI)
	VFMADD231PD 0(R8), Z2, Z0
	ADDQ        $64, SI
	ADDQ        $64, DX
	ADDQ        $64, DI
	ADDQ        $64, R8
	DECQ        CX
	JNE         sdloop

sdred:
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPD        X1, X0, X0
	VPERMILPD     $1, X0, X1
	VADDSD        X1, X0, X0
	MOVSD         X0, ret+96(FP)
	VZEROUPPER
	RET

// func axpy8AVX512(h []float64, t float64, x []float64)
//
// h[j] += t·x[j] for j < len(x), a multiple of 8.
TEXT ·axpy8AVX512(SB), NOSPLIT, $0-56
	MOVQ         h_base+0(FP), DI
	VBROADCASTSD t+24(FP), Z0
	MOVQ         x_base+32(FP), SI
	MOVQ         x_len+40(FP), CX
	SHRQ         $3, CX
	JEQ          axdone

axloop:
	VMOVUPD     0(DI), Z1
	VFMADD231PD 0(SI), Z0, Z1
	VMOVUPD     Z1, 0(DI)
	ADDQ        $64, SI
	ADDQ        $64, DI
	DECQ        CX
	JNE         axloop

axdone:
	VZEROUPPER
	RET

// func dot8AVX512(a, b []float64) float64
//
// Σ a[j]·b[j] for j < len(a), a multiple of 8.
TEXT ·dot8AVX512(SB), NOSPLIT, $0-56
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DX
	VXORPD Z0, Z0, Z0
	SHRQ   $3, CX
	JEQ    dtred

dtloop:
	VMOVUPD     0(SI), Z2
	VFMADD231PD 0(DX), Z2, Z0
	ADDQ        $64, SI
	ADDQ        $64, DX
	DECQ        CX
	JNE         dtloop

dtred:
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPD        X1, X0, X0
	VPERMILPD     $1, X0, X1
	VADDSD        X1, X0, X0
	MOVSD         X0, ret+48(FP)
	VZEROUPPER
	RET
