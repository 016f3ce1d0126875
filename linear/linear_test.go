package linear

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomProblem returns a well-conditioned n×d design (standard normal
// entries, column j shifted by j and scaled by 1+j) and y = 1 + Xβ + noise.
func randomProblem(seed uint64, n, d int) (*mat.Dense, []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		s := 1.0
		for j := 0; j < d; j++ {
			v := float64(j) + float64(1+j)*rng.NormFloat64()
			x.Set(i, j, v)
			s += float64(j%3-1) * v
		}
		y[i] = s + 0.5*rng.NormFloat64()
	}
	return x, y
}

func relDiff(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(math.Max(math.Abs(a), math.Abs(b)), 1e-300)
}

// closedForm solves the normal equations of [1 X] with gonum's LU, the
// textbook β = (X̃ᵀX̃)⁻¹X̃ᵀy, for comparison on well-conditioned data.
func closedForm(x *mat.Dense, y []float64, w []float64) (float64, []float64) {
	n, d := x.Dims()
	xt := mat.NewDense(n, d+1, nil)
	yv := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		sw := 1.0
		if w != nil {
			sw = math.Sqrt(w[i])
		}
		xt.Set(i, 0, sw)
		for j := 0; j < d; j++ {
			xt.Set(i, j+1, sw*x.At(i, j))
		}
		yv.SetVec(i, sw*y[i])
	}
	var g mat.Dense
	g.Mul(xt.T(), xt)
	var rhs, sol mat.VecDense
	rhs.MulVec(xt.T(), yv)
	if err := sol.SolveVec(&g, &rhs); err != nil {
		panic(err)
	}
	return sol.AtVec(0), sol.RawVector().Data[1:]
}

func TestMethodsAgreeWithClosedForm(t *testing.T) {
	x, y := randomProblem(1, 200, 5)
	b0, beta := closedForm(x, y, nil)
	for _, s := range []Settings{
		{},
		{Precision: Double},
		{Method: SVD},
		{Method: Cholesky},
	} {
		r, err := Solve(x, y, &s)
		if err != nil {
			t.Fatal(err)
		}
		// The design's condition number is about 10 (printed below), so
		// any backward-stable method agrees with the closed form to a few
		// hundred ε; 1e-11 is a comfortable bound.
		if d := relDiff(r.Intercept, b0); d > 1e-11 {
			t.Errorf("%v/%v: intercept %v, closed form %v", s.Method, r.Precision, r.Intercept, b0)
		}
		for j := range beta {
			if d := relDiff(r.Coef[j], beta[j]); d > 1e-11 {
				t.Errorf("%v/%v: coef %d %v, closed form %v", s.Method, r.Precision, j, r.Coef[j], beta[j])
			}
		}
		if r.Rank != 5 || r.DF != 200-6 || r.Cond > 10 {
			t.Errorf("%v: rank %d df %d cond %v", s.Method, r.Rank, r.DF, r.Cond)
		}
	}
}

// TestNormalEquationsResidual checks ‖X̃ᵀWr‖ ≈ 0 at the solution, relative
// to ‖X̃‖_F·‖√W r‖ (the size of the terms that cancel).
func TestNormalEquationsResidual(t *testing.T) {
	x, y := randomProblem(2, 300, 8)
	n, d := x.Dims()
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 + float64(i%7)
	}
	for _, s := range []Settings{{Weights: w}, {Weights: w, Precision: Double}, {Weights: w, Method: SVD}} {
		r, err := Solve(x, y, &s)
		if err != nil {
			t.Fatal(err)
		}
		var xnorm, rnorm float64
		g := make([]float64, d+1)
		for i := 0; i < n; i++ {
			wr := w[i] * r.Residuals[i]
			g[0] += wr
			xnorm += w[i]
			rnorm += w[i] * r.Residuals[i] * r.Residuals[i]
			for j := 0; j < d; j++ {
				g[j+1] += x.At(i, j) * wr
				xnorm += w[i] * x.At(i, j) * x.At(i, j)
			}
		}
		scale := math.Sqrt(xnorm * rnorm)
		for j, v := range g {
			// Backward stability bounds this by a modest multiple of n·ε.
			if math.Abs(v)/scale > 1e-13 {
				t.Errorf("%v/%v: (XᵀWr)_%d = %v, relative %v", s.Method, r.Precision, j, v, math.Abs(v)/scale)
			}
		}
	}
}

// TestWeightsAsReplication: integer weights are the same as repeating rows.
func TestWeightsAsReplication(t *testing.T) {
	x, y := randomProblem(3, 50, 3)
	n, d := x.Dims()
	w := make([]float64, n)
	var rows [][]float64
	var ys []float64
	for i := range w {
		w[i] = float64(1 + i%3)
		for k := 0; k < int(w[i]); k++ {
			rows = append(rows, mat.Row(nil, i, x))
			ys = append(ys, y[i])
		}
	}
	xr := mat.NewDense(len(rows), d, nil)
	for i, r := range rows {
		xr.SetRow(i, r)
	}
	rw, err := Solve(x, y, &Settings{Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	rr, err := Solve(xr, ys, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Both are double-double solutions of the same problem: agreement to
	// float64 rounding, with a margin of 10 ulps.
	for j := range rw.Coef {
		if d := relDiff(rw.Coef[j], rr.Coef[j]); d > 1e-15 {
			t.Errorf("coef %d: weighted %v, replicated %v", j, rw.Coef[j], rr.Coef[j])
		}
	}
	if d := relDiff(rw.RSS, rr.RSS); d > 1e-15 {
		t.Errorf("RSS weighted %v replicated %v", rw.RSS, rr.RSS)
	}
	for i := 0; i < rw.Unscaled.SymmetricDim(); i++ {
		if d := relDiff(rw.Unscaled.At(i, i), rr.Unscaled.At(i, i)); d > 1e-14 {
			t.Errorf("Unscaled[%d,%d] weighted %v replicated %v", i, i, rw.Unscaled.At(i, i), rr.Unscaled.At(i, i))
		}
	}
}

// TestUnscaledIsInverseGram compares Result.Unscaled with the inverse of
// X̃ᵀWX̃ computed directly (well-conditioned, so to ~1e-12).
func TestUnscaledIsInverseGram(t *testing.T) {
	x, y := randomProblem(4, 100, 4)
	n, d := x.Dims()
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 + float64(i%5)/4
	}
	for _, noInt := range []bool{false, true} {
		off := 1
		if noInt {
			off = 0
		}
		xt := mat.NewDense(n, d+off, nil)
		for i := 0; i < n; i++ {
			sw := math.Sqrt(w[i])
			if off == 1 {
				xt.Set(i, 0, sw)
			}
			for j := 0; j < d; j++ {
				xt.Set(i, j+off, sw*x.At(i, j))
			}
		}
		var g, inv mat.Dense
		g.Mul(xt.T(), xt)
		if err := inv.Inverse(&g); err != nil {
			t.Fatal(err)
		}
		for _, s := range []Settings{{Weights: w, NoIntercept: noInt}, {Weights: w, NoIntercept: noInt, Precision: Double}, {Weights: w, NoIntercept: noInt, Method: SVD}, {Weights: w, NoIntercept: noInt, Method: Cholesky}} {
			r, err := Solve(x, y, &s)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < d+off; i++ {
				for j := 0; j < d+off; j++ {
					if math.Abs(r.Unscaled.At(i, j)-inv.At(i, j)) > 1e-12*math.Sqrt(math.Abs(inv.At(i, i)*inv.At(j, j))) {
						t.Errorf("noInt=%v %v/%v: Unscaled[%d,%d] = %v, inverse Gram %v", noInt, s.Method, r.Precision, i, j, r.Unscaled.At(i, j), inv.At(i, j))
					}
				}
			}
		}
	}
}

// ridgeClosedForm solves (XcᵀXc + nαI)β = Xcᵀyc on centred data, the
// intercept then ȳ − x̄β (unweighted).
func ridgeClosedForm(x *mat.Dense, y []float64, alpha float64) (float64, []float64) {
	n, d := x.Dims()
	means := make([]float64, d)
	for j := range means {
		means[j] = mat.Sum(x.ColView(j)) / float64(n)
	}
	var my float64
	for _, v := range y {
		my += v / float64(n)
	}
	xc := mat.NewDense(n, d, nil)
	yc := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			xc.Set(i, j, x.At(i, j)-means[j])
		}
		yc.SetVec(i, y[i]-my)
	}
	var g mat.Dense
	g.Mul(xc.T(), xc)
	for j := 0; j < d; j++ {
		g.Set(j, j, g.At(j, j)+float64(n)*alpha)
	}
	var rhs, beta mat.VecDense
	rhs.MulVec(xc.T(), yc)
	if err := beta.SolveVec(&g, &rhs); err != nil {
		panic(err)
	}
	b := my
	for j := 0; j < d; j++ {
		b -= means[j] * beta.AtVec(j)
	}
	return b, beta.RawVector().Data
}

func TestRidgeClosedForm(t *testing.T) {
	x, y := randomProblem(5, 80, 6)
	for _, alpha := range []float64{1e-3, 0.1, 10} {
		b0, beta := ridgeClosedForm(x, y, alpha)
		for _, s := range []Settings{{Ridge: alpha}, {Ridge: alpha, Precision: Double}, {Ridge: alpha, Method: SVD}, {Ridge: alpha, Method: Cholesky}} {
			r, err := Solve(x, y, &s)
			if err != nil {
				t.Fatal(err)
			}
			// The penalised system is better conditioned than OLS; 1e-11.
			if relDiff(r.Intercept, b0) > 1e-11 {
				t.Errorf("α=%v %v/%v: intercept %v, closed form %v", alpha, s.Method, r.Precision, r.Intercept, b0)
			}
			for j := range beta {
				if relDiff(r.Coef[j], beta[j]) > 1e-11 {
					t.Errorf("α=%v %v/%v: coef %d %v, closed form %v", alpha, s.Method, r.Precision, j, r.Coef[j], beta[j])
				}
			}
			if r.Unscaled != nil {
				t.Errorf("ridge result has Unscaled")
			}
		}
	}
}

func TestRidgeTendsToOLS(t *testing.T) {
	x, y := randomProblem(6, 60, 4)
	ols, err := Solve(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	prev := math.Inf(1)
	for _, alpha := range []float64{1e-2, 1e-4, 1e-6, 1e-8, 1e-10} {
		r, err := Solve(x, y, &Settings{Ridge: alpha})
		if err != nil {
			t.Fatal(err)
		}
		var dist float64
		for j := range r.Coef {
			dist = math.Max(dist, math.Abs(r.Coef[j]-ols.Coef[j]))
		}
		// The ridge solution differs from OLS by O(α): each hundredfold
		// decrease of α must shrink the gap (at least tenfold).
		if dist > prev/10 {
			t.Errorf("α=%v: distance to OLS %v, previous %v", alpha, dist, prev)
		}
		prev = dist
	}
	if prev > 1e-8 { // O(α) with α = 1e-10 and unit-sized coefficients
		t.Errorf("α=1e-10: distance to OLS %v", prev)
	}
}

// TestRankDeficient: a duplicated column is reported as aliased and the
// minimum-norm solution splits the coefficient evenly.
func TestRankDeficient(t *testing.T) {
	x, y := randomProblem(7, 40, 2)
	n, _ := x.Dims()
	xd := mat.NewDense(n, 3, nil)
	for i := 0; i < n; i++ {
		xd.Set(i, 0, x.At(i, 0))
		xd.Set(i, 1, x.At(i, 1))
		xd.Set(i, 2, x.At(i, 1))
	}
	full, err := Solve(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Settings{{}, {Precision: Double}, {Method: SVD}} {
		r, err := Solve(xd, y, &s)
		if err != nil {
			t.Fatal(err)
		}
		if r.Rank != 2 || len(r.Aliased) != 1 || (r.Aliased[0] != 1 && r.Aliased[0] != 2) {
			t.Errorf("%v/%v: rank %d aliased %v, want 2 and [1] or [2]", s.Method, r.Precision, r.Rank, r.Aliased)
		}
		if math.IsInf(r.Cond, 1) == false && r.Cond < 1e14 {
			t.Errorf("%v: cond %v for a singular design", s.Method, r.Cond)
		}
		// Minimum norm: β₁ = β₂ = half the coefficient of the single
		// column; float64 SVD, so 1e-12.
		want := []float64{full.Coef[0], full.Coef[1] / 2, full.Coef[1] / 2}
		for j, v := range want {
			if relDiff(r.Coef[j], v) > 1e-12 {
				t.Errorf("%v/%v: coef %d = %v, want %v", s.Method, r.Precision, j, r.Coef[j], v)
			}
		}
		if relDiff(r.Intercept, full.Intercept) > 1e-12 || relDiff(r.RSS, full.RSS) > 1e-12 {
			t.Errorf("%v: intercept %v RSS %v, want %v %v", s.Method, r.Intercept, r.RSS, full.Intercept, full.RSS)
		}
		if r.DF != n-3 {
			t.Errorf("DF %d, want n − rank − 1 = %d", r.DF, n-3)
		}
	}
	if _, err := Solve(xd, y, &Settings{Method: Cholesky}); !errors.As(err, new(*SingularError)) {
		t.Errorf("Cholesky on a singular design: err = %v, want *SingularError", err)
	}
}

// TestNoInterceptConstantColumn: with an intercept, a constant column is
// aliased with it.
func TestConstantColumnAliased(t *testing.T) {
	x, y := randomProblem(8, 30, 2)
	for i := 0; i < 30; i++ {
		x.Set(i, 1, 3)
	}
	r, err := Solve(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rank != 1 || len(r.Aliased) != 1 || r.Aliased[0] != 1 {
		t.Errorf("rank %d aliased %v, want 1 [1]", r.Rank, r.Aliased)
	}
}

func TestDataErrors(t *testing.T) {
	x, y := randomProblem(9, 10, 2)
	x.Set(3, 1, math.NaN())
	var de *DataError
	if _, err := Solve(x, y, nil); !errors.As(err, &de) || de.Row != 3 || de.Col != 1 {
		t.Errorf("NaN in X: err = %v", err)
	}
	x.Set(3, 1, 0)
	w := make([]float64, 10)
	for i := range w {
		w[i] = 1
	}
	w[4] = -1
	if _, err := Solve(x, y, &Settings{Weights: w}); !errors.As(err, &de) || de.Row != 4 || de.Col != -2 {
		t.Errorf("negative weight: err = %v", err)
	}
	if _, err := SolveText([][]string{{"1"}, {"x"}}, []string{"1", "2"}, nil); !errors.As(err, &de) || de.Row != 1 {
		t.Errorf("bad text: err = %v", err)
	}
	for name, f := range map[string]func(){
		"short y":        func() { Solve(x, y[:5], nil) },
		"negative ridge": func() { Solve(x, y, &Settings{Ridge: -1}) },
		"weights length": func() { Solve(x, y, &Settings{Weights: w[:3]}) },
		// Settings the method does not read, once dropped without a word.
		"svd in double-double": func() { Solve(x, y, &Settings{Method: SVD, Precision: DoubleDouble}) },
		"cholesky with rcond":  func() { Solve(x, y, &Settings{Method: Cholesky, RCond: 1e-6}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestSolveTextDecimal: 0.1-steps read as text give the exact answer of the
// decimal data, y = 0.3 + 0.7x exactly.
func TestSolveTextDecimal(t *testing.T) {
	xs := [][]string{{"0.1"}, {"0.2"}, {"0.3"}, {"0.4"}, {"0.5"}}
	ys := []string{"0.37", "0.44", "0.51", "0.58", "0.65"}
	r, err := SolveText(xs, ys, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Coef[0] != 0.7 || r.Intercept != 0.3 {
		t.Errorf("slope %v intercept %v, want exactly 0.7 and 0.3 (rounded from double-double)", r.Coef[0], r.Intercept)
	}
	if r.RSS > 1e-60 {
		t.Errorf("RSS %v for an exact fit", r.RSS)
	}
}

func TestPolynomialMatchesFit(t *testing.T) {
	// x = 0..20, y = 1 + x + … + x⁵ (Wampler1): the float64 powers are
	// exact, so SolvePolynomial and Solve see the same data and both return
	// all-ones exactly.
	x := make([]float64, 21)
	y := make([]float64, 21)
	xm := mat.NewDense(21, 5, nil)
	for i := range x {
		x[i] = float64(i)
		p, s := 1.0, 1.0
		for k := 0; k < 5; k++ {
			p *= x[i]
			s += p
			xm.Set(i, k, p)
		}
		y[i] = s
	}
	for _, f := range []func() (*Result, error){
		func() (*Result, error) { return SolvePolynomial(x, y, 5, nil) },
		func() (*Result, error) { return Solve(xm, y, nil) },
	} {
		r, err := f()
		if err != nil {
			t.Fatal(err)
		}
		if r.Intercept != 1 {
			t.Errorf("intercept %v", r.Intercept)
		}
		for k, c := range r.Coef {
			if c != 1 {
				t.Errorf("coef %d = %v, want 1", k, c)
			}
		}
	}
}

func BenchmarkFit(b *testing.B) {
	for _, c := range []struct {
		name string
		n, d int
		s    Settings
	}{
		{"n=1e5/d=50/qr", 100000, 50, Settings{}},
		{"n=1e5/d=50/cholesky", 100000, 50, Settings{Method: Cholesky}},
		{"n=1e4/d=30/double-double", 10000, 30, Settings{Precision: DoubleDouble}},
	} {
		x, y := randomProblem(10, c.n, c.d)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Solve(x, y, &c.s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPrecisionChoice: Auto uses double-double up to AccurateLimit, float64
// above it, and redoes a float64 fit that found aliased columns in
// double-double (up to RecheckLimit).
func TestPrecisionChoice(t *testing.T) {
	if testing.Short() {
		t.Skip("a double-double fit of n·d² ≈ 1e7 takes a fraction of a second")
	}
	small, ys := randomProblem(11, 100, 3)
	if r, _ := Solve(small, ys, nil); r.Precision != DoubleDouble {
		t.Errorf("n·d² = 900: precision %v", r.Precision)
	}
	// n·d² = 4000·51² ≈ 1.04e7 > AccurateLimit.
	x, y := randomProblem(12, 4000, 51)
	r, err := Solve(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Precision != Double || r.Rank != 51 {
		t.Errorf("full rank above AccurateLimit: precision %v rank %d", r.Precision, r.Rank)
	}
	for i := 0; i < 4000; i++ {
		x.Set(i, 50, 2*x.At(i, 7)) // an exact multiple: aliased at any precision
	}
	r, err = Solve(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Precision != DoubleDouble || r.Rank != 50 || len(r.Aliased) != 1 || (r.Aliased[0] != 7 && r.Aliased[0] != 50) {
		t.Errorf("aliased above AccurateLimit: precision %v rank %d aliased %v", r.Precision, r.Rank, r.Aliased)
	}
	if r, _ := Solve(x, y, &Settings{Precision: Double}); r.Precision != Double || r.Rank != 50 {
		t.Errorf("explicit Double: precision %v rank %d", r.Precision, r.Rank)
	}
}

// TestWide: with fewer rows than columns the fit interpolates, the rank is
// n − 1 (centred rows), and QR (both precisions) and SVD return the same
// minimum-norm coefficients; ridge agrees across methods.
func TestWide(t *testing.T) {
	x := mat.NewDense(3, 5, []float64{1, 2, 3, 4, 5, 2, 1, 0, 3, 3, 5, 5, 1, 1, 2})
	y := []float64{1, 2, 4}
	ref, err := Solve(x, y, &Settings{Method: SVD})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Settings{{}, {Precision: Double}} {
		r, err := Solve(x, y, &s)
		if err != nil {
			t.Fatal(err)
		}
		if r.Rank != 2 || len(r.Aliased) != 3 || r.DF != 0 || r.RSS > 1e-28 {
			t.Errorf("%v: rank %d aliased %v df %d RSS %v", r.Precision, r.Rank, r.Aliased, r.DF, r.RSS)
		}
		for j := range r.Coef {
			if relDiff(r.Coef[j], ref.Coef[j]) > 1e-13 { // float64 SVD of a 3×5 matrix
				t.Errorf("%v: coef %d = %v, SVD %v", r.Precision, j, r.Coef[j], ref.Coef[j])
			}
		}
	}
	ridge, _ := Solve(x, y, &Settings{Ridge: 0.1})
	for _, s := range []Settings{{Ridge: 0.1, Precision: Double}, {Ridge: 0.1, Method: SVD}, {Ridge: 0.1, Method: Cholesky}} {
		r, err := Solve(x, y, &s)
		if err != nil {
			t.Fatal(err)
		}
		for j := range r.Coef {
			if relDiff(r.Coef[j], ridge.Coef[j]) > 1e-12 {
				t.Errorf("ridge %v: coef %d = %v, QR %v", s.Method, j, r.Coef[j], ridge.Coef[j])
			}
		}
	}
}

// TestUnitInvariance: rescaling and shifting columns (new units, new
// origin) rescales the coefficients and leaves the residuals, the rank and
// the condition number of the standardised design unchanged.
func TestUnitInvariance(t *testing.T) {
	x, y := randomProblem(13, 120, 4)
	n, d := x.Dims()
	scale := []float64{1e6, 1e-5, 3, 7e3}
	shift := []float64{1e4, -2, 0, 5e5}
	z := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			z.Set(i, j, x.At(i, j)*scale[j]+shift[j])
		}
	}
	for _, s := range []Settings{{}, {Precision: Double}, {Method: SVD}} {
		a, err := Solve(x, y, &s)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Solve(z, y, &s)
		if err != nil {
			t.Fatal(err)
		}
		// Rounding the transformed data to float64 perturbs them by ε
		// relative; with condition numbers ≈ 10, 1e-12 is ample.
		for j := range a.Coef {
			if relDiff(b.Coef[j]*scale[j], a.Coef[j]) > 1e-12 {
				t.Errorf("%v/%v: coef %d: %v·%v vs %v", s.Method, a.Precision, j, b.Coef[j], scale[j], a.Coef[j])
			}
		}
		for i := range a.Residuals {
			if math.Abs(a.Residuals[i]-b.Residuals[i]) > 1e-12*math.Sqrt(a.RSS) {
				t.Errorf("%v: residual %d: %v vs %v", s.Method, i, a.Residuals[i], b.Residuals[i])
			}
		}
		if a.Rank != b.Rank || relDiff(a.Cond, b.Cond) > 1e-12 {
			t.Errorf("%v: rank %d/%d cond %v/%v", s.Method, a.Rank, b.Rank, a.Cond, b.Cond)
		}
	}
}

// TestZeroWeightRowsAsDeleted: rows of weight 0 are no observations (R's
// lm.wfit drops them), so a fit with such rows — here with y far off the
// line, so that counting them anywhere would show — equals the fit with
// them deleted: the same coefficients, N, DF, rank, sums of squares, Σw and
// Unscaled, for every method and precision, full-rank and rank-deficient.
func TestZeroWeightRowsAsDeleted(t *testing.T) {
	x, y := randomProblem(7, 60, 3)
	n, d := x.Dims()
	w := make([]float64, n)
	var keep []int
	for i := range w {
		w[i] = 0.5 + float64(i%4)
		if i%3 == 0 {
			w[i] = 0
			y[i] += 1e3
		} else {
			keep = append(keep, i)
		}
	}
	// The rank-deficient variant: a fourth column x₁ + x₂ (a sum that is
	// exact in float64 would need dyadic data; the relative rounding of
	// 1e-16 is far below the rank tolerance max(n,d)·ε ≈ 4.4e-15 after
	// standardising).
	xd := mat.NewDense(n, d+1, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			xd.Set(i, j, x.At(i, j))
		}
		xd.Set(i, d, x.At(i, 0)+x.At(i, 1))
	}
	sub := func(m *mat.Dense) (*mat.Dense, []float64, []float64) {
		_, c := m.Dims()
		xs := mat.NewDense(len(keep), c, nil)
		ys := make([]float64, len(keep))
		ws := make([]float64, len(keep))
		for k, i := range keep {
			xs.SetRow(k, mat.Row(nil, i, m))
			ys[k], ws[k] = y[i], w[i]
		}
		return xs, ys, ws
	}
	for _, tc := range []struct {
		name string
		x    *mat.Dense
		s    Settings
	}{
		{"qr/auto", x, Settings{}},
		{"qr/double", x, Settings{Precision: Double}},
		{"qr/double/householder", x, Settings{Precision: Double, RCond: -1}}, // RCond set below
		{"svd", x, Settings{Method: SVD}},
		{"cholesky", x, Settings{Method: Cholesky}},
		{"qr/auto/rank-deficient", xd, Settings{}},
		{"qr/double/rank-deficient", xd, Settings{Precision: Double}},
		{"svd/rank-deficient", xd, Settings{Method: SVD}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			s.Weights = w
			if s.RCond < 0 {
				// 1/(2·cond) ≤ RCond < 1/cond: the Gram path declines
				// (gram.go), Householder QR keeps every column.
				s.RCond = 0
				r, err := Solve(tc.x, y, &s)
				if err != nil {
					t.Fatal(err)
				}
				s.RCond = 0.75 / r.Cond
			}
			full, err := Solve(tc.x, y, &s)
			if err != nil {
				t.Fatal(err)
			}
			xs, ys, ws := sub(tc.x)
			s.Weights = ws
			del, err := Solve(xs, ys, &s)
			if err != nil {
				t.Fatal(err)
			}
			if full.N != len(keep) || full.N != del.N || full.DF != del.DF || full.Rank != del.Rank || fmt.Sprint(full.Aliased) != fmt.Sprint(del.Aliased) {
				t.Fatalf("N %d DF %d rank %d aliased %v; deleted rows: N %d DF %d rank %d aliased %v",
					full.N, full.DF, full.Rank, full.Aliased, del.N, del.DF, del.Rank, del.Aliased)
			}
			// The two fits differ only in exact zeros added to sums and
			// in where the Gram path's 64-row blocks start, which moves
			// the float64 rounding: relative errors of order n·ε·cond
			// ≈ 60·1.1e-16·10 on this well-conditioned design (cond² for
			// Cholesky and Unscaled). 1e-11 keeps a margin; counting the
			// zero-weight rows changes DF and the outlying y moves the
			// coefficients by far more.
			const tol = 1e-11
			check := func(what string, a, b float64) {
				if relDiff(a, b) > tol {
					t.Errorf("%s: with zero-weight rows %.17g, deleted %.17g", what, a, b)
				}
			}
			for j := range full.Coef {
				check(fmt.Sprint("coef ", j), full.Coef[j], del.Coef[j])
			}
			check("intercept", full.Intercept, del.Intercept)
			check("RSS", full.RSS, del.RSS)
			check("TSS", full.TSS, del.TSS)
			check("SumWeights", full.SumWeights, del.SumWeights)
			for k, i := range keep {
				check(fmt.Sprint("residual ", i), full.Residuals[i], del.Residuals[k])
			}
			p := full.Unscaled.SymmetricDim()
			for i := 0; i < p; i++ {
				for j := i; j < p; j++ {
					check(fmt.Sprintf("Unscaled[%d,%d]", i, j), full.Unscaled.At(i, j), del.Unscaled.At(i, j))
				}
			}
		})
	}
}

// TestSolveTextNothingToFit: rows without columns and no intercept leave no
// parameter; that is an error, not a panic from building an empty
// covariance. With the intercept the fit is the weighted mean.
func TestSolveTextNothingToFit(t *testing.T) {
	x := [][]string{{}, {}, {}}
	y := []string{"1", "2", "6"}
	if _, err := SolveText(x, y, &Settings{NoIntercept: true}); err == nil || !strings.Contains(err.Error(), "nothing to fit") {
		t.Errorf("err = %v, want the nothing-to-fit error", err)
	}
	res, err := SolveText(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Intercept != 3 {
		t.Errorf("intercept %v, want the mean 3", res.Intercept)
	}
}
