package linear

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// correlated returns an n×d design whose columns are z₀ + t·z_j (z
// standard normal), shifted by 1000·j and scaled by 1+j. The standardised
// columns have correlation ρ = 1/(1+t²), so the standardised Gram matrix
// has eigenvalues 1+(d−1)ρ (once) and 1−ρ, and
// cond = √((1+(d−1)ρ)/(1−ρ)) ≈ √d/t for small t (with an intercept; the
// shifts make a design without intercept far worse conditioned, so those
// tests use shift 0). y = 1 + Σ x_j/(j+1) + noise.
func correlated(seed uint64, n, d int, t, noise float64) (*mat.Dense, []float64, float64) {
	return correlatedShift(seed, n, d, t, noise, 1000)
}

func correlatedShift(seed uint64, n, d int, t, noise, shift float64) (*mat.Dense, []float64, float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		z0 := rng.NormFloat64()
		s := 1.0
		for j := 0; j < d; j++ {
			v := shift*float64(j) + float64(1+j)*(z0+t*rng.NormFloat64())
			x.Set(i, j, v)
			s += v / float64(j+1)
		}
		y[i] = s + noise*rng.NormFloat64()
	}
	rho := 1 / (1 + t*t)
	return x, y, math.Sqrt((1 + float64(d-1)*rho) / (1 - rho))
}

// TestGramAgreesWithDoubleDouble compares the Gram path (Precision Double)
// with the double-double QR on designs from well to moderately
// ill-conditioned, with and without intercept and weights.
func TestGramAgreesWithDoubleDouble(t *testing.T) {
	const n, d = 6000, 8
	wts := make([]float64, n)
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range wts {
		wts[i] = rng.Float64() * 3
		if i%10 == 0 {
			wts[i] = 0 // zero-weight rows take no part
		}
	}
	for _, tc := range []struct {
		name  string
		t     float64
		w     []float64
		noInt bool
		noise float64
	}{
		{"cond≈4", 1, nil, false, 0.5},
		{"cond≈300", 0.01, nil, false, 0.5},
		{"cond≈3000", 0.001, nil, false, 0.5},
		{"cond≈3000/weighted", 0.001, wts, false, 0.5},
		{"cond≈300/no-intercept", 0.01, nil, true, 0.5},
		{"cond≈300/weighted/no-intercept", 0.01, wts, true, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shift := 1000.0
			if tc.noInt {
				shift = 0
			}
			x, y, _ := correlatedShift(5, n, d, tc.t, tc.noise, shift)
			s := Settings{Weights: tc.w, NoIntercept: tc.noInt}
			fast, ok, err := fitGram(x, y, &s)
			if err != nil || !ok {
				t.Fatalf("Gram path declined (ok=%v, err=%v)", ok, err)
			}
			s.Precision = DoubleDouble
			ref, err := Solve(x, y, &s)
			if err != nil {
				t.Fatal(err)
			}
			nobs := n // rows with positive weight (Result.N)
			if tc.w != nil {
				nobs -= n / 10
			}
			if fast.Rank != d || fast.Aliased != nil || fast.DF != ref.DF || fast.N != nobs || ref.N != nobs {
				t.Fatalf("rank %d aliased %v df %d n %d (double-double %d), want %d, none, %d, %d", fast.Rank, fast.Aliased, fast.DF, fast.N, ref.N, d, ref.DF, nobs)
			}
			cond := ref.Cond
			// Coefficients: a backward-stable solver (Householder QR)
			// has forward error ≲ cond·ε·(1 + cond·ρ)·‖γ‖, ρ =
			// ‖r‖/(‖Ã‖‖γ‖) (Wedin's bound; Higham 2002, Thm 20.1), errors
			// taken on the standardised scale (column j has scale 1+j).
			// Without refinement the Gram path's error would be of order
			// cond²·ε, beyond this bound by 10² at cond = 3000.
			s.Precision = Double
			hh, err := fitFloat(x, y, &s)
			if err != nil {
				t.Fatal(err)
			}
			var gmax, g2 float64
			for j, c := range ref.Coef {
				v := c * float64(1+j)
				gmax = math.Max(gmax, math.Abs(v))
				g2 += v * v
			}
			rho := math.Sqrt(ref.RSS) / (ref.SingularValues[0] * math.Sqrt(g2))
			var errGram, errQR float64
			for j := range ref.Coef {
				errGram = math.Max(errGram, math.Abs(fast.Coef[j]-ref.Coef[j])*float64(1+j))
				errQR = math.Max(errQR, math.Abs(hh.Coef[j]-ref.Coef[j])*float64(1+j))
			}
			tol := 4 * cond * eps * (1 + cond*rho) * gmax
			t.Logf("cond %.3g: coefficient error Gram %.2g, Householder %.2g, bound %.2g; cond rel. error %.2g; RSS rel. error %.2g",
				cond, errGram, errQR, tol, relDiff(fast.Cond, ref.Cond), relDiff(fast.RSS, ref.RSS))
			if errGram > tol {
				t.Errorf("coefficient error %.3g > %.3g (Householder QR: %.3g)", errGram, tol, errQR)
			}
			// The intercept carries the means (up to 7000) times the
			// coefficient errors.
			if !tc.noInt {
				if e := math.Abs(fast.Intercept - ref.Intercept); e > 1e4*tol {
					t.Errorf("intercept %v, double-double %v", fast.Intercept, ref.Intercept)
				}
			}
			// Cond, singular values and Unscaled come from the Cholesky
			// factor of the Gram matrix, whose relative error ε_G·cond²
			// is at most 64·ε·cond² (ε_G a few ε times √(block rows)).
			ctol := 64 * eps * cond * cond
			if e := relDiff(fast.Cond, ref.Cond); e > ctol {
				t.Errorf("cond %v, double-double %v (rel. error %.2g > %.2g)", fast.Cond, ref.Cond, e, ctol)
			}
			for j := range ref.SingularValues {
				if e := relDiff(fast.SingularValues[j], ref.SingularValues[j]); e > ctol {
					t.Errorf("σ_%d %v, double-double %v", j, fast.SingularValues[j], ref.SingularValues[j])
				}
			}
			// Unscaled: diagonal entries (the variances) to ctol relative.
			checkSumsAgainstDD(t, fast, ref, ctol)
			// Residuals: each is yᵢ − b − xᵢβ in float64, rounding error
			// up to ≈ ε·Σ|x_ij β_j| ≈ ε·10⁴ here, plus the coefficient
			// error times |xᵢ|.
			for i, r := range ref.Residuals {
				if e := math.Abs(fast.Residuals[i] - r); e > 1e-8 {
					t.Fatalf("residual %d: %v, double-double %v", i, fast.Residuals[i], r)
				}
			}
		})
	}
}

// TestGramDeclines: the Gram path hands ill-conditioned, rank-deficient
// and penalised problems to Householder QR.
func TestGramDeclines(t *testing.T) {
	x, y, cond := correlated(6, 3000, 6, 1e-5, 0.1)
	if cond < 10*gramCondLimit {
		t.Fatalf("test design cond %v is not ill-conditioned enough", cond)
	}
	if _, ok, _ := fitGram(x, y, &Settings{}); ok {
		t.Errorf("cond %.3g: Gram path accepted", cond)
	}
	r, err := Solve(x, y, &Settings{Precision: Double})
	if err != nil || r.Rank != 6 || relDiff(r.Cond, cond) > 0.1 {
		t.Errorf("fallback: rank %d cond %v (want 6, ≈%v), err %v", r.Rank, r.Cond, cond, err)
	}
	xc, yc := randomProblem(2, 500, 4)
	for j := 0; j < 500; j++ {
		xc.Set(j, 3, xc.At(j, 0)+xc.At(j, 1))
	}
	if _, ok, _ := fitGram(xc, yc, &Settings{}); ok {
		t.Error("rank-deficient design: Gram path accepted")
	}
	if r, err := Solve(xc, yc, &Settings{Precision: Double}); err != nil || r.Rank != 3 || len(r.Aliased) != 1 {
		t.Errorf("rank-deficient fallback: rank %v aliased %v err %v", r.Rank, r.Aliased, err)
	}
	if _, ok, _ := fitGram(xc, yc, &Settings{Ridge: 0.1}); ok {
		t.Error("ridge: Gram path accepted")
	}
	// A rank tolerance near 1/cond must be decided by pivoted QR.
	xw, yw, cw := correlated(7, 2000, 4, 0.01, 0.1)
	if _, ok, _ := fitGram(xw, yw, &Settings{RCond: 1 / cw}); ok {
		t.Error("RCond 1/cond: Gram path accepted")
	}
}

// TestGramDeterministic: bit-identical results for GOMAXPROCS 1 and 2
// (the row blocks and the order of their reduction depend only on n, d).
func TestGramDeterministic(t *testing.T) {
	x, y, _ := correlated(8, 5*gramMinRows+17, 12, 0.05, 1)
	if nb := newRowBlocks(x.RawMatrix().Rows, 12).nb; nb < 3 {
		t.Fatalf("only %d blocks", nb)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var res [2]*Result
	for k, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		r, ok, err := fitGram(x, y, &Settings{})
		if err != nil || !ok {
			t.Fatalf("GOMAXPROCS=%d: ok=%v err=%v", procs, ok, err)
		}
		res[k] = r
	}
	a, b := res[0], res[1]
	same := a.Intercept == b.Intercept && a.RSS == b.RSS && a.TSS == b.TSS && a.Cond == b.Cond
	for j := range a.Coef {
		same = same && a.Coef[j] == b.Coef[j]
	}
	for i := range a.Residuals {
		same = same && a.Residuals[i] == b.Residuals[i]
	}
	if !same || !mat.Equal(a.Unscaled, b.Unscaled) {
		t.Error("GOMAXPROCS 1 and 2 give different bits")
	}
}

// TestPanelLayoutSameBits: the Gram path's Gram matrix and the CholeskyQR2
// factor (both of its Gram passes) have the same bits with panels by rows
// and packed (kernel.Panel), for GOMAXPROCS 1 and 2, at a width below
// kernel.PackWidth (by rows by default) and one above it (packed by
// default); weighted, with zero weights, and rows of stride d+3. The two
// layouts take the same fused multiply-adds in the same order.
func TestPanelLayoutSameBits(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	defer func(p func(int) bool) { packs = p }(packs)
	for _, d := range []int{100, 520} {
		if packs(gramWidth(d)) != (d > 500) || packs(cqrWidth(d)) != (d > 500) {
			t.Fatalf("d = %d is not on the intended side of kernel.PackWidth", d)
		}
		n := 3*gramMinRows + 17
		rng := rand.New(rand.NewPCG(uint64(d), 7))
		wide := mat.NewDense(n, d+3, nil)
		y, w := make([]float64, n), make([]float64, n)
		for i := range n {
			for j := range d + 3 {
				wide.Set(i, j, rng.NormFloat64()+float64(j))
			}
			y[i] = rng.NormFloat64()
			w[i] = float64(i % 3) // every third row weightless
		}
		x := wide.Slice(0, n, 0, d).(*mat.Dense)
		raw := x.RawMatrix()
		f := &gramFit{xs: raw.Data, stride: raw.Stride, y: y, w: w, n: n, d: d, intercept: true, rb: newRowBlocks(n, d)}
		if f.rb.nb < 3 {
			t.Fatalf("d = %d: only %d blocks", d, f.rb.nb)
		}
		mh := f.provisionalMeans()
		m := parallelMoments(x, y, w, true, tsqrBlocks(n))
		var want [2][]float64 // by rows, GOMAXPROCS 1
		for _, packed := range []bool{false, true} {
			for _, procs := range []int{1, 2} {
				packs = func(int) bool { return packed }
				runtime.GOMAXPROCS(procs)
				got := [2][]float64{f.gram(mh), cholqrFactor(x, y, w, &m, nil)}
				if got[1] == nil {
					t.Fatalf("d = %d: CholeskyQR2 declined", d)
				}
				if want[0] == nil {
					want = got
					continue
				}
				for k, name := range []string{"Gram matrix", "CholeskyQR2 factor"} {
					for i := range want[k] {
						if math.Float64bits(got[k][i]) != math.Float64bits(want[k][i]) {
							t.Fatalf("d = %d, packed %v, GOMAXPROCS %d: %s entry %d = %v, by rows on one thread %v",
								d, packed, procs, name, i, got[k][i], want[k][i])
						}
					}
				}
			}
		}
	}
}

// TestGramDataErrors: the Gram path reports the first non-finite value in
// row order (y before the row's x), as Solve does on every path.
func TestGramDataErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		row, col int // col −1: y
		v        float64
	}{
		{"NaN in x", 9000, 3, math.NaN()},
		{"+Inf in y", 7000, -1, math.Inf(1)},
		{"-Inf in x, first row", 0, 0, math.Inf(-1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y, _ := correlated(9, 8*gramMinRows, 5, 0.5, 1)
			if tc.col < 0 {
				y[tc.row] = tc.v
			} else {
				x.Set(tc.row, tc.col, tc.v)
			}
			x.Set(tc.row+3000, 1, math.NaN()) // a later one, in another block
			_, err := Solve(x, y, &Settings{Precision: Double})
			var de *DataError
			if !errors.As(err, &de) || de.Row != tc.row || de.Col != tc.col {
				t.Fatalf("error %v, want a DataError at row %d, column %d", err, tc.row, tc.col)
			}
		})
	}
}

// TestGramTrend: provisional means sampled across the rows keep the
// centring exact when the level of the columns drifts along the rows.
func TestGramTrend(t *testing.T) {
	x, y, _ := correlated(10, 20000, 4, 0.3, 1)
	for i := 0; i < 20000; i++ {
		x.Set(i, 0, x.At(i, 0)+1e5*float64(i/5000)) // four plateaus in column 0
	}
	fast, ok, err := fitGram(x, y, &Settings{})
	if err != nil || !ok {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	ref, err := Solve(x, y, &Settings{Precision: DoubleDouble})
	if err != nil {
		t.Fatal(err)
	}
	// Relative coefficient error within 1e3·cond·ε: QR's first-order
	// bound cond·ε with room for the residual term (noise 1, ρ ≈ 1/30).
	for j := range ref.Coef {
		if e := relDiff(fast.Coef[j], ref.Coef[j]); e > 1e3*ref.Cond*eps {
			t.Errorf("coef %d: %v, double-double %v (cond %.3g)", j, fast.Coef[j], ref.Coef[j], ref.Cond)
		}
	}
}

// TestGramEdges: zero weights, overflowing squares and constant columns
// on the Double path give what Householder QR gives.
func TestGramEdges(t *testing.T) {
	x, y, _ := correlated(15, 3000, 3, 0.5, 1)
	if _, err := Solve(x, y, &Settings{Precision: Double, Weights: make([]float64, 3000)}); err == nil {
		t.Error("all weights zero: no error")
	}
	// Squares of 1e200 overflow: the Gram path must decline, not fail.
	big := mat.DenseCopyOf(x)
	big.Scale(1e200, big)
	yb := make([]float64, len(y))
	for i := range y {
		yb[i] = 1e200 * y[i]
	}
	if _, ok, err := fitGram(big, yb, &Settings{}); ok || err != nil {
		t.Errorf("overflowing squares: ok=%v err=%v", ok, err)
	}
	// A constant column is aliased with the intercept.
	xc := mat.DenseCopyOf(x)
	for i := 0; i < 3000; i++ {
		xc.Set(i, 1, 0.1)
	}
	r, err := Solve(xc, y, &Settings{Precision: Double})
	if err != nil || r.Rank != 2 || len(r.Aliased) != 1 || r.Aliased[0] != 1 {
		t.Errorf("constant column: rank %d aliased %v err %v", r.Rank, r.Aliased, err)
	}
	// Two rows more than columns: the smallest problem the path takes.
	// RSS is stationary at the optimum, so its relative error is that of
	// rounding each residual, ε·Σ|x_ij β_j|/|r_i|, which 1e-8 allows for
	// residuals down to about 10⁻⁸ of the terms (here about 10⁻¹).
	xs, ys, _ := correlated(16, 6, 4, 0.5, 1)
	fast, ok, err := fitGram(xs, ys, &Settings{})
	ref, err2 := Solve(xs, ys, &Settings{Precision: DoubleDouble})
	if !ok || err != nil || err2 != nil || fast.DF != 1 || relDiff(fast.RSS, ref.RSS) > 1e-8 {
		t.Errorf("n = d+2: ok=%v err=%v df=%d RSS %v, double-double %v", ok, err, fast.DF, fast.RSS, ref.RSS)
	}
}

// checkSumsAgainstDD compares a float64 fit's variances (the diagonal of
// Unscaled, to utol relative) and sums with the double-double fit's: RSS is
// stationary at the solution, so its relative error is of order
// ε·(1 + the squared coefficient error) — 1e-10 leaves room for
// coefficients good to 1e-5; TSS and Σw are plain sums of the tests' 6000
// terms, whose rounding is typically √n·ε ≈ 1e-14 (1e-12 and 1e-13 leave
// two and one orders of margin; these tolerances are the ones both tests
// used before they shared this check).
func checkSumsAgainstDD(t *testing.T, fast, ref *Result, utol float64) {
	t.Helper()
	for j := 0; j < ref.Unscaled.SymmetricDim(); j++ {
		if e := relDiff(fast.Unscaled.At(j, j), ref.Unscaled.At(j, j)); e > utol {
			t.Errorf("Unscaled[%d][%d] = %v, double-double %v (rel. error %.2g)", j, j, fast.Unscaled.At(j, j), ref.Unscaled.At(j, j), e)
		}
	}
	if e := relDiff(fast.RSS, ref.RSS); e > 1e-10 {
		t.Errorf("RSS %v, double-double %v (rel. error %.2g)", fast.RSS, ref.RSS, e)
	}
	if e := relDiff(fast.TSS, ref.TSS); e > 1e-12 {
		t.Errorf("TSS %v, double-double %v", fast.TSS, ref.TSS)
	}
	if e := relDiff(fast.SumWeights, ref.SumWeights); e > 1e-13 {
		t.Errorf("SumWeights %v, double-double %v", fast.SumWeights, ref.SumWeights)
	}
}
