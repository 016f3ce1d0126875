package stream

import (
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
		s, e := fastTwoSum(hi, lo)
		return dd{s, e}
	}
	toBig := func(x dd) *big.Float {
		f := new(big.Float).SetPrec(300).SetFloat64(x.hi)
		return f.Add(f, new(big.Float).SetPrec(300).SetFloat64(x.lo))
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
			b = ddAdd(a.neg(), dd{a.hi * 0x1p-40 * (rng.Float64() - 0.5), 0})
		}
		ba, bb := toBig(a), toBig(b)
		sumScale := nb().Add(abs(ba), abs(bb))
		if e := relErr(ddAdd(a, b), nb().Add(ba, bb), sumScale); e > tol {
			t.Errorf("ddAdd(%v, %v): error %.3g of |a|+|b|", a, b, e)
		}
		if e := relErr(ddSub(a, b), nb().Sub(ba, bb), sumScale); e > tol {
			t.Errorf("ddSub(%v, %v): error %.3g of |a|+|b|", a, b, e)
		}
		prod := nb().Mul(ba, bb)
		if e := relErr(ddMul(a, b), prod, abs(prod)); e > tol {
			t.Errorf("ddMul(%v, %v): relative error %.3g", a, b, e)
		}
		pf := nb().Mul(ba, nb().SetFloat64(b.hi))
		if e := relErr(ddMulF(a, b.hi), pf, abs(pf)); e > tol {
			t.Errorf("ddMulF(%v, %v): relative error %.3g", a, b.hi, e)
		}
		q := nb().Quo(ba, bb)
		if e := relErr(ddDiv(a, b), q, abs(q)); e > tol {
			t.Errorf("ddDiv(%v, %v): relative error %.3g", a, b, e)
		}
		sq := nb().Sqrt(abs(ba))
		if e := relErr(ddSqrt(dd{math.Abs(a.hi), math.Copysign(1, a.hi) * a.lo}), sq, sq); e > tol {
			t.Errorf("ddSqrt(|%v|): relative error %.3g", a, e)
		}
		// ddAxpy: dst + α·x, error relative to |dst| + |α·x|.
		c := rnd()
		dst := []dd{c}
		ddAxpy(dst, a, []dd{b})
		want := nb().Add(toBig(c), prod)
		if e := relErr(dst[0], want, nb().Add(abs(toBig(c)), abs(prod))); e > tol {
			t.Errorf("ddAxpy(%v, %v, %v): error %.3g of |d|+|αx|", c, a, b, e)
		}
	}
	// The norm neither overflows nor underflows where float64 squares would.
	for _, s := range []float64{0x1p600, 0x1p-600} {
		x := []dd{{3 * s, 0}, {4 * s, 0}}
		if got := ddNorm(x); got.hi != 5*s || got.lo != 0 {
			t.Errorf("ddNorm(3s, 4s) with s = %g: %v, want exactly 5s", s, got)
		}
	}
}

// ddAxpy (with the assembly kernel where the CPU has one) gives the same
// bits as ddAxpyGo, for lengths around the kernel's width of four.
func TestDDAxpyKernelBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 21))
	rnd := func() dd {
		hi := (rng.Float64() - 0.5) * math.Ldexp(1, rng.IntN(60)-30)
		s, e := fastTwoSum(hi, hi*(rng.Float64()-0.5)*0x1p-53)
		return dd{s, e}
	}
	for n := 0; n <= 23; n++ {
		for trial := 0; trial < 20; trial++ {
			x, a, b := make([]dd, n), make([]dd, n), make([]dd, n)
			for i := range x {
				x[i], a[i] = rnd(), rnd()
				if trial%4 == 0 {
					a[i] = ddMul(x[i], dd{-1.5, 0}) // cancels against α = 1.5
				}
			}
			copy(b, a)
			alpha := rnd()
			if trial%4 == 0 {
				alpha = dd{1.5, 0}
			}
			ddAxpy(a, alpha, x)
			ddAxpyGo(b, alpha, x)
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("n=%d element %d: kernel %v, Go %v (AVX2 used: %t)", n, i, a[i], b[i], useAVX2)
				}
			}
		}
	}
}
