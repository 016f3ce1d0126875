package linear

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/lsqgo/lsq/internal/testproblems"
	"gonum.org/v1/gonum/mat"
)

// TestTSQRAgreesWithDoubleDouble compares the parallel TSQR path with the
// double-double QR on the designs the Gram path declines: condition numbers
// 3·10⁴ to 3·10⁶, with and without intercept and weights, and ridge.
func TestTSQRAgreesWithDoubleDouble(t *testing.T) {
	const n, d = 6000, 8
	wts := make([]float64, n)
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range wts {
		wts[i] = rng.Float64() * 3
		if i%10 == 0 {
			wts[i] = 0
		}
	}
	for _, tc := range []struct {
		name  string
		t     float64
		w     []float64
		noInt bool
	}{
		{"cond≈3e4", 1e-4, nil, false},
		{"cond≈3e6", 1e-6, nil, false},
		{"cond≈3e6/weighted", 1e-6, wts, false},
		{"cond≈3e5/no-intercept", 1e-5, nil, true},
		{"cond≈3e5/weighted/no-intercept", 1e-5, wts, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shift := 1000.0
			if tc.noInt {
				shift = 0
			}
			x, y, _ := correlatedShift(5, n, d, tc.t, 0.5, shift)
			s := Settings{Weights: tc.w, NoIntercept: tc.noInt}
			if !tsqrEligible(n, d, &s) {
				t.Fatal("not eligible for TSQR")
			}
			ref, err := Solve(x, y, &Settings{Weights: tc.w, NoIntercept: tc.noInt, Precision: DoubleDouble})
			if err != nil {
				t.Fatal(err)
			}
			// TSQR, CholeskyQR2, and CholeskyQR2 from the declined Gram
			// attempt's moments and Gram matrix, as Solve does.
			_, start, ok, err := fitGramStart(x, y, &s)
			if ok || err != nil || start == nil {
				t.Fatalf("Gram attempt: ok %v, err %v, start %v", ok, err, start != nil)
			}
			for _, v := range []struct {
				name string
				cq   bool
				st   *gramStart
			}{{"TSQR", false, nil}, {"CholeskyQR2", true, nil}, {"CholeskyQR2 from the Gram attempt", true, start}} {
				fast, used, err := fitTall(x, y, &s, v.cq, v.st)
				if err != nil {
					t.Fatal(err)
				}
				if used != v.cq {
					t.Fatalf("%s: CholeskyQR2 factor used: %v", v.name, used)
				}
				t.Log(v.name)
				checkTallAgainstDD(t, fast, ref, d)
			}
		})
	}
}

// checkTallAgainstDD compares a fit of correlatedShift's design (column j
// with scale 1+j) by fitTall with the double-double fit, within the bounds
// of a backward-stable solver.
func checkTallAgainstDD(t *testing.T, fast, ref *Result, d int) {
	t.Helper()
	if fast.Rank != d || fast.Aliased != nil || fast.DF != ref.DF || fast.N != ref.N {
		t.Fatalf("rank %d aliased %v df %d n %d, want %d, none, %d, %d", fast.Rank, fast.Aliased, fast.DF, fast.N, d, ref.DF, ref.N)
	}
	cond := ref.Cond
	// Coefficients: Wedin's bound for a backward-stable solver
	// (Higham 2002, Thm 20.1), as in TestGramAgreesWithDoubleDouble:
	// forward error ≲ cond·ε·(1 + cond·ρ)·‖γ‖, ρ = ‖r‖/(‖Ã‖‖γ‖), on
	// the standardised scale (column j has scale 1+j).
	var gmax, g2 float64
	for j, c := range ref.Coef {
		v := c * float64(1+j)
		gmax = math.Max(gmax, math.Abs(v))
		g2 += v * v
	}
	rho := math.Sqrt(ref.RSS) / (ref.SingularValues[0] * math.Sqrt(g2))
	var errTS float64
	for j := range ref.Coef {
		errTS = math.Max(errTS, math.Abs(fast.Coef[j]-ref.Coef[j])*float64(1+j))
	}
	tol := 4 * cond * eps * (1 + cond*rho) * gmax
	t.Logf("cond %.3g: coefficient error %.2g, bound %.2g; cond rel. error %.2g", cond, errTS, tol, relDiff(fast.Cond, ref.Cond))
	if errTS > tol {
		t.Errorf("coefficient error %.3g > %.3g", errTS, tol)
	}
	// Singular values of R from a backward-stable factorisation:
	// absolute error ≲ a few ε·σ_max·√d (Weyl), relative to σ_k at
	// most that times cond; 64·ε·cond covers it.
	ctol := 64 * eps * cond
	for j := range ref.SingularValues {
		if e := relDiff(fast.SingularValues[j], ref.SingularValues[j]); e > ctol {
			t.Errorf("σ_%d %v, double-double %v (rel. error %.2g > %.2g)", j, fast.SingularValues[j], ref.SingularValues[j], e, ctol)
		}
	}
	// Unscaled = (R̃ᵀR̃)⁻¹: relative error of order ε·cond² in the
	// variances of the worst-determined combinations.
	utol := 64 * eps * cond * cond
	checkSumsAgainstDD(t, fast, ref, utol)
	// Residuals: the coefficient error times |xᵢ| (up to 7000·8)
	// plus rounding of yᵢ − b − xᵢβ.
	rtol := 1e-8 + 8*7000*tol
	for i, r := range ref.Residuals {
		if e := math.Abs(fast.Residuals[i] - r); e > rtol {
			t.Fatalf("residual %d: %v, double-double %v", i, fast.Residuals[i], r)
		}
	}
}

// TestTSQRRidgeAndRankDeficient: ridge fits and a design with an exactly
// collinear column go through fitTall, its factor by deflated CholeskyQR2
// (asserted), and agree with the serial Householder path and the
// double-double path.
func TestTSQRRidgeAndRankDeficient(t *testing.T) {
	const n, d = 5000, 6
	x, y, _ := correlated(3, n, d, 0.3, 0.5)
	// Column 5 = column 1 + 2·column 2, exactly in float64 for these
	// integers-plus-noise values up to rounding of the sum (a relative
	// 1e-16 perturbation, far below the rank tolerance max(n,d)·ε).
	for i := range n {
		x.Set(i, 5, x.At(i, 1)+2*x.At(i, 2))
	}
	for _, tc := range []struct {
		name  string
		ridge float64
	}{{"collinear", 0}, {"collinear/ridge", 0.05}} {
		t.Run(tc.name, func(t *testing.T) {
			s := Settings{Ridge: tc.ridge, Precision: Double}
			fast, err := Solve(x, y, &s)
			if err != nil {
				t.Fatal(err)
			}
			// What Solve did: the factor by CholeskyQR2, from the declined
			// Gram attempt's moments and Gram matrix when there is one.
			_, start, ok, err := fitGramStart(x, y, &s)
			if ok || err != nil || (start == nil) != (tc.ridge > 0) {
				t.Fatalf("Gram attempt: ok %v, err %v, start %v", ok, err, start != nil)
			}
			again, used, err := fitTall(x, y, &s, true, start)
			if err != nil || !used {
				t.Fatalf("CholeskyQR2 factor declined (%v)", err)
			}
			if again.Coef[0] != fast.Coef[0] {
				t.Fatalf("Solve did not take this path: coef %v, %v", fast.Coef[0], again.Coef[0])
			}
			serial, err := fitFloat(x, y, &s)
			if err != nil {
				t.Fatal(err)
			}
			s.Precision = DoubleDouble
			ref, err := Solve(x, y, &s)
			if err != nil {
				t.Fatal(err)
			}
			// Which of the three collinear columns (1, 2, 5) is named
			// aliased depends on the pivoting's tie-breaks, which rounding
			// decides: any of them is right. The rank is not in doubt.
			t.Logf("aliased: CholeskyQR2 %v, serial Householder %v, double-double %v", fast.Aliased, serial.Aliased, ref.Aliased)
			if fast.Rank != d-1 || ref.Rank != d-1 || fast.DF != ref.DF || len(fast.Aliased) != 1 {
				t.Fatalf("rank %d aliased %v df %d; double-double %d %v %d; want rank %d", fast.Rank, fast.Aliased, fast.DF, ref.Rank, ref.Aliased, ref.DF, d-1)
			}
			if a := fast.Aliased[0]; a != 1 && a != 2 && a != 5 {
				t.Fatalf("aliased column %d is not one of the collinear 1, 2, 5", a)
			}
			// The minimum-norm solution (or the ridge solution) of a
			// design whose nonzero singular values span a condition
			// number of ≈ 10: every float64 method agrees to ~1e-13
			// relative; 1e-10 leaves room for the aliased direction,
			// which the rank tolerance cuts at max(n,d)·ε.
			for j := range ref.Coef {
				if e := relDiff(fast.Coef[j], ref.Coef[j]); e > 1e-10 {
					t.Errorf("coef %d: TSQR %v, double-double %v", j, fast.Coef[j], ref.Coef[j])
				}
				if e := relDiff(fast.Coef[j], serial.Coef[j]); e > 1e-10 {
					t.Errorf("coef %d: TSQR %v, serial Householder %v", j, fast.Coef[j], serial.Coef[j])
				}
			}
			if e := relDiff(fast.RSS, ref.RSS); e > 1e-10 {
				t.Errorf("RSS %v, double-double %v", fast.RSS, ref.RSS)
			}
			if tc.ridge == 0 {
				for j := 0; j < d+1; j++ {
					if e := relDiff(fast.Unscaled.At(j, j), serial.Unscaled.At(j, j)); e > 1e-8 {
						t.Errorf("pseudo-inverse diagonal %d: TSQR %v, serial %v", j, fast.Unscaled.At(j, j), serial.Unscaled.At(j, j))
					}
				}
			}
		})
	}
}

// TestTSQRNIST: every NIST StRD linear problem, its rows repeated until
// there are at least 4096 (the least-squares solution and R² are those of
// the certified data), solved in float64 with the TSQR factor and with the
// CholeskyQR2 factor (all eleven take it, Filip's condition number 4·10⁹
// and Wampler1's exact fit included): TSQR as many correct digits in the
// coefficients and R² as the serial Householder path on the same rows, less
// one, and CholeskyQR2 as many as TSQR, less half a digit.
func TestTSQRNIST(t *testing.T) {
	for _, p := range testproblems.LinearProblems() {
		x0 := designDense(p)
		n0, d := x0.Dims()
		reps := (tsqrMinRows + n0 - 1) / n0
		x := mat.NewDense(n0*reps, d, nil)
		y := make([]float64, n0*reps)
		for r := range reps {
			for i := range n0 {
				x.SetRow(r*n0+i, x0.RawRowView(i))
				y[r*n0+i] = p.Y[i]
			}
		}
		s := &Settings{NoIntercept: !p.Intercept}
		if !tsqrEligible(n0*reps, d, s) {
			t.Fatalf("%s: not eligible", p.Name)
		}
		lre := func(res *Result) float64 {
			est := append([]float64(nil), res.Coef...)
			if p.Intercept {
				est = append([]float64{res.Intercept}, est...)
			}
			m := testproblems.LRE(1-res.RSS/res.TSS, p.R2, 15)
			for k := range p.Coef {
				m = math.Min(m, testproblems.LRE(est[k], p.Coef[k], 15))
			}
			return m
		}
		ts, _, err := fitTall(x, y, s, false, nil)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		cq, used, err := fitTall(x, y, s, true, nil)
		if err != nil || !used {
			t.Fatalf("%s: CholeskyQR2 factor declined (%v)", p.Name, err)
		}
		se, err := fitFloat(x, y, s)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		lt, lc, ls := lre(ts), lre(cq), lre(se)
		t.Logf("%-9s rows %5d: LRE TSQR %.1f, CholeskyQR2 %.1f, serial Householder %.1f", p.Name, n0*reps, lt, lc, ls)
		if lt < ls-1 {
			t.Errorf("%s: TSQR LRE %.1f, serial Householder %.1f", p.Name, lt, ls)
		}
		// The factor is that of a backward-stable method either way; the
		// digits differ by the rounding of two different orders of
		// operations: allow half a digit.
		if lc < lt-0.5 {
			t.Errorf("%s: CholeskyQR2 LRE %.1f, TSQR %.1f", p.Name, lc, lt)
		}
	}
}

// TestTSQRDeterministic: bit-identical results for GOMAXPROCS 1, 2 and 3,
// with the CholeskyQR2 factor (TestCholQRDeterministic covers TSQR's).
func TestTSQRDeterministic(t *testing.T) {
	x, y, _ := correlated(8, 9*8*tsqrChunk+17, 12, 1e-5, 1)
	if nb := tsqrBlocks(x.RawMatrix().Rows).nb; nb < 3 {
		t.Fatalf("only %d blocks", nb)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var res [3]*Result
	for k, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		r, used, err := fitTall(x, y, &Settings{Precision: Double}, true, nil)
		if err != nil || !used {
			t.Fatalf("CholeskyQR2 factor declined (%v)", err)
		}
		res[k] = r
	}
	for k := 1; k < 3; k++ {
		a, b := res[0], res[k]
		same := a.Intercept == b.Intercept && a.RSS == b.RSS && a.TSS == b.TSS && a.Cond == b.Cond
		for j := range a.Coef {
			same = same && a.Coef[j] == b.Coef[j]
		}
		for i := range a.Residuals {
			same = same && a.Residuals[i] == b.Residuals[i]
		}
		if !same || !mat.Equal(a.Unscaled, b.Unscaled) {
			t.Errorf("GOMAXPROCS 1 and %d give different bits", k+1)
		}
	}
}
