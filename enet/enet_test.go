package enet

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/kernel"
)

// synthetic returns a reproducible regression problem with correlated
// columns of different scales and offsets: x_j = 0.6·x_{j−1} + e_j, scaled
// by (j+1) and shifted by 3j, y = x·β* + 0.5·noise with half of β* zero.
func synthetic(n, d int, seed uint64) (*mat.Dense, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		prev := 0.0
		for j := 0; j < d; j++ {
			e := 0.6*prev + rng.NormFloat64()
			prev = e
			x.Set(i, j, float64(j+1)*e+3*float64(j))
		}
		var t float64
		for j := 0; j < d; j++ {
			if j%2 == 0 {
				t += float64(j+1) * 0.3 * x.At(i, j) / float64(j+1)
			}
		}
		y[i] = 1 + t + 0.5*rng.NormFloat64()
	}
	return x, y
}

// stdStats returns the weighted mean and population SD of each column,
// computed directly (independently of the package's arithmetic).
func stdStats(x *mat.Dense, v []float64) (m, s []float64) {
	n, d := x.Dims()
	m, s = make([]float64, d), make([]float64, d)
	for j := 0; j < d; j++ {
		for i := 0; i < n; i++ {
			m[j] += v[i] * x.At(i, j)
		}
		for i := 0; i < n; i++ {
			t := x.At(i, j) - m[j]
			s[j] += v[i] * t * t
		}
		s[j] = math.Sqrt(s[j])
	}
	return m, s
}

func equalWeights(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1 / float64(n)
	}
	return v
}

// kktViolation returns the largest violation of the optimality conditions
// of the standardised problem at r, relative to max(αρ, max|g|):
// |g_j| ≤ αρ where β_j = 0 and g_j − α(1−ρ)β_j = αρ·sign(β_j) elsewhere,
// with g_j = Σ v_i z_ij r_i.
func kktViolation(x *mat.Dense, y []float64, r *Result, standardize bool) float64 {
	n, d := x.Dims()
	v := equalWeights(n)
	m, s := stdStats(x, v)
	if !standardize {
		for j := range s {
			s[j] = 1
		}
	}
	res := make([]float64, n)
	for i := 0; i < n; i++ {
		res[i] = y[i] - r.Intercept
		for j := 0; j < d; j++ {
			res[i] -= x.At(i, j) * r.Coef[j]
		}
	}
	l1, l2 := r.Alpha*r.L1Ratio, r.Alpha*(1-r.L1Ratio)
	g := make([]float64, d)
	scale := l1
	for j := 0; j < d; j++ {
		for i := 0; i < n; i++ {
			g[j] += v[i] * (x.At(i, j) - m[j]) / s[j] * res[i]
		}
		scale = math.Max(scale, math.Abs(g[j]))
	}
	var worst float64
	for j := 0; j < d; j++ {
		b := r.Coef[j] * s[j]
		var viol float64
		if b == 0 {
			viol = math.Max(0, math.Abs(g[j])-l1)
		} else {
			viol = math.Abs(g[j] - l2*b - math.Copysign(l1, b))
		}
		worst = math.Max(worst, viol/scale)
	}
	return worst
}

func maxRelDiff(a, b []float64) float64 {
	var num, den float64
	for i := range a {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Max(math.Abs(a[i]), math.Abs(b[i])))
	}
	if den == 0 {
		return num
	}
	return num / den
}

// TestCDEqualsFISTA: the two solvers minimise the same strictly convex
// objective, so run to Tol 1e-13 (a few hundred times the float64 rounding
// of the objective) they must agree on the coefficients to 1e-8 relative,
// the bar set by the package's design.
func TestCDEqualsFISTA(t *testing.T) {
	x, y := synthetic(200, 8, 1)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		rho    float64
		frac   float64 // α as a fraction of α_max
		std    bool
		update Update
	}{
		{"lasso-std-cov", 1, 0.05, true, Covariance},
		{"lasso-std-naive", 1, 0.05, true, Naive},
		{"lasso-raw-cov", 1, 0.2, false, Covariance},
		{"enet-std-cov", 0.5, 0.4, true, Covariance},
		{"enet-raw-naive", 0.3, 0.1, false, Naive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Settings{Unstandardized: !tc.std, Tol: 1e-13, Update: tc.update}
			p, err := Path(ctx, x, y, tc.rho, &PathSettings{Settings: s, NumAlphas: 1})
			if err != nil {
				t.Fatal(err)
			}
			alpha := tc.frac * p.AlphaMax
			a, err := Fit(ctx, x, y, alpha, tc.rho, &s)
			if err != nil {
				t.Fatal(err)
			}
			s.Solver, s.Update = ProximalGradient, AutoUpdate // FISTA has no coordinate updates
			s.MaxIter = 1000000
			b, err := Fit(ctx, x, y, alpha, tc.rho, &s)
			if err != nil {
				t.Fatal(err)
			}
			if a.Status != lsq.Converged || b.Status != lsq.Converged {
				t.Fatalf("status cd %v fista %v", a.Status, b.Status)
			}
			if a.NonZero == 0 || a.NonZero == 8 {
				t.Errorf("test needs a sparse fit, got %d non-zero", a.NonZero)
			}
			if d := maxRelDiff(a.Coef, b.Coef); d > 1e-8 {
				t.Errorf("coefficients differ by %.3g relative\ncd    %v\nfista %v", d, a.Coef, b.Coef)
			}
			if d := math.Abs(a.Intercept-b.Intercept) / math.Abs(a.Intercept); d > 1e-8 {
				t.Errorf("intercepts differ by %.3g relative: %v %v", d, a.Intercept, b.Intercept)
			}
			for j := range a.Coef {
				if (a.Coef[j] == 0) != (b.Coef[j] == 0) {
					t.Errorf("coef %d zero in one solver only: %v %v", j, a.Coef[j], b.Coef[j])
				}
			}
			t.Logf("cd %d sweeps gap %.2g; fista %d iterations gap %.2g; coefficients differ by %.2g", a.Iterations, a.Gap, b.Iterations, b.Gap, maxRelDiff(a.Coef, b.Coef))
		})
	}
}

// TestAlphaMax: at α_max the lasso and elastic-net coefficients are exactly
// zero (the subgradient condition |g_j| ≤ αρ holds with equality for the
// largest |g_j|), and one grid step below (0.999·α_max) at least one is not.
func TestAlphaMax(t *testing.T) {
	x, y := synthetic(200, 8, 2)
	ctx := context.Background()
	for _, rho := range []float64{1, 0.5, 0.01} {
		for _, std := range []bool{true, false} {
			s := &PathSettings{Settings: Settings{Unstandardized: !std}, NumAlphas: 1}
			p, err := Path(ctx, x, y, rho, s)
			if err != nil {
				t.Fatal(err)
			}
			amax := p.AlphaMax
			for _, a := range []float64{amax, 2 * amax} {
				r, err := Fit(ctx, x, y, a, rho, &s.Settings)
				if err != nil {
					t.Fatal(err)
				}
				if r.NonZero != 0 {
					t.Errorf("ρ=%v std=%v α=%v: %d non-zero coefficients %v", rho, std, a, r.NonZero, r.Coef)
				}
			}
			r, err := Fit(ctx, x, y, 0.999*amax, rho, &s.Settings)
			if err != nil {
				t.Fatal(err)
			}
			if r.NonZero == 0 {
				t.Errorf("ρ=%v std=%v: all zero just below α_max", rho, std)
			}
		}
	}
}

// TestPathKKT: every point of a 100-point path satisfies the optimality
// conditions. Tol 1e-10 bounds the duality gap by 1e-10·Σv yc²; the
// gradient error that allows is of order √gap, so the conditions are
// checked to 1e-5 relative to max(αρ, max|g_j|).
func TestPathKKT(t *testing.T) {
	x, y := synthetic(300, 12, 3)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		rho  float64
		s    Settings
	}{
		{"lasso-cov", 1, Settings{Tol: 1e-10, Update: Covariance}},
		{"lasso-naive", 1, Settings{Tol: 1e-10, Update: Naive}},
		{"lasso-raw", 1, Settings{Tol: 1e-10, Unstandardized: true}},
		{"enet", 0.5, Settings{Tol: 1e-10}},
		{"enet-fista", 0.7, Settings{Tol: 1e-10, Solver: ProximalGradient}},
		{"ridge", 0, Settings{Tol: 1e-10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Path(ctx, x, y, tc.rho, &PathSettings{Settings: tc.s})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Points) != 100 {
				t.Fatalf("%d points", len(p.Points))
			}
			prevNZ := 0
			var worst float64
			defer func() { t.Logf("largest KKT violation %.2g", worst) }()
			for k, pt := range p.Points {
				if pt.Status != lsq.Converged {
					t.Errorf("point %d: %v", k, pt.Status)
				}
				v := kktViolation(x, y, &pt, !tc.s.Unstandardized)
				if v > 1e-6 {
					t.Errorf("point %d α=%.4g: KKT violated by %.3g", k, pt.Alpha, v)
				}
				worst = math.Max(worst, v)
				prevNZ = max(prevNZ, pt.NonZero)
			}
			if tc.rho > 0 && p.Points[0].NonZero != 0 {
				t.Errorf("first point has %d non-zero", p.Points[0].NonZero)
			}
			// The last α is 1e-3·α_max: nearly least squares, most columns in.
			if prevNZ < 9 {
				t.Errorf("path reached only %d of 12 columns", prevNZ)
			}
		})
	}
}

// TestRidgeClosedForm: with ρ = 0 and no standardisation, coordinate
// descent solves (XcᵀXc/n + αI)w = Xcᵀyc/n on centred data; at Tol 1e-13
// it must match a direct solve to 1e-8 relative.
func TestRidgeClosedForm(t *testing.T) {
	x, y := synthetic(150, 6, 4)
	n, d := x.Dims()
	m, _ := stdStats(x, equalWeights(n))
	var ym float64
	for _, v := range y {
		ym += v / float64(n)
	}
	xc := mat.NewDense(n, d, nil)
	yc := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			xc.Set(i, j, x.At(i, j)-m[j])
		}
		yc.SetVec(i, y[i]-ym)
	}
	for _, alpha := range []float64{1e-3, 0.1, 1, 10} {
		var a mat.Dense
		a.Mul(xc.T(), xc)
		a.Scale(1/float64(n), &a)
		for j := 0; j < d; j++ {
			a.Set(j, j, a.At(j, j)+alpha)
		}
		var b, w mat.VecDense
		b.MulVec(xc.T(), yc)
		b.ScaleVec(1/float64(n), &b)
		if err := w.SolveVec(&a, &b); err != nil {
			t.Fatal(err)
		}
		for _, u := range []Update{Covariance, Naive} {
			r, err := Fit(context.Background(), x, y, alpha, 0, &Settings{Unstandardized: true, Tol: 1e-13, Update: u})
			if err != nil {
				t.Fatal(err)
			}
			if dd := maxRelDiff(r.Coef, w.RawVector().Data); dd > 1e-8 {
				t.Errorf("α=%v %v: CD differs from closed form by %.3g\n%v\n%v", alpha, u, dd, r.Coef, w.RawVector().Data)
			}
			var b0 float64 = ym
			for j := range m {
				b0 -= m[j] * w.AtVec(j)
			}
			if dd := math.Abs(r.Intercept-b0) / math.Abs(b0); dd > 1e-8 {
				t.Errorf("α=%v: intercept %v, closed form %v", alpha, r.Intercept, b0)
			}
		}
	}
}

// TestErrorsAndCancel: data-dependent failures are errors naming the
// place; a cancelled context stops the solver with Status Canceled.
func TestErrorsAndCancel(t *testing.T) {
	x, y := synthetic(50, 4, 8)
	ctx := context.Background()
	w := make([]float64, 50)
	for i := range w {
		w[i] = 1
	}
	w[7] = -1
	if _, err := Fit(ctx, x, y, 0.1, 1, &Settings{Weights: w}); err == nil {
		t.Error("negative weight accepted")
	}
	y2 := append([]float64(nil), y...)
	y2[3] = math.NaN()
	if _, err := Fit(ctx, x, y2, 0.1, 1, nil); err == nil {
		t.Error("NaN response accepted")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	for _, s := range []Solver{CoordinateDescent, ProximalGradient} {
		r, err := Fit(cctx, x, y, 0.01, 1, &Settings{Solver: s})
		if err != context.Canceled || r.Status != lsq.Canceled {
			t.Errorf("%v: cancelled fit returned %v, status %v", s, err, r.Status)
		}
	}
	if _, err := Path(cctx, x, y, 1, nil); err != context.Canceled {
		t.Errorf("cancelled path returned %v", err)
	}
}

// TestConstantColumn: a constant column gets a zero coefficient and leaves
// the others as if it were absent.
func TestConstantColumn(t *testing.T) {
	x, y := synthetic(60, 3, 9)
	xc := mat.NewDense(60, 4, nil)
	for i := 0; i < 60; i++ {
		xc.Set(i, 0, x.At(i, 0))
		xc.Set(i, 1, 5)
		xc.Set(i, 2, x.At(i, 1))
		xc.Set(i, 3, x.At(i, 2))
	}
	a, err := Fit(context.Background(), x, y, 0.05, 0.5, &Settings{Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(context.Background(), xc, y, 0.05, 0.5, &Settings{Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{a.Coef[0], 0, a.Coef[1], a.Coef[2]}
	if d := maxRelDiff(b.Coef, want); d > 1e-12 || b.Coef[1] != 0 {
		t.Errorf("with a constant column %v, without %v", b.Coef, a.Coef)
	}
}

// TestGramKernel: the panels of momentPass (kernel.GramUpdate, and
// GramUpdatePacked from kernel.PackWidth on) give the triple loop's augmented
// moments Σ v_i u_i u_iᵀ, u_i = [1, x_i − m̂, y_i − m̂_y], for row counts
// that do and do not fill a panel, widths that do and do not fill an
// 8-column tile, both panel layouts, zero weights, and rows split into
// groups given by index lists.
func TestGramKernel(t *testing.T) {
	if !kernel.Packs(momentWidth(600)) {
		t.Fatal("no case takes the packed panel")
	}
	for _, sz := range [][2]int{{7, 5}, {8, 7}, {300, 9}, {4, 1}, {129, 16}, {130, 600}} {
		n, d := sz[0], sz[1]
		x, y, v := make([]float64, n*d), make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = math.Sin(float64(i))
		}
		for i := range n {
			v[i] = float64(i%3) / float64(n) // every third row weightless
			y[i] = math.Cos(float64(i))
		}
		shift := make([]float64, d+1)
		for j := range shift {
			shift[j] = 0.1 * float64(j)
		}
		u := func(i, j int) float64 { // augmented value, unweighted
			switch {
			case j == 0:
				return 1
			case j <= d:
				return x[i*d+j-1] - shift[j-1]
			}
			return y[i] - shift[d]
		}
		odd, even := []int{}, []int{}
		for i := range n {
			if i%2 == 1 {
				odd = append(odd, i)
			} else {
				even = append(even, i)
			}
		}
		m := momentWidth(d)
		whole := momentPass(x, d, n, d, y, v, shift, nil)[0]
		split := momentPass(x, d, n, d, y, v, shift, [][]int{odd, even})
		for _, c := range []struct {
			a    []float64
			rows []int
		}{{whole, append(append([]int{}, odd...), even...)}, {split[0], odd}, {split[1], even}} {
			for j := 0; j < d+2; j++ {
				for k := j; k < d+2; k++ {
					var s, abs float64
					for _, i := range c.rows {
						s += v[i] * u(i, j) * u(i, k)
						abs += math.Abs(v[i] * u(i, j) * u(i, k))
					}
					// Both sums of the same len(rows) terms in different
					// orders: each within len(rows)·ε·Σ|terms| of the exact
					// value (plus ε·|term| for each rounded product).
					if math.Abs(s-c.a[j*m+k]) > 2*float64(len(c.rows)+2)*0x1p-53*abs {
						t.Fatalf("%v: A[%d,%d] = %v, want %v", sz, j, k, c.a[j*m+k], s)
					}
				}
			}
		}
	}
}

// TestGOMAXPROCSInvariant: the moment pass runs its fixed row ranges
// concurrently and folds their sums in order as they finish, and CV's
// held-out error runs concurrently too; the results must be bit-identical
// with one, two or three threads. 40000 rows make ten ranges of at least
// 4096 (gramChunk).
func TestGOMAXPROCSInvariant(t *testing.T) {
	if testing.Short() {
		t.Skip("40000-row problem")
	}
	x, y := synthetic(40000, 10, 12)
	run := func(procs int) *PathResult {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		p, err := Path(context.Background(), x, y, 0.8, &PathSettings{NumAlphas: 10})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := run(1)
	for _, procs := range []int{2, 3} {
		b := run(procs)
		for k := range a.Points {
			for j := range a.Points[k].Coef {
				if a.Points[k].Coef[j] != b.Points[k].Coef[j] {
					t.Fatalf("point %d coef %d: %v with 1 thread, %v with %d", k, j, a.Points[k].Coef[j], b.Points[k].Coef[j], procs)
				}
			}
		}
	}
	// CV: two folds of 20000 rows make five moment ranges each and five
	// held-out blocks of heldOutBlock rows.
	cv := func(procs int) *CVResult {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		r, err := CV(context.Background(), x, y, &CVSettings{Folds: 2, PathSettings: PathSettings{NumAlphas: 10}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	c1, c2 := cv(1), cv(2)
	for k := range c1.Curves[0].MSE {
		if c1.Curves[0].MSE[k] != c2.Curves[0].MSE[k] {
			t.Fatalf("CV MSE %d: %v with 1 thread, %v with 2", k, c1.Curves[0].MSE[k], c2.Curves[0].MSE[k])
		}
	}
	for j := range c1.Refit.Coef {
		if c1.Refit.Coef[j] != c2.Refit.Coef[j] {
			t.Fatalf("CV refit coef %d: %v with 1 thread, %v with 2", j, c1.Refit.Coef[j], c2.Refit.Coef[j])
		}
	}
}

// TestDegenerate: a constant response has no path (an error that says
// why); without an intercept an exact linear relation through the origin
// is recovered as α → 0.
func TestDegenerate(t *testing.T) {
	x, _ := synthetic(30, 3, 13)
	y := make([]float64, 30)
	for i := range y {
		y[i] = 2
	}
	if _, err := Path(context.Background(), x, y, 1, nil); err == nil {
		t.Error("constant y: no error")
	}
	if _, err := CV(context.Background(), x, y, &CVSettings{Folds: 3}); err == nil {
		t.Error("constant y: CV gave no error")
	}
	for i := range y {
		y[i] = 0.5*x.At(i, 0) - 2*x.At(i, 2)
	}
	r, err := Fit(context.Background(), x, y, 1e-10, 1, &Settings{NoIntercept: true, Tol: 1e-13})
	if err != nil {
		t.Fatal(err)
	}
	// α = 1e-10 biases the coefficients by about α/λ_min(G) ≪ 1e-6.
	if d := maxRelDiff(r.Coef, []float64{0.5, 0, -2}); d > 1e-6 || r.Intercept != 0 {
		t.Errorf("no intercept: coef %v intercept %v", r.Coef, r.Intercept)
	}
}

// TestRecorder: the path reports one Iteration per α, with Loss +
// penalty = Objective and a subgradient norm that vanishes at the optimum
// (to the √gap accuracy of Tol 1e-12: 1e-5 of the largest gradient).
func TestRecorder(t *testing.T) {
	x, y := synthetic(100, 5, 14)
	for _, solver := range []Solver{CoordinateDescent, ProximalGradient} {
		updates := []Update{Covariance, Naive}
		if solver == ProximalGradient {
			updates = []Update{AutoUpdate} // FISTA has no coordinate updates (and refuses the others)
		}
		for _, u := range updates {
			var its []lsq.Iteration
			rec := lsq.RecorderFunc(func(it lsq.Iteration) error { its = append(its, it); return nil })
			p, err := Path(context.Background(), x, y, 0.9, &PathSettings{Settings: Settings{Tol: 1e-12, Solver: solver, Update: u}, NumAlphas: 12, Recorder: rec})
			if err != nil {
				t.Fatal(err)
			}
			if len(its) != 12 {
				t.Fatalf("%d iterations recorded", len(its))
			}
			steps := 0
			for k, it := range its {
				steps += p.Points[k].Iterations
				if it.Epoch != k+1 || it.Step != steps || it.Objective != p.Points[k].Objective || !(it.Loss > 0 && it.Loss <= it.Objective) {
					t.Errorf("%v %v point %d: %+v", solver, u, k, it)
				}
				if it.GradNorm > 1e-5*p.AlphaMax {
					t.Errorf("%v %v point %d: subgradient norm %v", solver, u, k, it.GradNorm)
				}
			}
		}
	}
}

// TestScaleInvariance: with standardisation, rescaling a column by 1e-20
// (or 1e20) rescales its coefficient by the inverse and changes nothing
// else, and the column is not mistaken for a constant one.
func TestScaleInvariance(t *testing.T) {
	x, y := synthetic(80, 4, 15)
	ref, err := Fit(context.Background(), x, y, 0.05, 0.7, &Settings{Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []float64{1e-20, 1e20} {
		xs := mat.DenseCopyOf(x)
		for i := 0; i < 80; i++ {
			xs.Set(i, 2, k*x.At(i, 2))
		}
		r, err := Fit(context.Background(), xs, y, 0.05, 0.7, &Settings{Tol: 1e-12})
		if err != nil {
			t.Fatal(err)
		}
		want := append([]float64(nil), ref.Coef...)
		got := append([]float64(nil), r.Coef...)
		got[2] *= k
		// Same problem in the standardised coordinates, solved to Tol
		// 1e-12: agreement to 1e-9 relative.
		if d := maxRelDiff(got, want); d > 1e-9 || r.Coef[2] == 0 {
			t.Errorf("scale %v: %v, want %v", k, got, want)
		}
	}
}
