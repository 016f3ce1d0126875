package linear

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// dd is a double-double number hi + lo with |lo| ≤ ulp(hi)/2: an unevaluated
// sum of two float64 values carrying about 106 bits (32 decimal digits).
// The algorithms are Dekker's (1971) and Knuth's error-free transformations
// as arranged by Hida, Li and Bailey (2001), "Algorithms for quad-double
// precision floating point arithmetic", ARITH-15; products use math.FMA.
type dd struct{ hi, lo float64 }

// twoSum returns s, e with s = fl(a+b) and s + e = a + b exactly (Knuth).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

// quickTwoSum is twoSum for |a| ≥ |b| (Dekker).
func quickTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return s, e
}

// twoProd returns p, e with p = fl(a·b) and p + e = a·b exactly.
func twoProd(a, b float64) (p, e float64) {
	p = a * b
	e = math.FMA(a, b, -p)
	return p, e
}

func ddAdd(x, y dd) dd {
	s, e := twoSum(x.hi, y.hi)
	t, f := twoSum(x.lo, y.lo)
	e += t
	s, e = quickTwoSum(s, e)
	e += f
	s, e = quickTwoSum(s, e)
	return dd{s, e}
}

func ddNeg(x dd) dd { return dd{-x.hi, -x.lo} }

func ddSub(x, y dd) dd { return ddAdd(x, ddNeg(y)) }

func ddMul(x, y dd) dd {
	p, e := twoProd(x.hi, y.hi)
	e += x.hi*y.lo + x.lo*y.hi
	p, e = quickTwoSum(p, e)
	return dd{p, e}
}

// ddMulF multiplies by a float64.
func ddMulF(x dd, y float64) dd {
	p, e := twoProd(x.hi, y)
	e += x.lo * y
	p, e = quickTwoSum(p, e)
	return dd{p, e}
}

func ddDiv(x, y dd) dd {
	q1 := x.hi / y.hi
	r := ddSub(x, ddMulF(y, q1))
	q2 := r.hi / y.hi
	r = ddSub(r, ddMulF(y, q2))
	q3 := r.hi / y.hi
	q1, q2 = quickTwoSum(q1, q2)
	return ddAdd(dd{q1, q2}, dd{q3, 0})
}

// ddSqrt uses one Newton step from the float64 square root, which doubles
// the number of correct bits.
func ddSqrt(x dd) dd {
	if x.hi <= 0 {
		if x.hi == 0 {
			return dd{}
		}
		return dd{math.NaN(), math.NaN()}
	}
	s := math.Sqrt(x.hi)
	p, e := twoProd(s, s)
	r := ddSub(x, dd{p, e})
	c := r.hi / (2 * s)
	s, c = quickTwoSum(s, c)
	return dd{s, c}
}

func ddAbs(x dd) dd {
	if x.hi < 0 {
		return ddNeg(x)
	}
	return x
}

func (x dd) float() float64 { return x.hi + x.lo }

// ddDot accumulates Σ a_i·b_i in double-double.
func ddDot(a, b []dd) dd {
	var s dd
	for i := range a {
		s = ddAdd(s, ddMul(a[i], b[i]))
	}
	return s
}

// parseDD reads a decimal number into double-double, correctly rounded to
// about 106 bits: text such as "0.1" that float64 cannot hold exactly keeps
// the part float64 drops in lo.
func parseDD(s string) (dd, error) {
	s = strings.TrimSpace(s)
	f, _, err := big.ParseFloat(s, 10, 200, big.ToNearestEven)
	if err != nil {
		return dd{}, fmt.Errorf("linear: cannot read %q as a number", s)
	}
	hi, _ := f.Float64()
	if math.IsInf(hi, 0) {
		return dd{}, fmt.Errorf("linear: %q overflows float64", s)
	}
	var r big.Float
	r.SetPrec(200)
	r.Sub(f, new(big.Float).SetFloat64(hi))
	lo, _ := r.Float64()
	return dd{hi, lo}, nil
}
