package nls

import (
	"context"
	"errors"
	"fmt"
	"go/build"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/expr"
	"github.com/lsqgo/lsq/internal/testproblems"
)

func nist(t *testing.T, name string) testproblems.Nonlinear {
	t.Helper()
	for _, p := range testproblems.NonlinearProblems() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no NIST problem %s", name)
	return testproblems.Nonlinear{}
}

func startMap(p testproblems.Nonlinear, x []float64) map[string]float64 {
	m := map[string]float64{}
	for j, n := range p.Params {
		m[n] = x[j]
	}
	return m
}

// TestGaussNewtonNIST: Gauss–Newton with a line search is less robust than
// Levenberg–Marquardt from far starts, but must never report a wrong answer
// as success: each of the 54 runs either converges to the certified values
// (LRE ≥ 10) or stops with Status Failure. From NIST's Start 2 (the closer
// one) all 27 converge.
func TestGaussNewtonNIST(t *testing.T) {
	ok := 0
	for _, p := range testproblems.NonlinearProblems() {
		for si, start := range [][]float64{p.Start1, p.Start2} {
			res, err := Curve(context.Background(), p.Model, p.Y, p.X, startMap(p, start), &Settings{Method: GaussNewton})
			if err != nil {
				t.Fatal(err)
			}
			minLRE := 99.0
			for j := range p.Params {
				minLRE = math.Min(minLRE, testproblems.LRE(res.X[j], p.Certified[j], 11))
			}
			switch {
			case res.Status.Converged() && minLRE >= paramLRE:
				ok++
			case res.Status == lsq.Failure && si == 0:
				t.Logf("%s start 1: %s", p.Name, res.Message)
			default:
				t.Errorf("%s start %d: status %v (%s), min LRE %.1f", p.Name, si+1, res.Status, res.Message, minLRE)
			}
		}
	}
	t.Logf("Gauss–Newton: %d of 54 runs reach LRE ≥ %d", ok, paramLRE)
}

func TestBounds(t *testing.T) {
	p := nist(t, "Misra1a") // certified b1 = 238.94, b2 = 5.5016e-4
	ctx := context.Background()
	for _, method := range []Method{LevenbergMarquardt, GaussNewton} {
		// Upper bound below the unconstrained optimum: b1 ends on it and b2
		// is the one-parameter optimum with b1 fixed, which an unbounded fit
		// of 200*(1-exp(-b2*x)) gives independently.
		s := &Settings{Method: method, Lower: []float64{0, 0}, Upper: []float64{200, math.Inf(1)}}
		res, err := Curve(ctx, p.Model, p.Y, p.X, startMap(p, p.Start2), s)
		if err != nil {
			t.Fatal(err)
		}
		fixed, err := Curve(ctx, "200*(1-exp(-b2*x))", p.Y, p.X, map[string]float64{"b2": 1e-3}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Status.Converged() || res.X[0] != 200 || !res.AtBound[0] || res.AtBound[1] {
			t.Errorf("%v: bounded fit %v at %v, at bound %v (%s)", method, res.Status, res.X, res.AtBound, res.Message)
		}
		// Both are solved to the rounding level; 1e-10 relative is the NIST
		// parameter target.
		if d := math.Abs(res.X[1]-fixed.X[0]) / fixed.X[0]; d > 1e-10 {
			t.Errorf("%v: b2 = %.15g, one-parameter fit %.15g (rel. diff %.1e)", method, res.X[1], fixed.X[0], d)
		}
		// The parameter on its bound keeps the standard error of the
		// unconstrained linearisation and counts in the degrees of
		// freedom, as R's nls (port) reports it (TestBoundsAsRPort).
		if math.IsNaN(res.StdErr[0]) || math.IsNaN(res.StdErr[1]) || res.DF != len(p.Y)-2 {
			t.Errorf("%v: SE %v, DF %d: want both standard errors and DF = n − 2", method, res.StdErr, res.DF)
		}
		// Inactive bounds change nothing; a start outside the box is clamped.
		s = &Settings{Method: method, Lower: []float64{0, 0}, Upper: []float64{1000, 1}}
		res, err = Curve(ctx, p.Model, p.Y, p.X, map[string]float64{"b1": 2000, "b2": 1e-4}, s)
		if err != nil {
			t.Fatal(err)
		}
		for j := range p.Params {
			if l := testproblems.LRE(res.X[j], p.Certified[j], 11); l < paramLRE {
				t.Errorf("%v: inactive bounds: %s = %.12g, LRE %.1f", method, p.Params[j], res.X[j], l)
			}
		}
	}
}

func TestFailureIsNotSuccess(t *testing.T) {
	ctx := context.Background()
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = 3*math.Exp(-0.4*v) + 0.01*math.Sin(float64(7*i)) // smooth "noise", deterministic
	}
	cols := map[string][]float64{"x": x}
	for _, tc := range []struct {
		name, model string
		start       map[string]float64
		want        string
	}{
		// exp(-1000·x) underflows to 0 on the data: J is zero, a flat region.
		{"flat", "b1*exp(-b2*x)", map[string]float64{"b1": 1, "b2": 1000}, "singular"},
		// Only the product a·b is determined.
		{"overparameterised", "a*b*exp(-0.4*x)", map[string]float64{"a": 1, "b": 1}, "singular"},
		// d/db sqrt(b) is +Inf at b = 0: reported with the row and parameter.
		{"infinite Jacobian", "sqrt(b1)*exp(-0.4*x)", map[string]float64{"b1": 0}, "the Jacobian is +Inf at residual 1, parameter b1, at the starting point b1=0: the derivatives are not finite there"},
		// A line through the origin cannot beat the mean of this data.
		{"no better than a constant", "b1*x + b2*x^2", map[string]float64{"b1": 0, "b2": 0}, "no better than a constant"},
	} {
		yy := y
		if tc.name == "no better than a constant" {
			yy = make([]float64, len(x))
			for i := range yy {
				yy[i] = 5 + 0.01*math.Sin(float64(7*i))
			}
		}
		res, err := Curve(ctx, tc.model, yy, cols, tc.start, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if res.Status != lsq.Failure || !strings.Contains(res.Message, tc.want) {
			t.Errorf("%s: status %v, message %q; want failure mentioning %q", tc.name, res.Status, res.Message, tc.want)
		}
	}
}

func TestFiniteDifferenceJacobian(t *testing.T) {
	p := nist(t, "Misra1a")
	prog, _ := expr.MustParse(p.Model).Compile(p.Params, []string{"x"})
	x := [][]float64{p.X["x"]}
	prob := Problem{M: len(p.Y), Residuals: func(r, b []float64) {
		prog.Eval(r, b, x)
		for i := range r {
			r[i] -= p.Y[i]
		}
	}}
	res, err := Solve(context.Background(), prob, p.Start1, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Central differences in relative coordinates (step 6e-6·|x|) give J to
	// O(h²) ≈ 4e-11 relative. The estimates are the fixed point Jᵀr = 0,
	// perturbed by that error times the small residuals; the standard errors
	// inherit it directly. Measured: LRE 10.7 (estimates), 9.8 (SEs); the
	// bars 9 and 8 leave a digit of margin.
	for j := range p.Params {
		if l := testproblems.LRE(res.X[j], p.Certified[j], 11); l < 9 {
			t.Errorf("%s: LRE %.1f with finite differences", p.Params[j], l)
		}
		if l := testproblems.LRE(res.StdErr[j], p.StdErr[j], 11); l < 8 {
			t.Errorf("SE(%s): LRE %.1f with finite differences", p.Params[j], l)
		}
	}
	if res.JacEvaluations == 0 || res.Evaluations < 4*res.JacEvaluations {
		t.Errorf("evaluations %d, Jacobians %d: central differences cost 2n = 4 evaluations each", res.Evaluations, res.JacEvaluations)
	}
}

func TestCanceledAndLimits(t *testing.T) {
	p := nist(t, "MGH10") // needs a few hundred evaluations from Start 1
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	rec := lsq.RecorderFunc(func(it lsq.Iteration) error {
		calls++
		if it.Epoch == 3 {
			cancel()
		}
		return nil
	})
	res, err := Curve(ctx, p.Model, p.Y, p.X, startMap(p, p.Start1), &Settings{Recorder: rec})
	if !errors.Is(err, context.Canceled) || res == nil || res.Status != lsq.Canceled {
		t.Fatalf("canceled run: %v, %v", res, err)
	}
	if res.Iterations > 4 || calls != 3 {
		t.Errorf("stopped after %d iterations, %d records; want 3 records", res.Iterations, calls)
	}
	res, err = Curve(context.Background(), p.Model, p.Y, p.X, startMap(p, p.Start1), &Settings{MaxEvaluations: 20})
	if err != nil || res.Status != lsq.IterationLimit || res.Evaluations != 20 {
		t.Errorf("limited run: status %v after %d evaluations, err %v", res.Status, res.Evaluations, err)
	}
	// A recorder error stops the fit with that error.
	boom := errors.New("boom")
	_, err = Curve(context.Background(), p.Model, p.Y, p.X, startMap(p, p.Start1),
		&Settings{Recorder: lsq.RecorderFunc(func(lsq.Iteration) error { return boom })})
	if !errors.Is(err, boom) {
		t.Errorf("recorder error: got %v", err)
	}
}

func TestRecorderSeesDecreasingLoss(t *testing.T) {
	p := nist(t, "Thurber")
	var losses []float64
	rec := lsq.RecorderFunc(func(it lsq.Iteration) error {
		losses = append(losses, it.Loss)
		return nil
	})
	res, err := Curve(context.Background(), p.Model, p.Y, p.X, startMap(p, p.Start1), &Settings{Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	// Levenberg–Marquardt accepts a step only if it lowers S.
	for i := 1; i < len(losses); i++ {
		if !(losses[i] < losses[i-1]) {
			t.Errorf("loss rose at iteration %d: %v → %v", i+1, losses[i-1], losses[i])
		}
	}
	if len(losses) != res.Iterations {
		t.Errorf("%d records for %d iterations", len(losses), res.Iterations)
	}
}

func TestCurveErrors(t *testing.T) {
	y := []float64{1, 2, 3}
	cols := map[string][]float64{"x": {1, 2, 3}}
	for _, tc := range []struct {
		model string
		start map[string]float64
		cols  map[string][]float64
		want  string
	}{
		{"b1*x + foo(x)", map[string]float64{"b1": 1}, cols, `model: 1:8: unknown function "foo"`},
		{"a*exp(-b*x) + c", map[string]float64{"a": 1}, cols, "no starting value for parameters b, c (every name of the model that is not a data column is a parameter and needs one; the data columns are x)"},
		{"a*x", map[string]float64{"a": 1, "z": 2}, cols, "starting value for z, which is not a parameter of the model (parameters: a)"},
		{"a*x", map[string]float64{"a": 1}, map[string][]float64{"x": {1, 2}}, `column "x" has 2 rows, the target has 3`},
		{"a/(x-2)", map[string]float64{"a": 1}, cols, "the model is +Inf at row 2 at the starting values"},
		{"x", nil, cols, `model "x" has no parameters: every name is a data column`},
		{"a+b*x+c*x^2+d*x^3", map[string]float64{"a": 1, "b": 1, "c": 1, "d": 1}, cols, "3 data rows for 4 parameters: need at least as many rows as parameters"},
	} {
		_, err := Curve(context.Background(), tc.model, y, tc.cols, tc.start, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.model, err, tc.want)
		}
	}
	_, err := Curve(context.Background(), "a*x +", y, cols, nil, nil)
	var pe *expr.Error
	if !errors.As(err, &pe) || pe.Column() != 6 {
		t.Errorf("syntax error %v: want an *expr.Error at column 6", err)
	}
}

func TestParamNamesNaturalOrder(t *testing.T) {
	names, err := ParamNames("b10*x + b2 + b1 + a", []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, " "); got != "a b1 b2 b10" {
		t.Errorf("ParamNames = %s", got)
	}
}

// TestObjective checks the plain objective and gradient handed to
// first-order optimisers: f = ½·RSS and ∇f = Jᵀr, against central
// differences of f.
func TestObjective(t *testing.T) {
	p := nist(t, "Misra1a")
	prog, _ := expr.MustParse(p.Model).Compile(p.Params, []string{"x"})
	cols := [][]float64{p.X["x"]}
	prob := Problem{
		M: len(p.Y),
		Residuals: func(r, b []float64) {
			prog.Eval(r, b, cols)
			for i := range r {
				r[i] -= p.Y[i]
			}
		},
		Jacobian: func(j *mat.Dense, b []float64) { prog.Jacobian(j.RawMatrix().Data, b, cols) },
	}
	f, grad := prob.Objective(2)
	if got, want := f(p.Certified), 0.5*p.RSS; math.Abs(got-want) > 1e-9*want {
		t.Errorf("f(certified) = %v, want RSS/2 = %v", got, want)
	}
	x := []float64{300, 3e-4}
	g := make([]float64, 2)
	grad(g, x)
	for k := range x {
		// h = 1e-6·|x|: central-difference error ~1e-12·f''' plus
		// ε·f/h ≈ 1e-10·f; 1e-6 relative leaves ample margin.
		h := 1e-6 * x[k]
		xp := append([]float64(nil), x...)
		xm := append([]float64(nil), x...)
		xp[k] += h
		xm[k] -= h
		fd := (f(xp) - f(xm)) / (2 * h)
		if math.Abs(fd-g[k]) > 1e-6*math.Abs(g[k]) {
			t.Errorf("gradient[%d] = %v, central difference %v", k, g[k], fd)
		}
	}
}

// TestInferenceAgainstNormalEquations: on a well-conditioned problem the
// QR-based covariance must agree with s²(JᵀJ)⁻¹ formed directly (safe here:
// cond(JᵀJ) is small), and t, p and the intervals follow from it.
func TestInferenceAgainstNormalEquations(t *testing.T) {
	p := nist(t, "Gauss1")
	res, err := Curve(context.Background(), p.Model, p.Y, p.X, startMap(p, p.Start2), nil)
	if err != nil {
		t.Fatal(err)
	}
	prog, _ := expr.MustParse(p.Model).Compile(p.Params, []string{"x"})
	n, k := len(p.Y), len(p.Params)
	j := mat.NewDense(n, k, nil)
	prog.Jacobian(j.RawMatrix().Data, res.X, [][]float64{p.X["x"]})
	var jtj, inv mat.Dense
	jtj.Mul(j.T(), j)
	if err := inv.Inverse(&jtj); err != nil {
		t.Fatal(err)
	}
	s2 := res.RSS / float64(n-k)
	tdist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - k)}
	for a := 0; a < k; a++ {
		for b := 0; b < k; b++ {
			want := s2 * inv.At(a, b)
			// cond(JᵀJ) for Gauss1 is ~1e7, so the direct inverse is good to
			// ~1e-9 relative; 1e-7 of the diagonal scale is a safe bound.
			scale := s2 * math.Sqrt(inv.At(a, a)*inv.At(b, b))
			if math.Abs(res.Cov.At(a, b)-want) > 1e-7*scale {
				t.Errorf("Cov[%d,%d] = %v, normal equations %v", a, b, res.Cov.At(a, b), want)
			}
		}
		se := res.StdErr[a]
		if math.Abs(se*se-res.Cov.At(a, a)) > 1e-12*res.Cov.At(a, a) {
			t.Errorf("SE² ≠ Cov diagonal for %d", a)
		}
		tv := res.X[a] / se
		if res.T[a] != tv || math.Abs(res.P[a]-2*tdist.Survival(math.Abs(tv))) > 1e-15 {
			t.Errorf("t or p wrong for %d: %v %v", a, res.T[a], res.P[a])
		}
		q := tdist.Quantile(0.975) // ≈ 1.97 for 242 df
		if math.Abs(res.Upper95[a]-(res.X[a]+q*se)) > 1e-12*math.Abs(res.X[a]) ||
			math.Abs(res.Lower95[a]-(res.X[a]-q*se)) > 1e-12*math.Abs(res.X[a]) {
			t.Errorf("interval wrong for %d", a)
		}
	}
	if res.Rank != k || res.DF != n-k {
		t.Errorf("rank %d, DF %d", res.Rank, res.DF)
	}
	mean := 0.0
	for _, y := range p.Y {
		mean += y / float64(n)
	}
	tss := 0.0
	for _, y := range p.Y {
		tss += (y - mean) * (y - mean)
	}
	if want := 1 - res.RSS/tss; math.Abs(res.RSquared-want) > 1e-14 {
		t.Errorf("R² = %v, want %v", res.RSquared, want)
	}
}

// TestImportRule: algorithm packages never depend on data, report, modelio
// or the CLI (DESIGN.md).
func TestImportRule(t *testing.T) {
	for _, dir := range []string{".", "../expr"} {
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range pkg.Imports {
			for _, bad := range []string{"/data", "/report", "/modelio", "/internal/cli"} {
				if strings.HasPrefix(imp, "github.com/lsqgo/lsq") && strings.HasSuffix(imp, bad) {
					t.Errorf("%s imports %s", pkg.ImportPath, imp)
				}
			}
		}
	}
}

func BenchmarkCurve(b *testing.B) {
	for _, name := range []string{"Misra1a", "Gauss1", "Bennett5"} {
		var p testproblems.Nonlinear
		for _, q := range testproblems.NonlinearProblems() {
			if q.Name == name {
				p = q
			}
		}
		b.Run(fmt.Sprintf("%s/start2", name), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Curve(context.Background(), p.Model, p.Y, p.X, startMap(p, p.Start2), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPredict: at the data the fitted values are y − (−residuals); for a
// model linear in its parameters the delta method is exact, so SE(f̂) equals
// the textbook √(xᵢᵀ Cov xᵢ) computed from the covariance by hand.
func TestPredict(t *testing.T) {
	p := nist(t, "Misra1a")
	res, err := Curve(context.Background(), p.Model, p.Y, p.X, startMap(p, p.Start2), nil)
	if err != nil {
		t.Fatal(err)
	}
	fit, se, err := res.Predict(p.X)
	if err != nil {
		t.Fatal(err)
	}
	for i := range fit {
		// Residuals are model − y, evaluated by the same program: exact.
		if fit[i] != p.Y[i]+res.Residuals[i] && math.Abs(fit[i]-(p.Y[i]+res.Residuals[i])) > 1e-12*math.Abs(fit[i]) {
			t.Errorf("fit[%d] = %v, y + r = %v", i, fit[i], p.Y[i]+res.Residuals[i])
		}
		if !(se[i] > 0) {
			t.Errorf("se[%d] = %v", i, se[i])
		}
	}
	x := []float64{1, 2, 3, 4, 5}
	y := []float64{2.1, 3.9, 6.2, 7.8, 10.1}
	lin, err := Curve(context.Background(), "a + b*x", y, map[string][]float64{"x": x}, map[string]float64{"a": 0, "b": 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, se, err = lin.Predict(map[string][]float64{"x": {0, 10}})
	if err != nil {
		t.Fatal(err)
	}
	for i, xi := range []float64{0, 10} {
		want := math.Sqrt(lin.Cov.At(0, 0) + 2*xi*lin.Cov.At(0, 1) + xi*xi*lin.Cov.At(1, 1))
		if math.Abs(se[i]-want) > 1e-14*want {
			t.Errorf("SE at x=%v: %v, want %v", xi, se[i], want)
		}
	}
	if _, _, err := lin.Predict(map[string][]float64{"z": {1}}); err == nil || err.Error() != `column "x" of the model is missing` {
		t.Errorf("missing column: %v", err)
	}
}

// BenchmarkCurveRows fits a four-parameter model to synthetic data of
// growing size: the cost per evaluation is linear in the rows, and the
// allocations do not grow with the iterations.
func BenchmarkCurveRows(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		x := make([]float64, n)
		y := make([]float64, n)
		for i := range x {
			x[i] = 10 * float64(i) / float64(n)
			y[i] = 2*math.Exp(-0.3*x[i]) + 0.5*math.Sin(1.3*x[i]) + 0.01*math.Sin(float64(7*i))
		}
		cols := map[string][]float64{"x": x}
		start := map[string]float64{"a": 1, "k": 0.1, "b": 1, "w": 1.2}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Curve(context.Background(), "a*exp(-k*x) + b*sin(w*x)", y, cols, start, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestTextNames(t *testing.T) {
	for _, l := range []Loss{Linear, Huber, SoftL1, Cauchy} {
		b, _ := l.MarshalText()
		var got Loss
		if err := got.UnmarshalText(b); err != nil || got != l {
			t.Errorf("loss %v: round trip gave %v, %v", l, got, err)
		}
	}
	for _, s := range []string{"lm", "gn", "levenberg-marquardt", "gauss-newton"} {
		var m Method
		if err := m.UnmarshalText([]byte(s)); err != nil {
			t.Errorf("method %q: %v", s, err)
		}
	}
	var l Loss
	if err := l.UnmarshalText([]byte("l2")); err == nil || err.Error() != `unknown loss "l2" (want linear, huber, soft_l1 or cauchy)` {
		t.Errorf("bad loss: %v", err)
	}
}

// TestWorkersBitIdentical: Curve's parallel evaluation splits the rows into
// blocks, and each row is computed by the same instructions, so the fit is
// bit-identical for any number of workers.
func TestWorkersBitIdentical(t *testing.T) {
	n := 3 * parallelRows // three blocks with Workers: 3
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = 10 * float64(i) / float64(n)
		y[i] = 2*math.Exp(-0.3*x[i]) + 0.5*math.Sin(1.3*x[i]) + 0.01*math.Sin(float64(7*i))
	}
	var ref *Result
	for _, w := range []int{1, 2, 3} {
		res, err := Curve(context.Background(), "a*exp(-k*x) + b*sin(w*x)", y, map[string][]float64{"x": x},
			map[string]float64{"a": 1, "k": 0.1, "b": 1, "w": 1.2}, &Settings{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = res
			continue
		}
		for j := range res.X {
			if res.X[j] != ref.X[j] || res.StdErr[j] != ref.StdErr[j] {
				t.Errorf("workers %d: %v ± %v, one worker %v ± %v", w, res.X, res.StdErr, ref.X, ref.StdErr)
			}
		}
		if res.RSS != ref.RSS || res.Evaluations != ref.Evaluations {
			t.Errorf("workers %d: RSS %v (%d evaluations), one worker %v (%d)", w, res.RSS, res.Evaluations, ref.RSS, ref.Evaluations)
		}
	}
}
