package kernel

import (
	"math"

	"github.com/lsqgo/lsq/internal/dd"
)

// DDAxpy sets dst[c] += α·x[c] in double-double for each c (len(dst) ≥
// len(x)), the kernel of package stream's double-double fold. It uses the
// assembly kernel for the leading multiple of four elements where the CPU
// allows; every kernel gives the bits of ddAxpyGo.
func DDAxpy(dst []dd.DD, alpha dd.DD, x []dd.DD) {
	dst = dst[:len(x)]
	n := 0
	if useAVX2 && len(x) >= 4 {
		n = len(x) &^ 3
		ddAxpyAVX2(dst[:n], alpha.Hi, alpha.Lo, x[:n])
	}
	ddAxpyGo(dst[n:], alpha, x[n:])
}

// ddAxpyGo is dd.Add(dst[c], dd.Mul(α, x[c])) written out in one loop body:
// the product's error term is not renormalised before the (accurate)
// addition, which dd.TwoSum does not need. The conversions float64(·) forbid
// fusing the cross products into an FMA (the Go specification allows fusing
// x*y + z otherwise), so every build performs the same roundings as the
// assembly kernel.
func ddAxpyGo(dst []dd.DD, alpha dd.DD, x []dd.DD) {
	ah, al := alpha.Hi, alpha.Lo
	dst = dst[:len(x)]
	for c, v := range x {
		p := float64(ah * v.Hi)
		e := math.FMA(ah, v.Hi, -p) + (float64(ah*v.Lo) + float64(al*v.Hi))
		dh, dl := dst[c].Hi, dst[c].Lo
		s := dh + p
		b := s - dh
		t := (dh - (s - b)) + (p - b)
		u := dl + e
		b = u - dl
		f := (dl - (u - b)) + (e - b)
		t += u
		h := s + t
		t -= h - s
		t += f
		s = h + t
		dst[c] = dd.DD{Hi: s, Lo: t - (s - h)}
	}
}
