package stream

import (
	xdd "github.com/lsqgo/lsq/internal/dd"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The double-double operations agree with math/big to their documented
// accuracy: about 2⁻¹⁰⁴ relative for products, quotients and square roots,
// and 2⁻¹⁰⁴(|a|+|b|) for sums (Hida, Li and Bailey 2001 prove bounds of a
// few units of 2⁻¹⁰⁶; 2⁻¹⁰⁰ leaves a margin of 16 such units).
func TestDDAgainstBig(t *testing.T) {
	const tol = 0x1p-100
	rng := rand.New(rand.NewPCG(5, 8))
	rnd := func() dd {
		hi := (rng.Float64() - 0.5) * math.Ldexp(1, rng.IntN(40)-20)
		lo := hi * (rng.Float64() - 0.5) * 0x1p-53
		s, e := xdd.QuickTwoSum(hi, lo)
		return dd{Hi: s, Lo: e}
	}
	toBig := func(x dd) *big.Float {
		f := new(big.Float).SetPrec(300).SetFloat64(x.Hi)
		return f.Add(f, new(big.Float).SetPrec(300).SetFloat64(x.Lo))
	}
	// relErr returns |got − want| / scale.
	relErr := func(got dd, want, scale *big.Float) float64 {
		d := new(big.Float).SetPrec(300).Sub(toBig(got), want)
		d.Quo(d, scale)
		f, _ := d.Float64()
		return math.Abs(f)
	}
	abs := func(f *big.Float) *big.Float { return new(big.Float).SetPrec(300).Abs(f) }
	nb := func() *big.Float { return new(big.Float).SetPrec(300) }
	for i := 0; i < 2000; i++ {
		a, b := rnd(), rnd()
		if i%10 == 0 {
			// Near-cancellation: b ≈ −a, the case the accurate sum is for.
			b = xdd.Add(a.Neg(), dd{Hi: a.Hi * 0x1p-40 * (rng.Float64() - 0.5), Lo: 0})
		}
		ba, bb := toBig(a), toBig(b)
		sumScale := nb().Add(abs(ba), abs(bb))
		if e := relErr(xdd.Add(a, b), nb().Add(ba, bb), sumScale); e > tol {
			t.Errorf("xdd.Add(%v, %v): error %.3g of |a|+|b|", a, b, e)
		}
		if e := relErr(xdd.Sub(a, b), nb().Sub(ba, bb), sumScale); e > tol {
			t.Errorf("xdd.Sub(%v, %v): error %.3g of |a|+|b|", a, b, e)
		}
		prod := nb().Mul(ba, bb)
		if e := relErr(xdd.Mul(a, b), prod, abs(prod)); e > tol {
			t.Errorf("xdd.Mul(%v, %v): relative error %.3g", a, b, e)
		}
		pf := nb().Mul(ba, nb().SetFloat64(b.Hi))
		if e := relErr(xdd.MulF(a, b.Hi), pf, abs(pf)); e > tol {
			t.Errorf("xdd.MulF(%v, %v): relative error %.3g", a, b.Hi, e)
		}
		q := nb().Quo(ba, bb)
		if e := relErr(xdd.Div(a, b), q, abs(q)); e > tol {
			t.Errorf("xdd.Div(%v, %v): relative error %.3g", a, b, e)
		}
		sq := nb().Sqrt(abs(ba))
		if e := relErr(xdd.Sqrt(dd{Hi: math.Abs(a.Hi), Lo: math.Copysign(1, a.Hi) * a.Lo}), sq, sq); e > tol {
			t.Errorf("xdd.Sqrt(|%v|): relative error %.3g", a, e)
		}
	}
	// The norm neither overflows nor underflows where float64 squares would.
	for _, s := range []float64{0x1p600, 0x1p-600} {
		x := []dd{{Hi: 3 * s}, {Hi: 4 * s}}
		if got := xdd.Norm(x); got.Hi != 5*s || got.Lo != 0 {
			t.Errorf("xdd.Norm(3s, 4s) with s = %g: %v, want exactly 5s", s, got)
		}
	}
}
