package kernel

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/lsqgo/lsq/internal/dd"
)

// DDAxpy agrees with math/big to the accuracy of a double-double sum:
// 2⁻¹⁰⁴(|dst| + |α·x|), checked as 2⁻¹⁰⁰ (Hida, Li and Bailey 2001 prove
// bounds of a few units of 2⁻¹⁰⁶), near-cancellations included.
func TestDDAxpyAgainstBig(t *testing.T) {
	const tol = 0x1p-100
	rng := rand.New(rand.NewPCG(5, 8))
	rnd := func() dd.DD {
		hi := (rng.Float64() - 0.5) * math.Ldexp(1, rng.IntN(40)-20)
		lo := hi * (rng.Float64() - 0.5) * 0x1p-53
		s, e := dd.QuickTwoSum(hi, lo)
		return dd.DD{Hi: s, Lo: e}
	}
	nb := func() *big.Float { return new(big.Float).SetPrec(300) }
	toBig := func(x dd.DD) *big.Float {
		f := nb().SetFloat64(x.Hi)
		return f.Add(f, nb().SetFloat64(x.Lo))
	}
	abs := func(f *big.Float) *big.Float { return nb().Abs(f) }
	for i := 0; i < 2000; i++ {
		a, b, c := rnd(), rnd(), rnd()
		if i%10 == 0 {
			// Near-cancellation: dst ≈ −α·x.
			c = dd.Add(dd.Mul(a, b).Neg(), dd.DD{Hi: c.Hi * 0x1p-40, Lo: 0})
		}
		prod := nb().Mul(toBig(a), toBig(b))
		want := nb().Add(toBig(c), prod)
		dst := []dd.DD{c}
		DDAxpy(dst, a, []dd.DD{b})
		e := nb().Sub(toBig(dst[0]), want)
		e.Quo(e, nb().Add(abs(toBig(c)), abs(prod)))
		if f, _ := e.Float64(); math.Abs(f) > tol {
			t.Errorf("DDAxpy(%v, %v, %v): error %.3g of |d|+|αx|", c, a, b, f)
		}
	}
}

// DDAxpy (with the assembly kernel where the CPU has one) gives the same
// bits as ddAxpyGo, for lengths around the kernel's width of four.
func TestDDAxpyKernelBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 21))
	rnd := func() dd.DD {
		hi := (rng.Float64() - 0.5) * math.Ldexp(1, rng.IntN(60)-30)
		s, e := dd.QuickTwoSum(hi, hi*(rng.Float64()-0.5)*0x1p-53)
		return dd.DD{Hi: s, Lo: e}
	}
	for n := 0; n <= 23; n++ {
		for trial := 0; trial < 20; trial++ {
			x, a, b := make([]dd.DD, n), make([]dd.DD, n), make([]dd.DD, n)
			for i := range x {
				x[i], a[i] = rnd(), rnd()
				if trial%4 == 0 {
					a[i] = dd.Mul(x[i], dd.DD{Hi: -1.5, Lo: 0}) // cancels against α = 1.5
				}
			}
			copy(b, a)
			alpha := rnd()
			if trial%4 == 0 {
				alpha = dd.DD{Hi: 1.5, Lo: 0}
			}
			DDAxpy(a, alpha, x)
			ddAxpyGo(b, alpha, x)
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("n=%d element %d: kernel %v, Go %v (AVX2 used: %t)", n, i, a[i], b[i], hasAVX2())
				}
			}
		}
	}
}
