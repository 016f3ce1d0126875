package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/penalty"
)

// The Beam cd fit (files folded and merged by the CombineFn, fit.FromQR on
// the decoded accumulator) is the in-memory cd fit (fit.Matrix) of the same
// rows: lasso, elastic net and ridge, penalty on standardised and raw
// coefficients, 1 and 3 files, weights none and some zero, with and without
// an intercept; both at a duality-gap tolerance of 1e-14.
//
// Tolerance: the bound fit/streamcd_test.go derives (cdBounds) for the
// streamed-against-in-memory cd fit, restated. In the problem's coordinates
// β (β_j = coef_j·s_j, s_j the weighted SD, or 1 when raw) with G, c, ycc
// the Gram matrix, Zᵀv·yc and Σv·yc² (v = w/Σw) and μ = λ_min(G) + α(1−ρ):
// each solve stops when no coordinate moved by more than tol·b_max/√G_kk
// (b_max = max|β_k|√G_kk), so it is within d·tol·b_max·√tr G / μ of its
// problem's optimum; the two sources' moments differ by at most
// η = (n+2)ε relative to √(G_jj G_kk), which moves the optimum by
// η·√tr G·(Σ|β_k|√G_kk + √ycc)/μ; converting to β with either side's
// scales adds η‖β‖. The intercept ȳ − Σx̄_j·coef_j then differs by
// 4ε|ȳ| + ‖x̄/s‖·‖Δβ‖ + η·Σ|x̄_j·coef_j|. The test's moments are those of
// the merged accumulator.
func TestCDMatchesInMemory(t *testing.T) {
	const n, d, tol = 500, 3, 1e-14
	base := makeData(31, n, d, false)
	type pen struct {
		name         string
		alpha, ratio float64
		p            penalty.Penalty
		rho          float64
	}
	pens := []pen{
		{"l1", 0.6, 0, penalty.L1{Alpha: 0.6}, 1},
		{"elasticnet", 0.2, 0.4, penalty.ElasticNet{Alpha: 0.2, L1Ratio: 0.4}, 0.4},
		{"l2", 0.5, 0, penalty.L2{Alpha: 0.5}, 0},
	}
	ctx := context.Background()
	k := 0
	for _, wname := range []string{"none", "somezero"} {
		ds := base
		ds.w = weightCases(n)[wname]
		for _, cuts := range [][]int{{0, n}, {0, 120, 310, n}} {
			dir, csv := writeDataset(t, ds, cuts)
			for _, noIcpt := range []bool{false, true} {
				p := pens[k%len(pens)]
				raw := k%2 == 1
				k++
				name := fmt.Sprintf("w=%s/files=%d/nointercept=%t/%s/raw=%t", wname, len(cuts)-1, noIcpt, p.name, raw)
				t.Run(name, func(t *testing.T) {
					accPath := filepath.Join(dir, "acc.json")
					m, err := RunFit(ctx, testRunner, filepath.Join(dir, "part-*.csv"), filepath.Join(dir, "m.json"), FitOptions{
						CSV: csv, NoIntercept: noIcpt, Solver: "cd", Penalty: p.name, Alpha: p.alpha, L1Ratio: p.ratio,
						GapTol: tol, Raw: raw, AccumulatorPath: accPath})
					if err != nil {
						t.Fatal(err)
					}
					want, err := fit.Matrix(ctx, ds.x, ds.y, &fit.Settings{Solver: fit.CD, Penalty: p.p, Weights: ds.w,
						NoIntercept: noIcpt, Raw: raw, GapTol: tol})
					if err != nil {
						t.Fatal(err)
					}
					if m.Solver.Name != "cd-stream" || m.Training["status"] != lsq.Converged.String() || want.Status != lsq.Converged {
						t.Fatalf("solver %s, status %v (in memory %v)", m.Solver.Name, m.Training["status"], want.Status)
					}
					if m.Training["n"] != float64(want.N) {
						t.Errorf("training n %v, in memory %d (the rows read)", m.Training["n"], want.N)
					}
					if (m.Scaling != nil) == raw {
						t.Errorf("scaling %v with raw %t", m.Scaling, raw)
					}
					var acc QRAcc
					if err := ReadAccumulator(ctx, accPath, &acc); err != nil {
						t.Fatal(err)
					}
					q, err := acc.Decode()
					if err != nil {
						t.Fatal(err)
					}
					mo := q.Moments()
					eps := 0x1p-52
					eta := float64(n+2) * eps
					sc := make([]float64, d)
					for j := range sc {
						sc[j] = 1
						if !raw {
							sc[j] = math.Sqrt(mo.Gram[j*d+j])
						}
					}
					g := mat.NewSymDense(d, nil)
					var tr, bmax, sb, nb, diff, xs, xw float64
					for j := range d {
						for l := j; l < d; l++ {
							g.SetSym(j, l, mo.Gram[j*d+l]/(sc[j]*sc[l]))
						}
						bj, gj := want.Coef[j]*sc[j], m.Coef[j]*sc[j]
						sj := math.Sqrt(g.At(j, j))
						tr += g.At(j, j)
						bmax = math.Max(bmax, math.Abs(bj)*sj)
						sb += math.Abs(bj) * sj
						nb += bj * bj
						diff += (gj - bj) * (gj - bj)
						if mo.Intercept {
							xs += (mo.Mean[j] / sc[j]) * (mo.Mean[j] / sc[j])
							xw += math.Abs(mo.Mean[j] * want.Coef[j])
						}
					}
					var ev mat.EigenSym
					if !ev.Factorize(g, false) {
						t.Fatal("eigendecomposition of G failed")
					}
					mu := ev.Values(nil)[0] + p.alpha*(1-p.rho)
					coefTol := (2*float64(d)*tol*bmax*math.Sqrt(tr)+eta*math.Sqrt(tr)*(sb+math.Sqrt(mo.YY)))/mu + eta*math.Sqrt(nb)
					if math.Sqrt(diff) > coefTol {
						t.Errorf("‖Δβ‖ = %.3g > %.3g (beam %v, memory %v)", math.Sqrt(diff), coefTol, m.Coef, want.Coef)
					}
					// The lasso's α = 0.6 zeros x1 (|Zᵀv·y| below α by far more
					// than the bound): both fits must set the same coefficients
					// exactly to zero.
					for j := range d {
						if (m.Coef[j] == 0) != (want.Coef[j] == 0) {
							t.Errorf("coefficient %d: beam %v, memory %v: not zero on both", j, m.Coef[j], want.Coef[j])
						}
					}
					bTol := 4*eps*math.Abs(mo.YMean) + math.Sqrt(xs)*coefTol + eta*xw
					if e := math.Abs(m.Intercept - want.Intercept); e > bTol || noIcpt && m.Intercept != 0 {
						t.Errorf("intercept %v vs %v: %.3g > %.3g", m.Intercept, want.Intercept, e, bTol)
					}
				})
			}
		}
	}
}

// Options that do not apply to the solver, or out of range, are refused
// before anything runs, naming the option.
func TestFitOptionsRefused(t *testing.T) {
	for _, o := range []FitOptions{
		{Solver: "gd"},
		{Penalty: "l1", Alpha: 0.1},
		{GapTol: 1e-12},
		{Solver: "cd"},
		{Solver: "cd", Penalty: "l3", Alpha: 0.1},
		{Solver: "cd", Penalty: "l1", Alpha: 0.1, L1Ratio: 0.5},
		{Solver: "cd", Penalty: "l1", Alpha: -1},
		{Solver: "cd", Penalty: "elasticnet", Alpha: 0.1, L1Ratio: 1.5},
		{Solver: "cd", Penalty: "l1", Alpha: 0.1, GapTol: math.NaN()},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v: no error", o)
		}
		if _, err := RunFit(context.Background(), func(context.Context, *beam.Pipeline) error {
			t.Fatal("a pipeline ran")
			return nil
		}, "none-*.csv", "m.json", o); err == nil {
			t.Errorf("%+v: RunFit gave no error", o)
		}
	}
	for _, o := range []FitOptions{{}, {Alpha: 0.1}, {Solver: "cd", Penalty: "lasso"}, {Solver: "cd", Penalty: "enet", Alpha: 1, L1Ratio: 1}} {
		if err := o.Validate(); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
}
