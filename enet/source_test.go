package enet

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// momentsOf returns the moments Fit's covariance updates form from the rows
// (gramProblem's pass, before standardisation), as a Moments.
func momentsOf(t *testing.T, x *mat.Dense, y []float64, st *settings) *Moments {
	t.Helper()
	n, d := x.Dims()
	v, err := normWeights(st.weights, n)
	if err != nil {
		t.Fatal(err)
	}
	p := bareProblem(x, st)
	shift := provisionalShift(p.x, p.stride, n, d, y, v, p.intercept)
	a, ok, _ := moments(p.x, p.stride, n, d, y, st.weights, v, shift, nil)
	if !ok {
		t.Fatal("moments not finite")
	}
	p.v = v
	p.fromMoments(a, shift)
	positive := 0
	for _, vi := range v {
		if vi > 0 {
			positive++
		}
	}
	m := &Moments{N: positive, Intercept: p.intercept, Gram: p.gram, XTy: p.c, YY: p.ycc}
	if p.intercept {
		m.Mean, m.YMean = p.m, p.ymean
	}
	return m
}

// One problem, two sources: FitMoments and PathMoments given the moments
// Fit and Path form from the rows return their results bit for bit
// (coefficients, intercept, objective, gap, sweeps, status), weighted and
// not, with and without intercept and standardisation — so the moments
// constructor builds the same problem (means, scales, excluded columns,
// constant target) as the rows do.
func TestMomentsSourceSameBits(t *testing.T) {
	x, y := synthetic(500, 6, 3)
	// Column 5 constant: excluded from the fit by either source.
	for i := 0; i < 500; i++ {
		x.Set(i, 5, 4)
	}
	w := make([]float64, 500)
	for i := range w {
		w[i] = float64(i % 4) // a quarter of the rows have weight 0
	}
	ctx := context.Background()
	for _, weights := range [][]float64{nil, w} {
		for _, noInt := range []bool{false, true} {
			for _, unstd := range []bool{false, true} {
				s := Settings{Weights: weights, NoIntercept: noInt, Unstandardized: unstd, Update: Covariance, Tol: 1e-12}
				st := resolve(&s, 500, 6)
				m := momentsOf(t, x, y, &st)
				ms := s
				ms.Weights = nil
				for _, rho := range []float64{1, 0.5, 0} {
					want, err := Fit(ctx, x, y, 0.02, rho, &s)
					if err != nil {
						t.Fatal(err)
					}
					got, err := FitMoments(ctx, m, 0.02, rho, &ms)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("weights %t, no intercept %t, unstandardised %t, ρ %v: FitMoments %+v, Fit %+v", weights != nil, noInt, unstd, rho, got, want)
					}
					ps := &PathSettings{Settings: s, NumAlphas: 30}
					wantP, err := Path(ctx, x, y, rho, ps)
					if err != nil {
						t.Fatal(err)
					}
					mps := &PathSettings{Settings: ms, NumAlphas: 30}
					gotP, err := PathMoments(ctx, m, rho, mps)
					if err != nil {
						t.Fatal(err)
					}
					if !samePath(gotP, wantP) {
						t.Errorf("weights %t, no intercept %t, unstandardised %t, ρ %v: PathMoments differs from Path", weights != nil, noInt, unstd, rho)
					}
				}
			}
		}
	}
}

// samePath compares two paths bit for bit, NaN gaps (α = 0) included.
func samePath(a, b *PathResult) bool {
	if a.L1Ratio != b.L1Ratio || a.AlphaMax != b.AlphaMax || len(a.Points) != len(b.Points) {
		return false
	}
	for k := range a.Points {
		p, q := a.Points[k], b.Points[k]
		if math.IsNaN(p.Gap) && math.IsNaN(q.Gap) {
			p.Gap, q.Gap = 0, 0
		}
		if !reflect.DeepEqual(p, q) {
			return false
		}
	}
	return true
}

// What needs the rows is refused by name; fewer than two rows and
// non-finite moments are errors as they are for rows.
func TestMomentsRefusals(t *testing.T) {
	x, y := synthetic(50, 3, 1)
	st := resolve(nil, 50, 3)
	m := momentsOf(t, x, y, &st)
	ctx := context.Background()
	for _, c := range []struct {
		s    Settings
		want string
	}{
		{Settings{Solver: ProximalGradient}, "Settings.Solver fista"},
		{Settings{Update: Naive}, "Settings.Update naive"},
		{Settings{Weights: make([]float64, 50)}, "Settings.Weights"},
		{Settings{NoIntercept: true}, "Settings.NoIntercept"},
	} {
		_, err := FitMoments(ctx, m, 0.1, 1, &c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one naming %s", c.s, err, c.want)
		}
		_, err = PathMoments(ctx, m, 1, &PathSettings{Settings: c.s})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("path %+v: error %v, want one naming %s", c.s, err, c.want)
		}
	}
	one := *m
	one.N = 1
	if _, err := FitMoments(ctx, &one, 0.1, 1, nil); err == nil || !strings.Contains(err.Error(), "need at least 2") {
		t.Errorf("N = 1: error %v", err)
	}
	inf := *m
	inf.Gram = append([]float64(nil), m.Gram...)
	inf.Gram[4] = math.Inf(1)
	if _, err := FitMoments(ctx, &inf, 0.1, 1, nil); err == nil || !strings.Contains(err.Error(), "Gram[4]") {
		t.Errorf("Inf in Gram: error %v", err)
	}
}

// MSE is the mean squared residual computed from the rows, to the rounding
// of the quadratic form — ε·(YY + 2|w|ᵀ|XTy| + |w|ᵀ|G||w|) times a few
// units (16, for the d² terms summed) — and of the direct sum (n·ε/2 of
// it), with and without intercept.
func TestMomentsMSE(t *testing.T) {
	x, y := synthetic(400, 5, 9)
	ctx := context.Background()
	for _, noInt := range []bool{false, true} {
		s := Settings{NoIntercept: noInt}
		st := resolve(&s, 400, 5)
		m := momentsOf(t, x, y, &st)
		r, err := FitMoments(ctx, m, 0.05, 0.7, &s)
		if err != nil {
			t.Fatal(err)
		}
		var direct float64
		for i := range 400 {
			e := y[i] - r.Intercept - mat.Dot(x.RowView(i), mat.NewVecDense(5, r.Coef))
			direct += e * e / 400
		}
		bound := m.YY
		for j, cj := range r.Coef {
			bound += 2 * math.Abs(cj*m.XTy[j])
			for k, ck := range r.Coef {
				bound += math.Abs(cj * m.Gram[j*5+k] * ck)
			}
		}
		// Plus the rounding of the direct sum of 400 squares.
		bound = 16*0x1p-52*bound + 400*0x1p-53*direct
		if got := m.MSE(r.Coef); math.Abs(got-direct) > bound {
			t.Errorf("no intercept %t: MSE %v from the moments, %v from the rows (bound %.2g)", noInt, got, direct, bound)
		}
	}
}

// TestR2FromRows: Result.R2, read off the objective less the penalty, is
// 1 − Σw r²/Σw(y − ȳ)² (ȳ = 0 without intercept) computed here from the
// rows at the result's coefficients and intercept, for every solver and
// update, the lasso, the elastic net and ridge, weighted or not, with and
// without intercept and standardisation. Tolerance 1e-10: the objective is
// a sum of 400 terms of order one and the penalty is subtracted from it,
// both to rounding; the R² of the rows is another sum of the same terms.
func TestR2FromRows(t *testing.T) {
	x, y := synthetic(400, 5, 11)
	n, d := x.Dims()
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 + float64(i%3)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		s    Settings
	}{
		{"covariance", Settings{Update: Covariance}},
		{"naive", Settings{Update: Naive}},
		{"fista", Settings{Solver: ProximalGradient}},
		{"weighted", Settings{Weights: w}},
		{"no intercept", Settings{NoIntercept: true}},
		{"unstandardised", Settings{Unstandardized: true, Weights: w}},
	} {
		for _, rho := range []float64{1, 0.5, 0} {
			res, err := Fit(ctx, x, y, 0.05, rho, &c.s)
			if err != nil {
				t.Fatal(err)
			}
			var sw, sy float64
			for i := range n {
				wi := 1.0
				if c.s.Weights != nil {
					wi = w[i]
				}
				sw += wi
				sy += wi * y[i]
			}
			mean := sy / sw
			if c.s.NoIntercept {
				mean = 0
			}
			var rss, tss float64
			for i := range n {
				wi := 1.0
				if c.s.Weights != nil {
					wi = w[i]
				}
				r := y[i] - res.Intercept
				for j := range d {
					r -= res.Coef[j] * x.At(i, j)
				}
				rss += wi * r * r
				tss += wi * (y[i] - mean) * (y[i] - mean)
			}
			if want := 1 - rss/tss; math.Abs(res.R2-want) > 1e-10 {
				t.Errorf("%s, ρ %v: R2 %.15g, from the rows %.15g", c.name, rho, res.R2, want)
			}
		}
	}
}
