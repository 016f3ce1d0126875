#include "textflag.h"

// func ddAxpyAVX2(dst []dd, ah, al float64, x []dd)
//
// dst[c] += (ah + al)·x[c] in double-double, four elements per iteration:
// the hi and lo parts of four consecutive dd values are separated with
// VUNPCKLPD/VUNPCKHPD (which permutes the elements within the vector, the
// same way for both, and is undone the same way on the store), then the
// operations of ddAxpyGo are applied lane by lane.
TEXT ·ddAxpyAVX2(SB), NOSPLIT, $0-64
	MOVQ         dst_base+0(FP), DI
	VBROADCASTSD ah+24(FP), Y14
	VBROADCASTSD al+32(FP), Y15
	MOVQ         x_base+40(FP), SI
	MOVQ         x_len+48(FP), CX
	SHRQ         $2, CX
	JZ           done

loop:
	VMOVUPD   0(SI), Y0
	VMOVUPD   32(SI), Y1
	VUNPCKLPD Y1, Y0, Y2 // xh
	VUNPCKHPD Y1, Y0, Y3 // xl
	VMOVUPD   0(DI), Y0
	VMOVUPD   32(DI), Y1
	VUNPCKLPD Y1, Y0, Y4 // dh
	VUNPCKHPD Y1, Y0, Y5 // dl

	// p = ah·xh; e = fma(ah, xh, −p) + (ah·xl + al·xh)
	VMULPD      Y2, Y14, Y6
	VMOVAPD     Y6, Y7
	VFMSUB231PD Y2, Y14, Y7
	VMULPD      Y3, Y14, Y8
	VMULPD      Y2, Y15, Y9
	VADDPD      Y9, Y8, Y8
	VADDPD      Y8, Y7, Y7

	// s, t = twoSum(dh, p)
	VADDPD Y6, Y4, Y8   // s = dh + p
	VSUBPD Y4, Y8, Y9   // b = s − dh
	VSUBPD Y9, Y8, Y10  // s − b
	VSUBPD Y10, Y4, Y10 // dh − (s − b)
	VSUBPD Y9, Y6, Y11  // p − b
	VADDPD Y11, Y10, Y10 // t

	// u, f = twoSum(dl, e)
	VADDPD Y7, Y5, Y11   // u = dl + e
	VSUBPD Y5, Y11, Y12  // b = u − dl
	VSUBPD Y12, Y11, Y13 // u − b
	VSUBPD Y13, Y5, Y13  // dl − (u − b)
	VSUBPD Y12, Y7, Y12  // e − b
	VADDPD Y12, Y13, Y13 // f

	VADDPD Y11, Y10, Y10 // t += u
	VADDPD Y10, Y8, Y12  // h = s + t
	VSUBPD Y8, Y12, Y11  // h − s
	VSUBPD Y11, Y10, Y10 // t −= h − s
	VADDPD Y13, Y10, Y10 // t += f
	VADDPD Y10, Y12, Y8  // s = h + t
	VSUBPD Y12, Y8, Y11  // s − h
	VSUBPD Y11, Y10, Y10 // lo = t − (s − h)

	VUNPCKLPD Y10, Y8, Y0
	VUNPCKHPD Y10, Y8, Y1
	VMOVUPD   Y0, 0(DI)
	VMOVUPD   Y1, 32(DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       loop

done:
	VZEROUPPER
	RET
