#include "textflag.h"

// func columnSumsAVX512(acc, x []float64, stride, rows int, mean, w []float64, kind int)
//
// columnSumsGo for 1 ≤ len(acc) ≤ 32, the sums held in registers for the
// whole call: column j in lane j mod 8 of chunk ⌊j/8⌋, each chunk under its
// mask (K1..K4, all zero for an absent chunk: masked loads neither read nor
// fault there). Per row the chunk's term is formed as the Go code forms it,
// products and differences rounded separately (VMULPD, VSUBPD; no fused
// multiply-add), and added to the sum: the same operations in the same
// order, so the same bits. A nil w reads a one (1·v = v exactly).
//
// Registers: SI row i, R8 stride in bytes, CX rows left, R10 w, R12 its
// step (8, or 0 for nil w), Z16..Z19 the sums, Z24..Z27 the chunks of mean,
// Z30 wᵢ broadcast, Z0/Z1 scratch.

DATA csone<>+0(SB)/8, $1.0
GLOBL csone<>(SB), RODATA|NOPTR, $8

// Sum: A += w·x.
#define CSUM(off, K, A) \
	VMOVUPD.Z off(SI), K, Z0; \
	VMULPD    Z0, Z30, Z1;    \
	VADDPD    Z1, A, A

// Dev: A += w·(x − m).
#define CDEV(off, K, M, A) \
	VMOVUPD.Z off(SI), K, Z0; \
	VSUBPD    M, Z0, Z0;      \
	VMULPD    Z0, Z30, Z1;    \
	VADDPD    Z1, A, A

// Square: c = x − m, A += (w·c)·c.
#define CSQ(off, K, M, A) \
	VMOVUPD.Z off(SI), K, Z0; \
	VSUBPD    M, Z0, Z0;      \
	VMULPD    Z0, Z30, Z1;    \
	VMULPD    Z0, Z1, Z1;     \
	VADDPD    Z1, A, A

TEXT ·columnSumsAVX512(SB), NOSPLIT, $0-120
	MOVQ acc_base+0(FP), DI
	MOVQ acc_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ stride+48(FP), R8
	SHLQ $3, R8
	MOVQ mean_base+64(FP), DX
	MOVQ w_base+88(FP), R10
	MOVQ $8, R12
	TESTQ R10, R10
	JNE  wset
	LEAQ csone<>(SB), R10
	XORQ R12, R12

wset:
	// The masks: bits 8c..8c+7 of 2^len − 1 for chunk c (a mask register
	// takes the low bits; eight-lane instructions read only the low eight).
	MOVQ  $1, BX
	SHLQ  CX, BX
	DECQ  BX
	KMOVW BX, K1
	SHRQ  $8, BX
	KMOVW BX, K2
	SHRQ  $8, BX
	KMOVW BX, K3
	SHRQ  $8, BX
	KMOVW BX, K4

	VMOVUPD.Z (DI), K1, Z16
	VMOVUPD.Z 64(DI), K2, Z17
	VMOVUPD.Z 128(DI), K3, Z18
	VMOVUPD.Z 192(DI), K4, Z19
	MOVQ      rows+56(FP), CX
	MOVQ      kind+112(FP), AX
	TESTQ     AX, AX
	JEQ       sumloop
	VMOVUPD.Z (DX), K1, Z24
	VMOVUPD.Z 64(DX), K2, Z25
	VMOVUPD.Z 128(DX), K3, Z26
	VMOVUPD.Z 192(DX), K4, Z27
	CMPQ      AX, $1
	JEQ       devloop

sqloop:
	VBROADCASTSD (R10), Z30
	ADDQ         R12, R10
	CSQ(0, K1, Z24, Z16)
	CSQ(64, K2, Z25, Z17)
	CSQ(128, K3, Z26, Z18)
	CSQ(192, K4, Z27, Z19)
	ADDQ         R8, SI
	DECQ         CX
	JNE          sqloop
	JMP          done

devloop:
	VBROADCASTSD (R10), Z30
	ADDQ         R12, R10
	CDEV(0, K1, Z24, Z16)
	CDEV(64, K2, Z25, Z17)
	CDEV(128, K3, Z26, Z18)
	CDEV(192, K4, Z27, Z19)
	ADDQ         R8, SI
	DECQ         CX
	JNE          devloop
	JMP          done

sumloop:
	VBROADCASTSD (R10), Z30
	ADDQ         R12, R10
	CSUM(0, K1, Z16)
	CSUM(64, K2, Z17)
	CSUM(128, K3, Z18)
	CSUM(192, K4, Z19)
	ADDQ         R8, SI
	DECQ         CX
	JNE          sumloop

done:
	VMOVUPD   Z16, K1, (DI)
	VMOVUPD   Z17, K2, 64(DI)
	VMOVUPD   Z18, K3, 128(DI)
	VMOVUPD   Z19, K4, 192(DI)
	VZEROUPPER
	RET
