package stream

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSelectIsTheFoldOfItsColumns: one accumulator of [1 X Y₁ Y₂] (Y₁ as
// its last feature, Y₂ its response), selected down to X and either
// target, solves as the accumulator folded from X and that target alone:
// the same count and Σw, and coefficients, standard errors, (X̃ᵀWX̃)⁻¹,
// RSS, TSS, R², the standardisation and the condition number within 1e-12
// relative. Both are backward-stable QRs of the same columns, which on data
// of κ ≈ 1e2 (synth; TestQRMatchesOneShot) agree to about 1e-14 in float64
// and closer in double-double; selecting a wrong column, dropping the
// rows below the design or miscounting the rows moves them by O(1). Weighted
// and not, with and without intercept, in both precisions, and with
// Select(d, q.Features()) leaving the response alone.
func TestSelectIsTheFoldOfItsColumns(t *testing.T) {
	const n, d = 500, 3
	for _, weighted := range []bool{false, true} {
		for _, intercept := range []bool{true, false} {
			for _, precise := range []bool{true, false} {
				x, y1, w := synth(41, n, d, weighted)
				y2 := make([]float64, n)
				for i := range y2 {
					y2[i] = 2 - 0.5*y1[i] + x.At(i, 0) + 0.1*float64(i%7)
				}
				joint := mat.NewDense(n, d+1, nil)
				joint.Slice(0, n, 0, d).(*mat.Dense).Copy(x)
				joint.SetCol(d, y1)
				q := newQR(d+1, intercept, precise)
				if err := q.Add(joint, y2, w); err != nil {
					t.Fatal(err)
				}
				for c, y := range [][]float64{y1, y2} {
					name := fmt.Sprintf("weighted %t, intercept %t, double-double %t, target %d", weighted, intercept, precise, c+1)
					one := newQR(d, intercept, precise)
					if err := one.Add(x, y, w); err != nil {
						t.Fatal(err)
					}
					sel := q.Select(d, d+c)
					if sel.N() != one.N() || sel.SumWeights() != one.SumWeights() || sel.Features() != d || sel.Intercept() != intercept || sel.DoubleDouble() != precise {
						t.Fatalf("%s: n %d, Σw %v, %d features, intercept %t, double-double %t; folded alone %d, %v", name,
							sel.N(), sel.SumWeights(), sel.Features(), sel.Intercept(), sel.DoubleDouble(), one.N(), one.SumWeights())
					}
					got, want := mustSolve(t, sel, 0), mustSolve(t, one, 0)
					for what, pair := range map[string][2][]float64{
						"coefficients":       {coefs(got), coefs(want)},
						"standard errors":    {got.StdErr, want.StdErr},
						"(X̃ᵀWX̃)⁻¹":         {got.Unscaled.RawSymmetric().Data, want.Unscaled.RawSymmetric().Data},
						"RSS, TSS, R², cond": {{got.RSS, got.TSS, got.R2, got.Cond}, {want.RSS, want.TSS, want.R2, want.Cond}},
						"SD":                 {got.SD, want.SD},
					} {
						if e := maxRel(pair[0], pair[1]); e > 1e-12 {
							t.Errorf("%s: %s differ by %.2g relative:\n selected %v\n alone    %v", name, what, e, pair[0], pair[1])
						}
					}
				}
			}
		}
	}
}
