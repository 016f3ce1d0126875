package enet

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
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
		{"enet-std-cov", 0.5, 0.2, true, Covariance},
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
			s.Solver = ProximalGradient
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
			t.Logf("cd %d sweeps gap %.2g; fista %d iterations gap %.2g", a.Iterations, a.Gap, b.Iterations, b.Gap)
		})
	}
}
