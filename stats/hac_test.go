package stats

import (
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// arSeries is a deterministic series with autocorrelated regressor and
// errors: x₁ₜ = 0.8x₁ₜ₋₁ + sin(1.3t), x₂ₜ = cos(2.1t), eₜ = 0.6eₜ₋₁ +
// sin(0.7t²), y = 1 + 0.5x₁ − 0.3x₂ + e.
func arSeries(n int) (*mat.Dense, []float64) {
	x := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	var x1, e float64
	for t := 0; t < n; t++ {
		ft := float64(t)
		x1 = 0.8*x1 + math.Sin(1.3*ft)
		e = 0.6*e + math.Sin(0.7*ft*ft)
		x.Set(t, 0, x1)
		x.Set(t, 1, math.Cos(2.1*ft))
		y[t] = 1 + 0.5*x1 - 0.3*x.At(t, 1) + e
	}
	return x, y
}

func summarizeHAC(t *testing.T, x *mat.Dense, y []float64, set Settings) *Summary {
	t.Helper()
	res, err := linear.Solve(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Summarize(res, x, nil, &set)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHACAliased: a duplicated column is aliased, and the influence rows
// then span only the rank of the design; prewhitening fits the VAR in the
// coordinates of the directions they span (whiten), which must give, for the coefficients outside
// the dependence (the intercept and x₂), the standard errors of the fit
// without the duplicate, and the same automatic lag and bandwidth (the
// estimating functions of an aliased column are left out, as R's estfun
// does). Tolerance 1e-9 relative: the two fits take different paths to ψ
// (pseudo-inverse against QR of the centred design, both backward stable
// on this design of condition number below 10), agreeing to about 1e-13
// (measured 2e-15 at worst).
func TestHACAliased(t *testing.T) {
	x, y := arSeries(120)
	n, _ := x.Dims()
	dup := mat.NewDense(n, 3, nil)
	for i := 0; i < n; i++ {
		dup.SetRow(i, []float64{x.At(i, 0), x.At(i, 1), x.At(i, 0)})
	}
	for _, set := range []Settings{
		{Cov: HAC, Lags: AutoLags, Prewhite: true},
		{Cov: HAC, Lags: AutoLags},
		{Cov: HAC, Lags: 4, Prewhite: true},
	} {
		full := summarizeHAC(t, x, y, set)
		al := summarizeHAC(t, dup, y, set)
		if al.DFModel != 2 || !math.IsNaN(al.Terms[1].StdErr) && !math.IsNaN(al.Terms[3].StdErr) {
			t.Fatalf("rank %d, se %v: want a rank-2 fit with x₁ or its copy aliased", al.DFModel, al.Terms)
		}
		if full.Lags != al.Lags || math.Abs(full.Bandwidth-al.Bandwidth) > 1e-9*full.Bandwidth {
			t.Errorf("%+v: lag %d bandwidth %g, without the duplicate %d, %g", set, al.Lags, al.Bandwidth, full.Lags, full.Bandwidth)
		}
		worst := 0.0
		for _, j := range []int{0, 2} { // intercept, x₂
			g, e := al.Terms[j].StdErr, full.Terms[j].StdErr
			worst = math.Max(worst, math.Abs(g-e)/e)
			if math.Abs(g-e) > 1e-9*e {
				t.Errorf("%+v: se[%d] = %.15g, without the duplicate %.15g", set, j, g, e)
			}
		}
		t.Logf("%+v: lag %d, bandwidth %.6g, worst relative difference %.2g", set, al.Lags, al.Bandwidth, worst)
	}
}

// TestHACInvariants: adding Xb to y leaves the residuals, hence the
// covariance, lag and bandwidth, unchanged; scaling y by c scales the
// covariance by c² and leaves the bandwidth (a ratio of autocovariances)
// and so the lag unchanged. The default lag and the zero Settings are
// unchanged by the new settings: no prewhitening, DefaultLags(n).
// Tolerance 1e-12 relative: the same computation on residuals that differ
// by the rounding of the fit (condition number below 10).
func TestHACInvariants(t *testing.T) {
	x, y := arSeries(150)
	shifted := make([]float64, len(y))
	scaled := make([]float64, len(y))
	for i := range y {
		shifted[i] = y[i] + 3 - 2*x.At(i, 0) + 7*x.At(i, 1)
		scaled[i] = -1e3 * y[i]
	}
	for _, set := range []Settings{
		{Cov: HAC, Lags: AutoLags, Prewhite: true},
		{Cov: HAC, Lags: AutoLags},
		{Cov: HAC, Lags: 2, Prewhite: true},
	} {
		base := summarizeHAC(t, x, y, set)
		for _, c := range []struct {
			name string
			y    []float64
			f    float64 // the standard errors' factor
		}{{"y + Xb", shifted, 1}, {"−1000y", scaled, 1e3}} {
			s := summarizeHAC(t, x, c.y, set)
			if s.Lags != base.Lags || s.Prewhite != set.Prewhite || !(math.Abs(s.Bandwidth-base.Bandwidth) <= 1e-12*base.Bandwidth || set.Lags != AutoLags) {
				t.Errorf("%s %+v: lag %d bandwidth %.15g prewhite %v; base %d, %.15g", c.name, set, s.Lags, s.Bandwidth, s.Prewhite, base.Lags, base.Bandwidth)
			}
			for j, tm := range s.Terms {
				if e := c.f * base.Terms[j].StdErr; math.Abs(tm.StdErr-e) > 1e-12*e {
					t.Errorf("%s %+v: se[%d] = %.15g, want %.15g", c.name, set, j, tm.StdErr, e)
				}
			}
		}
	}
	s := summarizeHAC(t, x, y, Settings{Cov: HAC})
	if s.Lags != DefaultLags(150) || s.Prewhite || s.Bandwidth != 0 {
		t.Errorf("zero Settings: lag %d prewhite %v bandwidth %g; want %d, false, 0", s.Lags, s.Prewhite, s.Bandwidth, DefaultLags(150))
	}
}

// TestHACPrewhiteErrors: a VAR(1) with no residual degrees of freedom
// (n − 1 ≤ p) is an error, not a zero covariance; Prewhite or a negative
// Lags other than AutoLags are invalid settings (panics).
func TestHACPrewhiteErrors(t *testing.T) {
	x, y := arSeries(4) // n = 4, p = 3: the VAR has 3 rows for 3 coefficients
	res, err := linear.Solve(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, lags := range []int{1, AutoLags} {
		_, err := Summarize(res, x, nil, &Settings{Cov: HAC, Lags: lags, Prewhite: true})
		if err == nil || !strings.Contains(err.Error(), "prewhitening") {
			t.Errorf("lags %d: err %v, want one about prewhitening", lags, err)
		}
	}
	for _, set := range []Settings{{Cov: HC1, Prewhite: true}, {Cov: HAC, Lags: -2}, {Cov: HC0, Lags: AutoLags}} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%+v: no panic", set)
				}
			}()
			Summarize(res, x, nil, &set)
		}()
	}
}

// TestVAR1 checks var1 against a VAR(1) it must recover exactly: a series
// uₜ = Auₜ₋₁ with no innovations has residuals zero and Â = A (A has
// complex eigenvalues, so the rows span the plane from any start); and
// with the columns of u scaled by S, Â becomes SÂS⁻¹ (the equivariance
// that lets neweyWest prewhiten ψ instead of x̃ᵢwᵢrᵢ). Tolerance 1e-12: A
// has spectral radius 0.51 and over 30 rows the series decays to about
// 1e-9 of its start, so the least squares (condition number about 10
// after scaling the columns) keeps about 15 digits.
func TestVAR1(t *testing.T) {
	a := mat.NewDense(2, 2, []float64{0.5, 0.2, -0.3, 0.4})
	n := 30
	u := mat.NewDense(n, 2, nil)
	u.SetRow(0, []float64{1, 2})
	for i := 1; i < n; i++ {
		u.RowView(i).(*mat.VecDense).MulVec(a, u.RowView(i-1))
	}
	got, e, err := var1(u)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.EqualApprox(got, a, 1e-12) {
		t.Errorf("Â = %v, want %v", mat.Formatted(got), mat.Formatted(a))
	}
	if mat.Norm(e, math.Inf(1)) > 1e-12 {
		t.Errorf("residuals %v, want 0", mat.Formatted(e))
	}
	// A noisy series and its scaled copy.
	x, _ := arSeries(50)
	s := []float64{1e3, 1e-2}
	scaled := mat.DenseCopyOf(x)
	for i := 0; i < 50; i++ {
		row := scaled.RawRowView(i)
		row[0] *= s[0]
		row[1] *= s[1]
	}
	a1, _, err := var1(x)
	if err != nil {
		t.Fatal(err)
	}
	a2, _, err := var1(scaled)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			if w := s[i] * a1.At(i, j) / s[j]; math.Abs(a2.At(i, j)-w) > 1e-12*s[i]/s[j] {
				t.Errorf("scaled Â[%d,%d] = %g, want %g", i, j, a2.At(i, j), w)
			}
		}
	}
}

// TestHACSameBitsAnyGOMAXPROCS: the matrix products and SVDs of the
// automatic lag and of prewhitening may run in parallel; the covariance
// and bandwidth must not depend on the number of cores.
func TestHACSameBitsAnyGOMAXPROCS(t *testing.T) {
	res, x, _ := benchFit(t, 3000, 20)
	set := Settings{Cov: HAC, Lags: AutoLags, Prewhite: true}
	prev := runtime.GOMAXPROCS(1)
	one, err := Summarize(res, x, nil, &set)
	runtime.GOMAXPROCS(max(prev, 4))
	many, err2 := Summarize(res, x, nil, &set)
	runtime.GOMAXPROCS(prev)
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	if !mat.Equal(one.Cov, many.Cov) || math.Float64bits(one.Bandwidth) != math.Float64bits(many.Bandwidth) || one.Lags != many.Lags {
		t.Errorf("bandwidth %v and %v, lags %d and %d, or the covariances differ with the number of cores", one.Bandwidth, many.Bandwidth, one.Lags, many.Lags)
	}
}

// TestHACOnesColumn: without an intercept, a column of ones is the
// intercept by another name, and bwNeweyWest gives it weight 0 as it does
// the intercept; so fitting [1 x₁ x₂] through the origin gives the lag,
// bandwidth and standard errors of the fit of [x₁ x₂] with an intercept.
// Tolerance 1e-10 relative: the two fits (QR of the centred design, QR of
// the raw one, both of condition number below 10 here) differ by rounding,
// here the same bits (measured).
func TestHACOnesColumn(t *testing.T) {
	x, y := arSeries(160)
	n, _ := x.Dims()
	ones := mat.NewDense(n, 3, nil)
	for i := 0; i < n; i++ {
		ones.SetRow(i, []float64{1, x.At(i, 0), x.At(i, 1)})
	}
	res, err := linear.Solve(ones, y, &linear.Settings{NoIntercept: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []Settings{{Cov: HAC, Lags: AutoLags, Prewhite: true}, {Cov: HAC, Lags: AutoLags}} {
		want := summarizeHAC(t, x, y, set)
		got, err := Summarize(res, ones, nil, &set)
		if err != nil {
			t.Fatal(err)
		}
		if got.Lags != want.Lags || math.Abs(got.Bandwidth-want.Bandwidth) > 1e-10*want.Bandwidth {
			t.Errorf("%+v: lag %d bandwidth %.15g, with an intercept %d, %.15g", set, got.Lags, got.Bandwidth, want.Lags, want.Bandwidth)
		}
		for j := range want.Terms {
			if g, e := got.Terms[j].StdErr, want.Terms[j].StdErr; math.Abs(g-e) > 1e-10*e {
				t.Errorf("%+v: se[%d] = %.15g, with an intercept %.15g", set, j, g, e)
			}
		}
		t.Logf("%+v: lag %d bandwidth %.6g (%.2g relative difference)", set, got.Lags, got.Bandwidth, math.Abs(got.Bandwidth-want.Bandwidth)/want.Bandwidth)
	}
}
