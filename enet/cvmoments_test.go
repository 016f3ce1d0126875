package enet

import (
	"context"
	"math"
	"reflect"
	"testing"
)

// One definition of the CV curve: CVMoments given the moments CV itself
// forms (the full data's, as Path forms them, and each training set's, the
// other folds' summed and centred by fromMoments) returns CV's grid, chosen
// indices and refit bit for bit; only the held-out errors differ, read off
// each fold's moments (MSE plus the squared mean residual) instead of its
// rows, which a missing or wrong mean term would move by far more than the
// tolerance. Weighted (with rows of weight zero) and
// not, with and without intercept and standardisation.
//
// Tolerance of the errors: the fold paths are built from the same training
// problems, so the errors differ by the rounding of the two formulas alone:
// Moments.MSE's about ε/(1 − R²) relative (the least CV error is above 0.5%
// of var(y) here, checked below: at most 200ε = 2.2e-14) and the per-row
// sum's about ε per row over ≤ 150 rows (1.7e-14); 1e-12 leaves a factor of
// 25. The standard error moves by at most the largest change of a fold's
// error (centring and a weighted 2-norm are non-expansive), each at most
// tol·MSE·W/W_k.
func TestCVMomentsIsCV(t *testing.T) {
	const n, d = 600, 5
	x, y := synthetic(n, d, 12)
	w := make([]float64, n)
	for i := range w {
		w[i] = float64(i%5) * 0.5 // a fifth of the rows have weight 0
	}
	ctx := context.Background()
	for _, weights := range [][]float64{nil, w} {
		for _, noInt := range []bool{false, true} {
			for _, unstd := range []bool{false, true} {
				cs := &CVSettings{Folds: 4, Seed: 5, L1Ratios: []float64{1, 0.3}}
				cs.NumAlphas = 25
				cs.Weights, cs.NoIntercept, cs.Unstandardized, cs.Update, cs.Tol = weights, noInt, unstd, Covariance, 1e-10
				want, err := CV(ctx, x, y, cs)
				if err != nil {
					t.Fatal(err)
				}
				st := resolve(&cs.Settings, n, d)
				fs, err := newFoldSet(x, y, &st, want.Folds, 4)
				if err != nil {
					t.Fatal(err)
				}
				full := momentsOf(t, x, y, &st)
				folds := make([]FoldMoments, 4)
				fw := make([]float64, 4)
				var wsum float64
				for f := range folds {
					// The training set's moments, as train(f) forms them.
					var a []float64
					for g, ag := range fs.each {
						if g == f {
							continue
						}
						if a == nil {
							a = append([]float64(nil), ag...)
						} else {
							addTo(a, ag)
						}
					}
					p := bareProblem(x, &st)
					p.fromMoments(a, fs.shift)
					positive := 0
					for i, g := range want.Folds {
						if g != f && (weights == nil || weights[i] > 0) {
							positive++
						}
					}
					folds[f].Train = Moments{N: positive, Intercept: !noInt, Gram: p.gram, XTy: p.c, YY: p.ycc}
					if !noInt {
						folds[f].Train.Mean, folds[f].Train.YMean = p.m, p.ymean
					}
					// The fold's own moments, from its rows.
					keep := func(i int) bool { return want.Folds[i] == f }
					xf, yf := subset(x, y, keep)
					var wf []float64
					for i := range n {
						if keep(i) {
							wi := 1.0
							if weights != nil {
								wi = weights[i]
							}
							wf = append(wf, wi)
							fw[f] += wi
						}
					}
					wsum += fw[f]
					sf := cs.Settings
					sf.Weights = wf
					sft := resolve(&sf, len(yf), d)
					folds[f].Test = *momentsOf(t, xf, yf, &sft)
					folds[f].Weight = fw[f]
				}
				ms := *cs
				ms.Weights = nil
				got, err := CVMoments(ctx, full, folds, &ms)
				if err != nil {
					t.Fatal(err)
				}
				minW := math.Inf(1)
				for _, v := range fw {
					minW = math.Min(minW, v)
				}
				const tol = 1e-12
				if m := want.Curves[want.Best].MSE[want.Curves[want.Best].Min]; m < 0.005*full.YY {
					t.Fatalf("least CV error %v below 0.5%% of var(y) %v: the tolerance does not hold", m, full.YY)
				}
				for c := range want.Curves {
					wc, gc := want.Curves[c], got.Curves[c]
					if !reflect.DeepEqual(gc.Alphas, wc.Alphas) || gc.AlphaMax != wc.AlphaMax || gc.Min != wc.Min || gc.OneSE != wc.OneSE {
						t.Errorf("weights %t, no intercept %t, unstandardised %t, ρ %v: grid or choice differs: min %d/%d, 1se %d/%d",
							weights != nil, noInt, unstd, wc.L1Ratio, gc.Min, wc.Min, gc.OneSE, wc.OneSE)
					}
					for a := range wc.MSE {
						if e := math.Abs(gc.MSE[a]-wc.MSE[a]) / wc.MSE[a]; e > tol {
							t.Errorf("weights %t, no intercept %t, unstandardised %t, ρ %v, α[%d]: error %v, CV's %v (rel %.3g)",
								weights != nil, noInt, unstd, wc.L1Ratio, a, gc.MSE[a], wc.MSE[a], e)
						}
						if e := math.Abs(gc.SE[a] - wc.SE[a]); e > tol*wc.MSE[a]*wsum/minW {
							t.Errorf("weights %t, no intercept %t, unstandardised %t, ρ %v, α[%d]: SE %v, CV's %v",
								weights != nil, noInt, unstd, wc.L1Ratio, a, gc.SE[a], wc.SE[a])
						}
					}
				}
				if got.Best != want.Best || got.AlphaMin != want.AlphaMin || got.Alpha1SE != want.Alpha1SE || !reflect.DeepEqual(got.Refit, want.Refit) {
					t.Errorf("weights %t, no intercept %t, unstandardised %t: choice or refit differs from CV's", weights != nil, noInt, unstd)
				}
			}
		}
	}
}
