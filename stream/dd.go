package stream

import "math"

// dd is a double-double number hi + lo with |lo| ≤ ulp(hi)/2, an unevaluated
// sum of two float64 values carrying about 106 bits (32 decimal digits).
// The operations are the error-free transformations of Knuth (TwoSum) and
// Dekker (FastTwoSum, and the exact product, here by math.FMA), combined as in
// Hida, Li and Bailey, "Algorithms for quad-double precision floating point
// arithmetic", ARITH-15 (2001). Addition is the accurate ("IEEE") variant,
// whose relative error stays near 2⁻¹⁰⁴ under cancellation, which the
// Householder updates rely on. A product whose rounding error is then taken
// is written float64(x*y), which forbids the compiler to fuse it into a later
// addition (the Go specification allows such fusing otherwise, and it would
// break the error-free transformations).
type dd struct{ hi, lo float64 }

// twoSum returns s = fl(a+b) and e with s + e = a + b exactly.
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

// fastTwoSum is twoSum for |a| ≥ |b| or a = 0.
func fastTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return s, e
}

func ddAdd(x, y dd) dd {
	s, e := twoSum(x.hi, y.hi)
	t, f := twoSum(x.lo, y.lo)
	e += t
	s, e = fastTwoSum(s, e)
	e += f
	s, e = fastTwoSum(s, e)
	return dd{s, e}
}

func ddSub(x, y dd) dd { return ddAdd(x, dd{-y.hi, -y.lo}) }

func ddMul(x, y dd) dd {
	p := float64(x.hi * y.hi)
	e := math.FMA(x.hi, y.hi, -p)
	e += x.hi*y.lo + x.lo*y.hi
	p, e = fastTwoSum(p, e)
	return dd{p, e}
}

// ddMulF multiplies by a float64.
func ddMulF(x dd, y float64) dd {
	p := float64(x.hi * y)
	e := math.FMA(x.hi, y, -p)
	e += x.lo * y
	p, e = fastTwoSum(p, e)
	return dd{p, e}
}

// ddScale multiplies by 2^k exactly (barring underflow).
func ddScale(x dd, k int) dd { return dd{math.Ldexp(x.hi, k), math.Ldexp(x.lo, k)} }

func ddDiv(x, y dd) dd {
	q1 := x.hi / y.hi
	r := ddSub(x, ddMulF(y, q1))
	q2 := r.hi / y.hi
	r = ddSub(r, ddMulF(y, q2))
	q3 := r.hi / y.hi
	q1, q2 = fastTwoSum(q1, q2)
	return ddAdd(dd{q1, q2}, dd{q3, 0})
}

// ddSqrt takes one Newton step from the float64 square root, which doubles
// the number of correct bits. It returns NaN for negative x.
func ddSqrt(x dd) dd {
	if x.hi <= 0 {
		if x.hi == 0 {
			return dd{}
		}
		return dd{math.NaN(), math.NaN()}
	}
	s := math.Sqrt(x.hi)
	p := float64(s * s)
	e := math.FMA(s, s, -p)
	r := ddSub(x, dd{p, e})
	c := r.hi / (2 * s)
	s, c = fastTwoSum(s, c)
	return dd{s, c}
}

func (x dd) neg() dd        { return dd{-x.hi, -x.lo} }
func (x dd) float() float64 { return x.hi + x.lo }

// ddNorm returns √Σx_i² in double-double, scaling by a power of two so that
// the squares neither overflow nor underflow.
func ddNorm(x []dd) dd {
	var big float64
	for _, v := range x {
		big = math.Max(big, math.Abs(v.hi))
	}
	if big == 0 || math.IsInf(big, 0) || math.IsNaN(big) {
		return dd{big, 0}
	}
	_, k := math.Frexp(big)
	var s dd
	for _, v := range x {
		t := ddScale(v, -k)
		s = ddAdd(s, ddMul(t, t))
	}
	return ddScale(ddSqrt(s), k)
}

// ddAxpy sets dst[c] += α·x[c] in double-double for each c (len(dst) ≥
// len(x)), the kernel of the double-double fold. It uses the assembly kernel
// for the leading multiple of four elements where the CPU allows.
func ddAxpy(dst []dd, alpha dd, x []dd) {
	dst = dst[:len(x)]
	n := 0
	if useAVX2 && len(x) >= 4 {
		n = len(x) &^ 3
		ddAxpyAVX2(dst[:n], alpha.hi, alpha.lo, x[:n])
	}
	ddAxpyGo(dst[n:], alpha, x[n:])
}

// ddAxpyGo is ddAdd(dst[c], ddMul(α, x[c])) written out in one loop body:
// the product's error term is not renormalised before the (accurate)
// addition, which twoSum does not need. The conversions float64(·) forbid
// fusing the cross products into an FMA (the Go specification allows fusing
// x*y + z otherwise), so every build performs the same roundings as the
// assembly kernel.
func ddAxpyGo(dst []dd, alpha dd, x []dd) {
	ah, al := alpha.hi, alpha.lo
	dst = dst[:len(x)]
	for c, v := range x {
		p := float64(ah * v.hi)
		e := math.FMA(ah, v.hi, -p) + (float64(ah*v.lo) + float64(al*v.hi))
		dh, dl := dst[c].hi, dst[c].lo
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
		dst[c] = dd{s, t - (s - h)}
	}
}
