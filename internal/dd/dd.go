// Package dd is double-double arithmetic: a number is the unevaluated sum
// Hi + Lo of two float64 values with |Lo| ≤ ulp(Hi)/2, carrying about 106
// bits (32 decimal digits). The algorithms are Dekker's (1971) and Knuth's
// error-free transformations as arranged by Hida, Li and Bailey (2001),
// "Algorithms for quad-double precision floating point arithmetic",
// ARITH-15; products use math.FMA. The explicit float64(·) conversions
// forbid the compiler from fusing other products into FMAs (the Go
// specification allows fusing x*y + z otherwise), so every build performs
// the same roundings and gives the same bits.
//
// It serves the certified paths of package linear (QR in double-double) and
// package stream (the double-double streaming QR).
package dd

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/lsqgo/lsq/internal/numtext"
)

// DD is a double-double number Hi + Lo.
type DD struct{ Hi, Lo float64 }

// TwoSum returns s, e with s = fl(a+b) and s + e = a + b exactly (Knuth).
func TwoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

// QuickTwoSum is TwoSum for |a| ≥ |b| (Dekker).
func QuickTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return s, e
}

// TwoProd returns p, e with p = fl(a·b) and p + e = a·b exactly.
func TwoProd(a, b float64) (p, e float64) {
	p = float64(a * b)
	e = math.FMA(a, b, -p)
	return p, e
}

// Add returns x + y (the accurate, IEEE-style addition).
func Add(x, y DD) DD {
	s, e := TwoSum(x.Hi, y.Hi)
	t, f := TwoSum(x.Lo, y.Lo)
	e += t
	s, e = QuickTwoSum(s, e)
	e += f
	s, e = QuickTwoSum(s, e)
	return DD{s, e}
}

// parseExtremeExponent reads a decimal whose exponent big.ParseFloat
// cannot hold: ±0 when the mantissa is zero or the exponent negative, an
// overflow error otherwise.
func parseExtremeExponent(s string) (DD, error) {
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	neg := strings.HasPrefix(mant, "-")
	zero := 0.0
	if neg {
		zero = math.Copysign(0, -1)
	}
	if strings.Trim(mant, "+-.0") == "" || strings.HasPrefix(exp, "-") {
		return DD{zero, 0}, nil
	}
	return DD{}, fmt.Errorf("%q overflows float64", s)
}

// Neg returns −x.
func Neg(x DD) DD { return DD{-x.Hi, -x.Lo} }

// Sub returns x − y.
func Sub(x, y DD) DD { return Add(x, Neg(y)) }

// Mul returns x·y.
func Mul(x, y DD) DD {
	p, e := TwoProd(x.Hi, y.Hi)
	e += float64(x.Hi*y.Lo) + float64(x.Lo*y.Hi)
	p, e = QuickTwoSum(p, e)
	return DD{p, e}
}

// MulF returns x·y for a float64 y.
func MulF(x DD, y float64) DD {
	p, e := TwoProd(x.Hi, y)
	e += float64(x.Lo * y)
	p, e = QuickTwoSum(p, e)
	return DD{p, e}
}

// Scale returns x·2^k exactly (barring underflow).
func Scale(x DD, k int) DD { return DD{math.Ldexp(x.Hi, k), math.Ldexp(x.Lo, k)} }

// Div returns x/y by three steps of long division.
func Div(x, y DD) DD {
	q1 := x.Hi / y.Hi
	r := Sub(x, MulF(y, q1))
	q2 := r.Hi / y.Hi
	r = Sub(r, MulF(y, q2))
	q3 := r.Hi / y.Hi
	q1, q2 = QuickTwoSum(q1, q2)
	return Add(DD{q1, q2}, DD{q3, 0})
}

// Sqrt takes one Newton step from the float64 square root, which doubles
// the number of correct bits. It returns NaN for negative x.
func Sqrt(x DD) DD {
	if x.Hi <= 0 {
		if x.Hi == 0 {
			return DD{}
		}
		return DD{math.NaN(), math.NaN()}
	}
	s := math.Sqrt(x.Hi)
	p, e := TwoProd(s, s)
	r := Sub(x, DD{p, e})
	c := r.Hi / (2 * s)
	s, c = QuickTwoSum(s, c)
	return DD{s, c}
}

// Abs returns |x|.
func Abs(x DD) DD {
	if x.Hi < 0 {
		return Neg(x)
	}
	return x
}

// Float rounds x to float64.
func (x DD) Float() float64 { return x.Hi + x.Lo }

// Dot accumulates Σ a_i·b_i in double-double.
func Dot(a, b []DD) DD {
	var s DD
	for i := range a {
		s = Add(s, Mul(a[i], b[i]))
	}
	return s
}

// Norm returns √Σx_i² in double-double, scaling by a power of two so that
// the squares neither overflow nor underflow.
func Norm(x []DD) DD {
	var big float64
	for _, v := range x {
		big = math.Max(big, math.Abs(v.Hi))
	}
	if big == 0 || math.IsInf(big, 0) || math.IsNaN(big) {
		return DD{big, 0}
	}
	_, k := math.Frexp(big)
	var s DD
	for _, v := range x {
		t := Scale(v, -k)
		s = Add(s, Mul(t, t))
	}
	return Scale(Sqrt(s), k)
}

// Parse reads a decimal number into double-double, correctly rounded to
// about 106 bits: text such as "0.1" that float64 cannot hold exactly keeps
// the part float64 drops in Lo. Only decimals in the syntax of
// internal/numtext are numbers, as in the CSV reader: big.ParseFloat on its
// own would also read "1p3" (a binary exponent) and "Inf".
func Parse(s string) (DD, error) {
	s = strings.TrimSpace(s)
	if !numtext.Decimal(s) {
		if numtext.NonFinite(s) {
			return DD{}, fmt.Errorf("%q is not a finite number", s)
		}
		return DD{}, fmt.Errorf("cannot read %q as a number", s)
	}
	f, _, err := big.ParseFloat(s, 10, 200, big.ToNearestEven)
	if err != nil {
		// The exponent is beyond what big.Float holds: the value is zero
		// (a zero mantissa, or an exponent far below the smallest
		// subnormal) or beyond float64, as strconv.ParseFloat reads it.
		return parseExtremeExponent(s)
	}
	hi, _ := f.Float64()
	if math.IsInf(hi, 0) {
		return DD{}, fmt.Errorf("%q overflows float64", s)
	}
	var r big.Float
	r.SetPrec(200)
	r.Sub(f, new(big.Float).SetFloat64(hi))
	lo, _ := r.Float64()
	return DD{hi, lo}, nil
}

// Neg returns −x.
func (x DD) Neg() DD { return DD{-x.Hi, -x.Lo} }
