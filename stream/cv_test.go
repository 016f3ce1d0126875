package stream

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/enet"
)

// cvData is a sparse linear model, y = 1 + 2x₀ − 1.5x₂ + 0.5·noise on six
// standard normal columns (so the lasso's CV curve has a clear minimum),
// shifted by shift; weighted, the weights are in [0.5, 2] with every
// seventh row of weight zero.
func cvData(n int, weighted bool, shift float64) (x *mat.Dense, y, w []float64) {
	const d = 6
	rng := rand.New(rand.NewPCG(11, 3))
	x = mat.NewDense(n, d, nil)
	y = make([]float64, n)
	for i := range n {
		for j := range d {
			x.Set(i, j, rng.NormFloat64()+shift)
		}
		y[i] = 1 + 2*(x.At(i, 0)-shift) - 1.5*(x.At(i, 2)-shift) + 0.5*rng.NormFloat64() + shift
	}
	if weighted {
		w = make([]float64, n)
		for i := range w {
			if i%7 != 3 {
				w[i] = 0.5 + 1.5*rng.Float64()
			}
		}
	}
	return x, y, w
}

// FoldCV on partitions equals enet.CV on the same rows in memory: the same
// fold of every row (however the rows are split into files), the same grid
// (bit for bit PathMoments' grid on the full moments, and Path's to
// rounding), CV errors and standard errors within the tolerance below, the
// same chosen ρ and α (min and 1se) and the same refit to rounding —
// weighted (with rows of weight zero) and not, with and without
// intercept, and with data shifted by 1e6. The streamed result is the same
// bits for any number of workers.
//
// Tolerances. Both sides solve each fold's problem from its moments to a
// relative duality gap of 1e-12; the moments agree to about n·ε (6.7e-14
// for 600 rows summed in float64 in memory, the factor being
// double-double), which the well-conditioned design (independent standard
// normal columns) passes to the coefficients and the errors: 1e-12 leaves
// a factor of 15. Shifted by 1e6, the in-memory held-out residual
// y − b − xᵀβ of each row cancels terms of size S = 1e6·(2 + Σ|β|) ≈ 5.5e6
// (the intercept b absorbs the shifts), each rounded to ε·S ≈ 1.2e-9
// against a residual of standard deviation 0.5: a relative error of
// 4εS/0.5 ≈ 1e-8 in its square, the bound used for the errors there. The
// standard error moves by at most the largest change of a fold's error
// (centring and a weighted 2-norm are non-expansive), and a fold's error
// e_k ≤ MSE·W/W_k (MSE = Σ W_k e_k / W), so |ΔSE| ≤ tol·MSE·W/min W_k.
func TestFoldCVMatchesCV(t *testing.T) {
	const n = 600
	const eps = 0x1p-53
	ctx := context.Background()
	for _, weighted := range []bool{false, true} {
		for _, intercept := range []bool{true, false} {
			for _, shift := range []float64{0, 1e6} {
				if shift != 0 && !intercept {
					continue // through the origin, a shift of 1e6 is the model, not a nuisance
				}
				x, y, w := cvData(n, weighted, shift)
				cs := enet.CVSettings{Folds: 5, Seed: 9, L1Ratios: []float64{1, 0.5}}
				cs.NumAlphas = 40
				cs.Tol = 1e-12
				cs.NoIntercept = !intercept
				mem := cs
				mem.Weights = w
				want, err := enet.CV(ctx, x, y, &mem)
				if err != nil {
					t.Fatal(err)
				}
				tol := 1e-12
				if shift != 0 {
					tol = 4 * eps * shift * (2 + 2 + 1.5) / 0.5
				}
				// W/min W_k for the SE bound.
				fw := make([]float64, cs.Folds)
				var wsum float64
				for i, f := range want.Folds {
					wi := 1.0
					if w != nil {
						wi = w[i]
					}
					fw[f] += wi
					wsum += wi
				}
				seScale := wsum / slices.Min(fw)
				positive := n
				for _, wi := range w {
					if wi == 0 {
						positive--
					}
				}
				for _, cuts := range [][]int{{0, n}, {0, 137, 400, n}} {
					name := fmt.Sprintf("weighted %t, intercept %t, shift %g, %d partitions", weighted, intercept, shift, len(cuts)-1)
					got, full, err := FoldCV(ctx, partitions(x, y, w, cuts, 50), &Settings{NoIntercept: !intercept, Workers: 1}, &cs)
					if err != nil {
						t.Fatal(err)
					}
					again, _, err := FoldCV(ctx, partitions(x, y, w, cuts, 50), &Settings{NoIntercept: !intercept, Workers: 4}, &cs)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, again) {
						t.Errorf("%s: 1 and 4 workers differ", name)
					}
					if !slices.Equal(got.Folds, want.Folds) {
						t.Errorf("%s: folds differ from enet.CV's", name)
					}
					if full.N != positive || got.Best != want.Best || got.L1Ratio != want.L1Ratio {
						t.Errorf("%s: N %d, best %d (ρ %v); in memory best %d (ρ %v)", name, full.N, got.Best, got.L1Ratio, want.Best, want.L1Ratio)
					}
					for c := range want.Curves {
						wc, gc := want.Curves[c], got.Curves[c]
						ps := cs.PathSettings
						ps.Settings.Weights = nil
						pm, err := enet.PathMoments(ctx, &full, wc.L1Ratio, &ps)
						if err != nil {
							t.Fatal(err)
						}
						for a, pt := range pm.Points {
							if gc.Alphas[a] != pt.Alpha {
								t.Errorf("%s ρ %v: α[%d] %v, PathMoments' %v", name, wc.L1Ratio, a, gc.Alphas[a], pt.Alpha)
							}
						}
						if len(gc.Alphas) != len(wc.Alphas) || maxRel(gc.Alphas, wc.Alphas) > 1e-12 {
							t.Errorf("%s ρ %v: grid differs from enet.CV's by %.3g", name, wc.L1Ratio, maxRel(gc.Alphas, wc.Alphas))
						}
						for a := range wc.MSE {
							if e := relDiff(gc.MSE[a], wc.MSE[a]); e > tol {
								t.Errorf("%s ρ %v: α[%d] CV error %v, in memory %v (rel %.3g > %.3g)", name, wc.L1Ratio, a, gc.MSE[a], wc.MSE[a], e, tol)
							}
							if e := math.Abs(gc.SE[a] - wc.SE[a]); e > tol*wc.MSE[a]*seScale {
								t.Errorf("%s ρ %v: α[%d] SE %v, in memory %v", name, wc.L1Ratio, a, gc.SE[a], wc.SE[a])
							}
						}
						if gc.Min != wc.Min || gc.OneSE != wc.OneSE {
							t.Errorf("%s ρ %v: min %d, 1se %d; in memory %d, %d", name, wc.L1Ratio, gc.Min, gc.OneSE, wc.Min, wc.OneSE)
						}
						// Well separated: the chosen α are not near-ties that
						// rounding could flip.
						if m := wc.MSE; wc.Min > 0 && wc.Min < len(m)-1 && (m[wc.Min-1]-m[wc.Min] < 100*tol*m[wc.Min] || m[wc.Min+1]-m[wc.Min] < 100*tol*m[wc.Min]) {
							t.Errorf("%s ρ %v: α_min is a near-tie; the test does not separate it", name, wc.L1Ratio)
						}
					}
					if relDiff(got.AlphaMin, want.AlphaMin) > 1e-12 || relDiff(got.Alpha1SE, want.Alpha1SE) > 1e-12 {
						t.Errorf("%s: α_min %v, α_1se %v; in memory %v, %v", name, got.AlphaMin, got.Alpha1SE, want.AlphaMin, want.Alpha1SE)
					}
					if e := maxRel(got.Refit.Coef, want.Refit.Coef); e > 1e-12 || relDiff(got.Refit.Intercept, want.Refit.Intercept) > 1e-12 {
						t.Errorf("%s: refit differs by %.3g", name, e)
					}
				}
			}
		}
	}
}
