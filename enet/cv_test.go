package enet

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// subset copies the rows of x and y for which keep returns true.
func subset(x *mat.Dense, y []float64, keep func(i int) bool) (*mat.Dense, []float64) {
	n, d := x.Dims()
	var data, ys []float64
	for i := 0; i < n; i++ {
		if keep(i) {
			data = append(data, x.RawRowView(i)...)
			ys = append(ys, y[i])
		}
	}
	return mat.NewDense(len(ys), d, data), ys
}

// TestRidgeLOOBruteForce: the closed-form leave-one-out errors equal
// refitting without each row. Unstandardised, so the centring is the only
// data-dependent preprocessing and an unpenalised intercept absorbs it; the
// penalty is fixed in unnormalised units (nα on n rows is (n−1)α' on n−1).
// Both sides are solved to Tol 1e-13; agreement to 1e-8 relative.
func TestRidgeLOOBruteForce(t *testing.T) {
	x, y := synthetic(40, 5, 5)
	n, _ := x.Dims()
	alphas := []float64{10, 1, 0.1, 0.01}
	r, err := RidgeLOO(context.Background(), x, y, alphas, &Settings{Unstandardized: true})
	if err != nil {
		t.Fatal(err)
	}
	for a, al := range alphas {
		var loo float64
		for i := 0; i < n; i++ {
			xs, ys := subset(x, y, func(k int) bool { return k != i })
			f, err := Fit(context.Background(), xs, ys, al*float64(n)/float64(n-1), 0, &Settings{Unstandardized: true, Tol: 1e-13})
			if err != nil {
				t.Fatal(err)
			}
			m := f.Linear(nil)
			e := y[i] - m.Predict(x.RawRowView(i))
			loo += e * e / float64(n)
		}
		if d := math.Abs(loo-r.LOO[a]) / loo; d > 1e-8 {
			t.Errorf("α=%v: LOO %v, brute force %v (rel %.3g)", al, r.LOO[a], loo, d)
		}
	}
	// The best fit equals coordinate descent at that α.
	f, err := Fit(context.Background(), x, y, r.Best.Alpha, 0, &Settings{Unstandardized: true, Tol: 1e-13})
	if err != nil {
		t.Fatal(err)
	}
	if d := maxRelDiff(f.Coef, r.Best.Coef); d > 1e-8 {
		t.Errorf("best fit differs from CD by %.3g", d)
	}
}

// TestCVBruteForce: CV's per-α mean error and standard error equal the
// formulas computed by hand from fits on copied training folds.
func TestCVBruteForce(t *testing.T) {
	x, y := synthetic(90, 6, 6)
	n, _ := x.Dims()
	s := &CVSettings{Folds: 4, Seed: 42, L1Ratios: []float64{1, 0.5}}
	s.Tol = 1e-12
	s.NumAlphas = 20
	ctx := context.Background()
	res, err := CV(ctx, x, y, s)
	if err != nil {
		t.Fatal(err)
	}
	// Folds are balanced: sizes 23, 23, 22, 22 for 90 rows in 4 folds.
	size := make([]int, 4)
	for _, f := range res.Folds {
		size[f]++
	}
	for _, c := range size {
		if c < 22 || c > 23 {
			t.Errorf("fold sizes %v", size)
		}
	}
	for _, c := range res.Curves {
		for _, a := range []int{0, 7, 19} {
			al := c.Alphas[a]
			errs := make([]float64, 4)
			for f := 0; f < 4; f++ {
				xs, ys := subset(x, y, func(i int) bool { return res.Folds[i] != f })
				fit, err := Fit(ctx, xs, ys, al, c.L1Ratio, &Settings{Tol: 1e-12})
				if err != nil {
					t.Fatal(err)
				}
				m := fit.Linear(nil)
				for i := 0; i < n; i++ {
					if res.Folds[i] == f {
						e := y[i] - m.Predict(x.RawRowView(i))
						errs[f] += e * e / float64(size[f])
					}
				}
			}
			var mean, v float64
			for f := range errs {
				mean += errs[f] * float64(size[f]) / float64(n)
			}
			for f := range errs {
				v += float64(size[f]) / float64(n) * (errs[f] - mean) * (errs[f] - mean)
			}
			se := math.Sqrt(v / 3)
			// Tol 1e-12 on each side: errors agree to ~1e-6 relative (√gap).
			if d := math.Abs(mean-c.MSE[a]) / mean; d > 1e-6 {
				t.Errorf("ρ=%v α[%d]: MSE %v, by hand %v", c.L1Ratio, a, c.MSE[a], mean)
			}
			if d := math.Abs(se-c.SE[a]) / se; d > 1e-5 {
				t.Errorf("ρ=%v α[%d]: SE %v, by hand %v", c.L1Ratio, a, c.SE[a], se)
			}
		}
		if c.Alphas[c.OneSE] < c.Alphas[c.Min] {
			t.Errorf("α_1se %v below α_min %v", c.Alphas[c.OneSE], c.Alphas[c.Min])
		}
	}
	// Same seed, same folds and numbers.
	again, err := CV(ctx, x, y, s)
	if err != nil {
		t.Fatal(err)
	}
	if again.AlphaMin != res.AlphaMin || again.Refit.Intercept != res.Refit.Intercept {
		t.Errorf("CV not reproducible for a fixed seed")
	}
	if res.Refit.Alpha != res.AlphaMin || res.Refit.L1Ratio != res.L1Ratio {
		t.Errorf("refit at (%v, %v), chosen (%v, %v)", res.Refit.Alpha, res.Refit.L1Ratio, res.AlphaMin, res.L1Ratio)
	}
}

// TestRidgeLOOBadGrid: a constant target leaves no default grid (α_max = 0)
// and is an error naming it, as for Path; an empty grid given explicitly is
// a programmer's error and panics with a message, not an index error.
func TestRidgeLOOBadGrid(t *testing.T) {
	x, _ := synthetic(30, 3, 2)
	y := make([]float64, 30)
	for i := range y {
		y[i] = 4
	}
	_, err := RidgeLOO(context.Background(), x, y, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "α_max is 0") {
		t.Errorf("constant y: err = %v, want the α_max error", err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "empty grid") {
			t.Errorf("empty grid: recovered %v, want a panic naming the empty grid", r)
		}
	}()
	_, _ = RidgeLOO(context.Background(), x, y, []float64{}, nil)
}
