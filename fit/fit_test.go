package fit

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// The tutorial's data: x = 1..5, y = 2,4,5,4,5. Its exact least-squares line
// is ŷ = 2.2 + 0.6x (x̄ = 3, ȳ = 4, Sxy = 6, Sxx = 10).
func tutorial() (*mat.Dense, []float64) {
	return mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5}), []float64{2, 4, 5, 4, 5}
}

func TestTutorialGradientDescent(t *testing.T) {
	x, y := tutorial()
	res, err := Matrix(context.Background(), x, y, &Settings{
		Solver: GD, Raw: true,
		Optim: optim.Settings{LearningRate: 0.01, Epochs: 1000},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The tutorial prints slope 0.696355 and intercept 1.852128 after 1000
	// epochs of θ ← θ − 0.01·(1/n)Xᵀ(Xθ − y) from 0; 6 decimals as printed.
	if math.Abs(res.Coef[0]-0.696355) > 5e-7 || math.Abs(res.Intercept-1.852128) > 5e-7 {
		t.Errorf("GD ended at slope %.7f intercept %.7f, want 0.696355 1.852128", res.Coef[0], res.Intercept)
	}
	if res.Status != lsq.IterationLimit || res.Status.Converged() {
		t.Errorf("status %v, want iteration-limit (the tutorial stops far from the optimum)", res.Status)
	}
	// The QR path works in double-double and rounds once: the float64 nearest
	// 0.6 and 2.2 within an ulp or two (ulp(2.2) = 4.4e-16), so 1e-14 is slack.
	if math.Abs(res.Exact.Coef[0]-0.6) > 1e-14 || math.Abs(res.Exact.Intercept-2.2) > 1e-14 {
		t.Errorf("exact %v %v, want 0.6 2.2", res.Exact.Coef, res.Exact.Intercept)
	}
	// Hessian of the raw problem with the intercept column: XᵀX/n =
	// [[11, 3], [3, 1]], eigenvalues 6 ± √34; 2/L = 2/(6+√34).
	L := 6 + math.Sqrt(34)
	mu := 6 - math.Sqrt(34)
	w := res.Why
	// Eigenvalues of a 2×2 symmetric matrix by LAPACK: L to a few ulps of L;
	// μ = 6 − √34 loses log10(L/μ) ≈ 2 digits to cancellation, so its
	// absolute error is a few ulps of L (≈ 1e-15), well inside 1e-9.
	if math.Abs(w.L-L) > 1e-12*L || math.Abs(w.Mu-mu) > 1e-9 {
		t.Errorf("L, μ = %v, %v; want %v, %v", w.L, w.Mu, L, mu)
	}
	if math.Abs(w.Bound-2/L) > 1e-12 {
		t.Errorf("bound %v, want 2/L = %v", w.Bound, 2/L)
	}
	// Slowest mode contracts by 1 − 0.01μ per step.
	if math.Abs(w.Contraction-(1-0.01*mu)) > 1e-12 {
		t.Errorf("contraction %v, want %v", w.Contraction, 1-0.01*mu)
	}
	// The gap: the objective at (0.696355, 1.852128) against the optimum.
	if res.Gap == nil || res.Gap.CoefRel < 0.1 || res.Gap.ObjectiveRel <= 0 {
		t.Errorf("gap %+v: the tutorial's run is ~15%% off in coefficients", res.Gap)
	}
}

func TestStandardizedGDConvergesOnTutorial(t *testing.T) {
	x, y := tutorial()
	res, err := Matrix(context.Background(), x, y, &Settings{Solver: GD})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Status.Converged() {
		t.Fatalf("status %v", res.Status)
	}
	// Standardised with an intercept, the Hessian is the identity: 1/L = 1
	// solves the problem in one step, so the answer is exact to rounding.
	// One step of rate 1/L where L is a power-iteration estimate of 1: exact
	// up to the estimate's rounding (≈ 1e-16 relative), amplified by the
	// unstandardising division by √2 — far below 1e-12.
	if math.Abs(res.Coef[0]-0.6) > 1e-12 || math.Abs(res.Intercept-2.2) > 1e-12 {
		t.Errorf("got %v %v", res.Coef[0], res.Intercept)
	}
	if math.Abs(res.Why.Cond-1) > 1e-12 {
		t.Errorf("cond %v, want 1 on standardised data", res.Why.Cond)
	}
}

func TestExactSolversAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, d := 200, 4
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	beta := []float64{1, -2, 0.5, 3}
	for i := range n {
		s := 0.7
		for j := range d {
			v := rng.NormFloat64()*float64(j+1) + float64(j)
			x.Set(i, j, v)
			s += beta[j] * v
		}
		y[i] = s + 0.1*rng.NormFloat64()
	}
	ref, err := Matrix(context.Background(), x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Solver{SVD, Cholesky, LBFGS} {
		r, err := Matrix(context.Background(), x, y, &Settings{Solver: s})
		if err != nil {
			t.Fatal(s, err)
		}
		// Well-conditioned (cond of the standardised design ≈ 1.1): every
		// exact method agrees to ~1e-12. L-BFGS stops at a relative gap
		// of 1e-10 (GapTol's default); with F* ≈ σ²/2 = 0.005 and Hessian
		// eigenvalues ≈ 1, ½‖Δθ‖² ≤ 1e-10·F* bounds the standardised
		// coefficients' error by 1e-6, and coefficient j's by 1e-6/s_j ≤
		// 1e-6 (s_j = j+1), 2e-6 relative to |β_j| ≥ 0.5.
		tol := 1e-11
		if !s.Exact() {
			tol = 2e-6
		}
		for j := range d {
			if math.Abs(r.Coef[j]-ref.Coef[j]) > tol*math.Abs(ref.Coef[j]) {
				t.Errorf("%s coef[%d] = %v, qr %v", s, j, r.Coef[j], ref.Coef[j])
			}
		}
	}
}

// TestExactUnpenalisedIgnoresRaw: Raw cannot change an exact fit without a
// penalty (least squares is invariant to the scale of the inputs, and the
// exact solvers judge rank and condition on the standardised design either
// way), on a design whose columns span 12 orders of magnitude: the
// coefficients, rank and condition are the same bits. With a ridge penalty
// Raw changes what is penalised, so the coefficients differ. This is why
// lsq fit refuses --standardize for an exact fit without a penalty.
func TestExactUnpenalisedIgnoresRaw(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n, d := 60, 3
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	for i := range n {
		for j := range d {
			x.Set(i, j, rng.NormFloat64()*math.Pow(1e6, float64(j)))
		}
		y[i] = 1 + x.At(i, 0) + 1e-6*x.At(i, 1) + 1e-12*x.At(i, 2) + 0.1*rng.NormFloat64()
	}
	for _, s := range []Solver{QR, SVD, Cholesky} {
		std, err1 := Matrix(context.Background(), x, y, &Settings{Solver: s})
		raw, err2 := Matrix(context.Background(), x, y, &Settings{Solver: s, Raw: true})
		if err1 != nil || err2 != nil {
			t.Fatal(s, err1, err2)
		}
		if !slices.Equal(std.Coef, raw.Coef) || std.Intercept != raw.Intercept || std.Exact.Rank != raw.Exact.Rank || std.Exact.Cond != raw.Exact.Cond {
			t.Errorf("%s: Raw changed the fit: %v %v (rank %d, cond %g) against %v %v (rank %d, cond %g)", s,
				std.Coef, std.Intercept, std.Exact.Rank, std.Exact.Cond, raw.Coef, raw.Intercept, raw.Exact.Rank, raw.Exact.Cond)
		}
		ridge := penalty.L2{Alpha: 0.5}
		std, _ = Matrix(context.Background(), x, y, &Settings{Solver: s, Penalty: ridge})
		raw, _ = Matrix(context.Background(), x, y, &Settings{Solver: s, Penalty: ridge, Raw: true})
		if slices.Equal(std.Coef, raw.Coef) {
			t.Errorf("%s with a ridge: Raw left the coefficients %v unchanged", s, std.Coef)
		}
	}
}

// TestWhyFromSingularValues: the Hessian's extreme eigenvalues read off the
// exact solver's singular values (no pass over the data) equal those of the
// Hessian formed explicitly, with weights and with a ridge penalty. Both are
// backward-stable eigen/singular-value computations of a matrix with
// condition ≈ 1.3, so they agree to a few ulps; 1e-12 relative is slack.
func TestWhyFromSingularValues(t *testing.T) {
	x, y := problem(300, 4)
	w := make([]float64, 300)
	for i := range w {
		w[i] = 1 + float64(i%3)
	}
	for _, c := range []struct {
		name string
		w    []float64
		pen  penalty.Penalty
	}{{"plain", nil, nil}, {"weighted", w, nil}, {"ridge", w, penalty.L2{Alpha: 0.3}}} {
		r, err := Matrix(context.Background(), x, y, &Settings{Solver: GD, Weights: c.w, Penalty: c.pen, Optim: optim.Settings{Epochs: 1}})
		if err != nil {
			t.Fatal(err)
		}
		mu, l, ok := HessianExtremes(x, c.w, true, r.Center, r.Scale, penalty.Curvature(c.pen))
		if !ok || math.Abs(r.Why.Mu-mu) > 1e-12*mu || math.Abs(r.Why.L-l) > 1e-12*l {
			t.Errorf("%s: from singular values μ=%v L=%v, from the Hessian μ=%v L=%v", c.name, r.Why.Mu, r.Why.L, mu, l)
		}
	}
}

// TestGapAtZeroOptimum: on data the model fits exactly, F* is rounding
// (about 0), and a gap relative to |F*| would measure rounding against
// rounding. The reported gap is optim.Optimum.Gap, the number the stopping
// test bounded, so a fit that stopped at the gap tolerance reports a gap
// within it (it did not when the gap was divided by |F*|).
func TestGapAtZeroOptimum(t *testing.T) {
	const n = 60
	x := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	for i := range n {
		a, b := float64(i%7)-3, float64(i%5)*0.5
		x.Set(i, 0, a)
		x.Set(i, 1, b)
		y[i] = 1 + 2*a - b
	}
	for _, solver := range []Solver{GD, LBFGS} {
		res, err := Matrix(context.Background(), x, y, &Settings{Solver: solver})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != lsq.GapTolerance || res.Gap == nil {
			t.Fatalf("%v: status %v", solver, res.Status)
		}
		if g := res.Gap.ObjectiveRel; !(g <= 1e-10) {
			t.Errorf("%v: stopped at the gap tolerance 1e-10 with F* = %.3g, but reports a gap of %.3g", solver, res.ExactObjective, g)
		}
	}
}
