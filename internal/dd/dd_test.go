package dd

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/internal/numtext"
)

// TestDDArithmetic checks the double-double operations against big.Float at
// 300 bits. Each should be accurate to a few units of 2⁻¹⁰⁴ relative.
func TestDDArithmetic(t *testing.T) {
	vals := []DD{
		{1, 0}, {math.Pi, 1.2246467991473532e-16}, {1.0 / 3, 1.850371707708594e-17},
		{-7.25e10, 3.1e-7}, {2.5e-8, -1e-25}, {123456.789, 4e-12},
	}
	toBig := func(x DD) *big.Float {
		f := new(big.Float).SetPrec(300).SetFloat64(x.Hi)
		return f.Add(f, new(big.Float).SetPrec(300).SetFloat64(x.Lo))
	}
	check := func(op string, got DD, want *big.Float) {
		diff := new(big.Float).SetPrec(300).Sub(toBig(got), want)
		rel, _ := new(big.Float).Quo(diff, want).Float64()
		if math.Abs(rel) > 1e-30 { // 2⁻¹⁰⁴ ≈ 4.9e-32; allow ~20 ulps
			t.Errorf("%s: relative error %g", op, rel)
		}
	}
	for _, a := range vals {
		for _, b := range vals {
			A, B := toBig(a), toBig(b)
			check("add", Add(a, b), new(big.Float).SetPrec(300).Add(A, B))
			check("mul", Mul(a, b), new(big.Float).SetPrec(300).Mul(A, B))
			check("div", Div(a, b), new(big.Float).SetPrec(300).Quo(A, B))
		}
		if a.Hi > 0 {
			check("sqrt", Sqrt(a), new(big.Float).SetPrec(300).Sqrt(toBig(a)))
		}
	}
}

// FuzzParseDD: Parse refuses what is not a decimal number
// (internal/numtext: no hexadecimal, digit separators, binary exponents or
// words); a decimal strconv.ParseFloat reads as a finite number it reads too, with hi the same correctly rounded float64 and hi+lo
// within 2⁻¹⁰⁰ relative of the decimal value.
func FuzzParseDD(f *testing.F) {
	for _, s := range []string{"0.1", "-6.860120914", "1E0", "15.00E0", "-.5", "3.1415926535897932384626433832795", "1e-300", "0", "0x1p-2", "1_000", "1p3", "Inf", "-nan", " 2.5 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		if !numtext.Decimal(strings.TrimSpace(s)) {
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error: not a decimal number", s, got)
			}
			return
		}
		s = strings.TrimSpace(s)
		v, verr := strconv.ParseFloat(s, 64)
		if verr != nil || math.IsInf(v, 0) {
			if err == nil {
				t.Fatalf("Parse(%q) = %v, strconv: %v", s, got, verr)
			}
			return
		}
		if err != nil {
			t.Fatalf("Parse(%q): %v; strconv reads %v", s, err, v)
		}
		if got.Hi != v {
			// Double rounding (to 200 bits, then 53) can differ from
			// correct rounding only for decimals within 2⁻²⁰⁰ of a
			// float64 midpoint.
			t.Errorf("Parse(%q).Hi = %v, strconv %v", s, got.Hi, v)
		}
		exact, _, perr := big.ParseFloat(s, 10, 400, big.ToNearestEven)
		if perr != nil || exact.Sign() == 0 {
			return // an exponent beyond big.Float's: the value (0) was checked against strconv above
		}
		sum := new(big.Float).SetPrec(400).SetFloat64(got.Hi)
		sum.Add(sum, new(big.Float).SetFloat64(got.Lo))
		sum.Sub(sum, exact)
		rel, _ := sum.Quo(sum, exact).Float64()
		if math.Abs(rel) > 0x1p-100 && math.Abs(v) > 1e-290 { // lo may be subnormal near underflow
			t.Errorf("Parse(%q): hi+lo off by %g relative", s, rel)
		}
	})
}
