package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/penalty"
)

// weightCases are the weightings every differential check runs with: none
// (the CSV has no weight column), constant 3 (which must give the unweighted
// fit: the objective divides by W = Σw) and weights of which some are zero
// (those rows must count as absent, on both paths).
func weightCases(n int) map[string][]float64 {
	three := make([]float64, n)
	zeros := make([]float64, n)
	for i := range n {
		three[i] = 3
		zeros[i] = 0.5 + float64(i%7)/4
		if i%5 == 2 {
			zeros[i] = 0
		}
	}
	return map[string][]float64{"none": nil, "const3": three, "somezero": zeros}
}

// designCond is the 2-norm condition number of the weighted design
// √w·[1 X] (without the 1 column when intercept is false), the quantity the
// forward error of a backward-stable least-squares solve is proportional to.
func designCond(x *mat.Dense, w []float64, intercept bool) float64 {
	n, d := x.Dims()
	off := 0
	if intercept {
		off = 1
	}
	a := mat.NewDense(n, d+off, nil)
	for i := range n {
		s := 1.0
		if w != nil {
			s = math.Sqrt(w[i])
		}
		if intercept {
			a.Set(i, 0, s)
		}
		for j := range d {
			a.Set(i, off+j, s*x.At(i, j))
		}
	}
	return mat.Cond(a, 2)
}

// The Beam exact fit (TSQR over files, solved from the merged factor) and
// the in-memory library fit (fit.Matrix, QR of all rows at once) of the same
// rows agree: OLS and ridge, the ridge penalty on the standardised (default)
// and on the raw coefficients, weights none, constant 3 and some zero, with
// and without an intercept; and the model file's row counts are the
// in-memory fit's (n rows read, nobs of positive weight).
//
// Tolerance 1e-10 relative: both are backward-stable QR solves of the same
// problem, so each is within about κ·u·(a small multiple of n) of the exact
// solution, u = 2⁻⁵³ ≈ 1.1e-16; the test checks that κ (of the weighted
// design, with the ridge rows only lowering it) is below 1e3 here, which
// puts both within ≈ 1e-12 of it for n = 600, and 1e-10 leaves a factor of
// 100 for the different orders of summation (per-file factors merged
// pairwise against one factorisation).
func TestExactMatchesInMemory(t *testing.T) {
	const n, d = 600, 3
	base := makeData(21, n, d, false)
	for wname, w := range weightCases(n) {
		ds := base
		ds.w = w
		dir, csv := writeDataset(t, ds, []int{0, 150, 370, n})
		glob := filepath.Join(dir, "part-*.csv")
		for _, noIcpt := range []bool{false, true} {
			if k := designCond(ds.x, w, !noIcpt); k > 1e3 {
				t.Fatalf("%s, no intercept %t: design condition number %.3g; the 1e-10 tolerance assumes < 1e3", wname, noIcpt, k)
			}
			for _, alpha := range []float64{0, 0.3} {
				for _, raw := range []bool{false, true} {
					name := fmt.Sprintf("w=%s/nointercept=%t/alpha=%v/raw=%t", wname, noIcpt, alpha, raw)
					t.Run(name, func(t *testing.T) {
						m, err := RunFit(context.Background(), testRunner, glob, filepath.Join(dir, "m.json"),
							FitOptions{CSV: csv, NoIntercept: noIcpt, Alpha: alpha, Raw: raw})
						if err != nil {
							t.Fatal(err)
						}
						fs := &fit.Settings{Weights: w, NoIntercept: noIcpt, Raw: raw}
						if alpha > 0 {
							fs.Penalty = penalty.L2{Alpha: alpha}
						}
						ref, err := fit.Matrix(context.Background(), ds.x, ds.y, fs)
						if err != nil {
							t.Fatal(err)
						}
						got := append([]float64{m.Intercept}, m.Coef...)
						want := append([]float64{ref.Intercept}, ref.Coef...)
						if e := maxRel(got, want); e > 1e-10 {
							t.Errorf("beam %v\nfit.Matrix %v\nrel %.3g", got, want, e)
						}
						if noIcpt && m.Intercept != 0 {
							t.Errorf("intercept %v without an intercept", m.Intercept)
						}
						// The counts of the in-memory fit: n the rows read,
						// nobs those of positive weight.
						if m.Training["n"] != float64(ref.N) || m.Training["nobs"] != float64(ref.Exact.N) {
							t.Errorf("training n %v, nobs %v; fit.Matrix's %d, %d", m.Training["n"], m.Training["nobs"], ref.N, ref.Exact.N)
						}
					})
				}
			}
		}
	}
}
