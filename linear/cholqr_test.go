package linear

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestCholQRFactorMatchesTSQR compares the two factors of the standardised
// [A | b] directly, rows normalised to a positive diagonal (both are R of
// a QR factorisation, unique up to the signs of its rows): on full-rank
// designs up to condition 3·10⁶, weighted (with zero weights) or not, with
// or without intercept. Both are backward stable, so each differs from the
// exact factor by O(ε·cond) relative to the norm of its column (Higham
// 2002, Thm 19.4 and §19.9: R's first-order sensitivity is cond times the
// backward error); 64·ε·cond bounds the difference.
func TestCholQRFactorMatchesTSQR(t *testing.T) {
	const n, d = 6000, 8
	wts := make([]float64, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range wts {
		wts[i] = rng.Float64() * 2
		if i%7 == 0 {
			wts[i] = 0
		}
	}
	for _, tc := range []struct {
		name  string
		t     float64
		w     []float64
		noInt bool
	}{
		{"cond≈3e2", 1e-2, nil, false},
		{"cond≈3e6", 1e-6, nil, false},
		{"cond≈3e5/weighted", 1e-5, wts, false},
		{"cond≈3e5/no-intercept", 1e-5, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shift := 1000.0
			if tc.noInt {
				shift = 0
			}
			x, y, _ := correlatedShift(9, n, d, tc.t, 0.5, shift)
			m := parallelMoments(x, y, tc.w, !tc.noInt, tsqrBlocks(n))
			rc := cholqrFactor(x, y, tc.w, &m, nil)
			if rc == nil {
				t.Fatal("CholeskyQR2 factor declined")
			}
			rt := tsqrFactor(x, y, tc.w, &m, tsqrBlocks(n))
			p := d + 1
			_, cond := singularValuesOfR(func(i, j int) float64 { return rt[i*p+j] }, d, d)
			var worst float64
			for j := 0; j < p; j++ {
				var norm float64
				for i := 0; i <= j; i++ {
					norm = math.Hypot(norm, rt[i*p+j])
				}
				for i := 0; i <= j && i < d; i++ {
					a := rc[i*p+j] * math.Copysign(1, rc[i*p+i])
					b := rt[i*p+j] * math.Copysign(1, rt[i*p+i])
					e := math.Abs(a - b)
					worst = math.Max(worst, e/(eps*cond*norm))
					if e > 64*eps*cond*norm {
						t.Errorf("R[%d][%d]: CholeskyQR2 %v, TSQR %v (difference %.2g > %.2g)", i, j, a, b, e, 64*eps*cond*norm)
					}
				}
			}
			t.Logf("cond %.2g: largest difference %.2g·ε·cond·‖column‖", cond, worst)
		})
	}
}

// TestCholQRDeclines: a design whose nearly dependent columns are nearly
// parallel among themselves after their common part is removed (two
// columns within 10⁻⁶ of a third and within 10⁻¹³·‖x‖ of each other, far
// above rounding) is beyond one Cholesky step of their residuals: the
// factor declines, and fitTall gives TSQR's result bit for bit.
func TestCholQRDeclines(t *testing.T) {
	const n, d = 6000, 6
	x, y, _ := correlated(4, n, d, 0.5, 0.5)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range n {
		z, z2 := rng.NormFloat64(), rng.NormFloat64()
		x.Set(i, 4, x.At(i, 1)+1e-6*z)
		x.Set(i, 5, x.At(i, 1)+1e-6*z+1e-13*z2)
	}
	s := &Settings{Precision: Double}
	m := parallelMoments(x, y, nil, true, tsqrBlocks(n))
	if cholqrFactor(x, y, nil, &m, nil) != nil {
		t.Fatal("CholeskyQR2 factor did not decline")
	}
	got, used, err := fitTall(x, y, s, true, nil)
	if err != nil || used {
		t.Fatalf("used %v, err %v", used, err)
	}
	want, _, err := fitTall(x, y, s, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for j := range want.Coef {
		if got.Coef[j] != want.Coef[j] {
			t.Fatalf("coef %d: %v, TSQR %v", j, got.Coef[j], want.Coef[j])
		}
	}
}

// TestCholQRDeterministic: the CholeskyQR2 and the TSQR factors are
// bit-identical for GOMAXPROCS 1, 2 and 3, on a design with a nearly
// collinear column (deflated into K) and weights.
func TestCholQRDeterministic(t *testing.T) {
	n := 9*8*tsqrChunk + 17
	const d = 12
	x, y, _ := correlated(8, n, d, 0.3, 1)
	rng := rand.New(rand.NewPCG(3, 3))
	w := make([]float64, n)
	for i := range n {
		x.Set(i, 3, x.At(i, 0)+1e-7*rng.NormFloat64())
		w[i] = rng.Float64()
	}
	if nb := newRowBlocks(n, d).nb; nb < 3 {
		t.Fatalf("only %d blocks", nb)
	}
	m := parallelMoments(x, y, w, true, tsqrBlocks(n))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var rc, rt [3][]float64
	for k, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		rc[k] = cholqrFactor(x, y, w, &m, nil)
		rt[k] = tsqrFactor(x, y, w, &m, tsqrBlocks(n))
		if rc[k] == nil {
			t.Fatal("CholeskyQR2 factor declined")
		}
	}
	for k := 1; k < 3; k++ {
		for i := range rc[0] {
			if rc[k][i] != rc[0][i] || rt[k][i] != rt[0][i] {
				t.Fatalf("GOMAXPROCS 1 and %d give different bits at %d", k+1, i)
			}
		}
	}
}
